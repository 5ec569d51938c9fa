"""The ORM models: one class per table, the same for SQLite and PostgreSQL.

The migrations in ``core/store/migrations`` create exactly this schema (a test
compares them). Times are stored in UTC; scores are a JSON object per post
(``{"toxic": 0.91, "hate": 0.12}``) because the labels depend on the model.
Decisions and audit events are append-only: triggers created by the migrations
refuse to delete them (and to change anything but ``decisions.is_current``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so that Alembic's batch mode can find them on SQLite."""

ROLES = ("analyst", "reviewer", "admin")
ACTIONS = ("approve", "remove", "escalate", "skip")
SOURCES = ("person", "rule")
STATUSES = ("pending", "decided", "escalated")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Convert to UTC; SQLite stores it without the offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Always return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
"""JSON (JSONB on PostgreSQL); Python None is stored as SQL NULL."""


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A local or OIDC account; never deleted (disabled instead), so decisions stay traceable."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Batch(Base):
    """One scored upload: where it came from, who saved it, with which model and thresholds."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    model_version: Mapped[str] = mapped_column(String(255))
    thresholds: Mapped[dict[str, float]] = mapped_column(JSONType)
    labels: Mapped[list[str]] = mapped_column(JSONType)
    row_count: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list[str]] = mapped_column(JSONType)
    text_col: Mapped[str] = mapped_column(String(255))
    id_col: Mapped[str | None] = mapped_column(String(255))
    author_col: Mapped[str | None] = mapped_column(String(255))
    extra_columns: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """The file's other columns as Parquet, so reopening gives back the whole table (loaded only when read)."""


class Queue(Base):
    """A review queue: the posts of one batch that a rule selected."""

    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    rule: Mapped[dict[str, Any]] = mapped_column(JSONType)
    rule_text: Mapped[str] = mapped_column(Text)
    reviews_required: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Item(Base):
    """One post of a batch, with its scores and its review state."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("batch_id", "row_number", name="uq_items_batch_row"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_items_queue_next", "queue_id", "status", "priority"),
        Index("ix_items_batch_author", "batch_id", "author"),
        Index("ix_items_batch_external", "batch_id", "external_id"),
        Index("ix_items_claimed", "claimed_by", "queue_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    """1-based position in the uploaded file."""
    external_id: Mapped[str] = mapped_column(String(255))
    """The file's own post id, or the row number when the file has none."""
    author: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    scores: Mapped[dict[str, float]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Decision(Base):
    """One decision on a post (append-only); ``is_current`` marks each reviewer's latest."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(_in("action", ACTIONS), name="action"),
        CheckConstraint(_in("source", SOURCES), name="source"),
        Index("ix_decisions_item_current", "item_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    reviewer: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(ForeignKey("reason_codes.code"))
    note: Mapped[str | None] = mapped_column(Text)
    labels: Mapped[list[str] | None] = mapped_column(JSONType)
    source: Mapped[str] = mapped_column(String(8))
    rule_text: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds_spent: Mapped[float | None] = mapped_column(Float)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    model_version: Mapped[str] = mapped_column(String(255))


class ReasonCode(Base):
    """A reason a reviewer can give; deactivated rather than deleted once used."""

    __tablename__ = "reason_codes"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))
    actions: Mapped[list[str]] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(Base):
    """Who changed what, when (insert-only)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
