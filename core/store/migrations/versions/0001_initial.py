"""Initial schema: users, batches, queues, items, decisions, audit events.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from core.store.triggers import protect_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables, indexes and protecting triggers."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.CheckConstraint("role IN ('analyst', 'reviewer', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("model_version", sa.String(255), nullable=False),
        sa.Column("thresholds", JSON, nullable=False),
        sa.Column("labels", JSON, nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("columns", JSON, nullable=False),
        sa.Column("text_col", sa.String(255), nullable=False),
        sa.Column("id_col", sa.String(255), nullable=True),
        sa.Column("author_col", sa.String(255), nullable=True),
        sa.Column("extra_columns", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
    )
    op.create_index(op.f("ix_batches_content_hash"), "batches", ["content_hash"])
    op.create_index(op.f("ix_batches_created_at"), "batches", ["created_at"])
    op.create_table(
        "queues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("rule", JSON, nullable=False),
        sa.Column("rule_text", sa.Text(), nullable=False),
        sa.Column("reviews_required", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_queues_batch_id_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queues")),
        sa.UniqueConstraint("name", name=op.f("uq_queues_name")),
    )
    op.create_index(op.f("ix_queues_batch_id"), "queues", ["batch_id"])
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("author", sa.String(255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("scores", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("lease_expires_at", TIME, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'decided', 'escalated')", name=op.f("ck_items_status")),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_items_batch_id_batches")),
        sa.ForeignKeyConstraint(["queue_id"], ["queues.id"], name=op.f("fk_items_queue_id_queues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("batch_id", "row_number", name="uq_items_batch_row"),
    )
    op.create_index("ix_items_queue_next", "items", ["queue_id", "status", "priority"])
    op.create_index("ix_items_batch_author", "items", ["batch_id", "author"])
    op.create_index("ix_items_batch_external", "items", ["batch_id", "external_id"])
    op.create_index("ix_items_claimed", "items", ["claimed_by", "queue_id", "status"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("labels", JSON, nullable=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("rule_text", sa.Text(), nullable=True),
        sa.Column("decided_at", TIME, nullable=False),
        sa.Column("seconds_spent", sa.Float(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("model_version", sa.String(255), nullable=False),
        sa.CheckConstraint("action IN ('approve', 'remove', 'escalate', 'skip')", name=op.f("ck_decisions_action")),
        sa.CheckConstraint("source IN ('person', 'rule')", name=op.f("ck_decisions_source")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_decisions_item_id_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index("ix_decisions_item_current", "decisions", ["item_id", "is_current"])
    op.create_index(op.f("ix_decisions_reviewer"), "decisions", ["reviewer"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("before", JSON, nullable=True),
        sa.Column("after", JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_actor"), "audit_events", ["actor"])
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"])
    op.create_index("ix_audit_events_entity", "audit_events", ["entity_type", "entity_id"])
    protect_tables(op.execute, op.get_bind().dialect.name)


def downgrade() -> None:
    """Drop everything (the triggers go with their tables)."""
    for table in ("audit_events", "decisions", "items", "queues", "batches", "users"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS modlens_refuse()")
