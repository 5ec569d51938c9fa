"""Sign-in page (``/`` while nobody is signed in): a local account, or the organisation's sign-in (OIDC).

Other pages opened while signed out show the same form (see :func:`ui.shell.require_app`).
"""

from __future__ import annotations

from ui import shell

shell.sign_in_page()
