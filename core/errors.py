"""The one exception type that ModLens raises for problems a user can fix."""

from __future__ import annotations


class ModLensError(Exception):
    """A problem with the user's input, file or model that the user can fix.

    The message is shown as is: in the dashboard with ``st.error`` and on the
    command line as one line on stderr. It says what is wrong and what to do,
    e.g. ``Column 'text' not found. Columns are: id, body. Choose the text
    column with --text-col.``
    """


class PermissionDenied(ModLensError):  # noqa: N818 - the name the services and pages use
    """The acting user's role does not allow the action (checked in the service layer).

    The message names the user, the role the action needs and who can change it,
    e.g. ``bob is an analyst; deciding posts needs the reviewer or admin role. Ask an
    admin to change your role.``
    """
