"""Reason codes: a configurable list, seeded with defaults; decisions.reason refers to it.

Reasons already used by decisions are kept as codes of their own, so the new
foreign key holds for existing data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from core.store.triggers import protect_tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ALL = ["approve", "remove", "escalate", "skip"]
DEFAULT_CODES = [
    ("not_violating", "Not against the rules", ["approve"]),
    ("counter_speech", "Counter-speech or reporting abuse", ["approve"]),
    ("quoting", "Quoting or discussing, not endorsing", ["approve"]),
    ("in_group", "Reclaimed or in-group use", ["approve"]),
    ("harassment", "Harassment or insult", ["remove"]),
    ("hate", "Hate against a protected group", ["remove"]),
    ("threat", "Threat of violence", ["remove", "escalate"]),
    ("sexual", "Sexual content", ["remove"]),
    ("spam", "Spam or scam", ["remove"]),
    ("needs_context", "Needs context or a second opinion", ["escalate", "skip"]),
    ("legal", "Possible legal issue", ["escalate"]),
    ("self_harm", "Self-harm risk", ["escalate"]),
    ("language", "Language I cannot judge", ["skip"]),
    ("other", "Other (explain in the note)", ALL),
]


def upgrade() -> None:
    """Create and seed ``reason_codes``; add the foreign key from ``decisions.reason``."""
    reason_codes = op.create_table(
        "reason_codes",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("label", sa.String(255), nullable=False),
        sa.Column("actions", JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_reason_codes")),
    )
    rows = [
        {"code": code, "label": label, "actions": actions, "active": True, "position": i}
        for i, (code, label, actions) in enumerate(DEFAULT_CODES)
    ]
    known = {code for code, _, _ in DEFAULT_CODES}
    used = op.get_bind().execute(sa.text("SELECT DISTINCT reason FROM decisions WHERE reason IS NOT NULL"))
    for (code,) in used:
        if code not in known:
            rows.append({"code": code, "label": code, "actions": ALL, "active": True, "position": len(rows)})
    op.bulk_insert(reason_codes, rows)
    with op.batch_alter_table("decisions") as batch:
        batch.create_foreign_key(op.f("fk_decisions_reason_reason_codes"), "reason_codes", ["reason"], ["code"])
    # batch mode rebuilt the table on SQLite, without its triggers
    protect_tables(op.execute, op.get_bind().dialect.name)


def downgrade() -> None:
    """Drop the foreign key and the table (reasons stay as text)."""
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint(op.f("fk_decisions_reason_reason_codes"), type_="foreignkey")
    protect_tables(op.execute, op.get_bind().dialect.name)
    op.drop_table("reason_codes")
