"""Admin page (``/admin``, admins only): accounts, reason codes and the audit log.

In demo mode (no account yet) it also creates the first admin account. Sections live
in :mod:`ui.sections.admin`; every change is checked and audited by :mod:`core.store`.
"""

from __future__ import annotations

import streamlit as st

from core.store.roles import Permission
from ui import shell
from ui.sections.admin import audit, reasons, users
from ui.services import auth

actor = shell.require_app(Permission.MANAGE_USERS)

st.title("Admin")
st.caption("Accounts and roles, the reason codes reviewers choose from, and the audit log of every change.")
users_tab, reasons_tab, audit_tab = st.tabs(["Accounts", "Reason codes", "Audit log"])
with users_tab:
    if auth.is_demo(actor):
        users.first_admin_section()
    else:
        users.users_section()
with reasons_tab:
    reasons.reasons_section()
with audit_tab:
    audit.audit_section()
