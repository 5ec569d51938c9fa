"""Every error a user can cause, in one place: :class:`ModLensError` and its kinds.

The message of each is shown as is: in the dashboard with ``st.error`` and on the
command line as one line on stderr (exit code 2). It says what is wrong and what to
do, e.g. ``Column 'text' not found. Columns are: id, body. Choose the text column
with --text-col.`` Callers that only need to show the message catch
:class:`ModLensError`; the subclasses let a caller react to one kind (a page may
offer a smaller upload for :class:`LimitExceeded`, a service may log
:class:`PermissionDenied`). Anything else raised by ModLens is a bug.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DatabaseBusyError",
    "InputError",
    "LimitExceeded",
    "ModLensError",
    "ModelError",
    "NotFittedError",
    "OutputError",
    "PermissionDenied",
    "TrainingBusyError",
    "TrainingCancelled",
]


class ModLensError(Exception):
    """A problem with the user's input, file, settings or model that the user can fix."""


class InputError(ModLensError):
    """A file or table of posts, labels or groups that cannot be used as given."""


class LimitExceeded(InputError):  # noqa: N818 (reads as what happened: a limit was exceeded)
    """An input larger than a configured bound (size, rows, columns, cell length, time)."""


class ConfigError(ModLensError):
    """An option or setting out of its range (a threshold of 2, a batch size of 0, ...)."""


class ModelError(ModLensError):
    """A model directory or its ``metadata.json`` that is missing, damaged or of the wrong shape."""


class NotFittedError(ModelError):
    """A classifier used before ``fit`` or ``load``."""


class TrainingCancelled(ModLensError):  # noqa: N818 (reads better than ...Error at call sites)
    """Raised by ``fit`` when the progress callback asked to stop (the user pressed Cancel)."""


class TrainingBusyError(ModLensError):
    """A training asked for while another one runs on this server (one runs at a time)."""


class DatabaseBusyError(ModLensError):
    """The database stayed locked by other writers for longer than the busy timeout."""


class OutputError(ModLensError):
    """An output path ModLens refuses to write: the input itself, a folder it did not create, a system path."""


class PermissionDenied(ModLensError):  # noqa: N818 (the name says what happened, like the built-in PermissionError)
    """The acting user's role does not allow the action (checked in the service layer).

    The message names the user, the role the action needs and who can change it,
    e.g. ``bob is an analyst; deciding posts needs the reviewer or admin role. Ask an
    admin to change your role.``
    """


class SignInLocked(PermissionDenied):
    """Too many failed sign-ins for one name: the name is refused for a while (no password is checked)."""


class AccountDisabled(PermissionDenied):
    """An account that exists but is disabled (an OIDC sign-in is told so, and to ask an admin to enable it).

    ``account`` is the account's name as stored (an e-mail sign-in matches it whatever the case),
    the name to pass to ``users enable``.
    """

    def __init__(self, message: str, account: str | None = None) -> None:
        super().__init__(message)
        self.account = account


class Terminated(BaseException):
    """Raised in the CLI's main thread on SIGTERM, so half-written outputs are removed as on Ctrl-C.

    A ``BaseException`` so that ``except Exception`` clean-up code does not swallow it.
    """
