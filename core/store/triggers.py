"""Database triggers that keep audit events insert-only and decisions append-only.

The application never updates or deletes these rows; the triggers make the database
refuse it too (only ``decisions.is_current`` may change). Used by the migrations,
including those that rebuild a table in SQLite batch mode (which drops its triggers).
"""

from __future__ import annotations

from collections.abc import Callable

DECISION_COLUMNS = (
    "item_id, reviewer, action, reason, note, labels, source, rule_text, decided_at, seconds_spent, model_version"
)
TRIGGERS = (
    ("audit_events_no_update", "UPDATE", "audit_events", "audit events are insert-only"),
    ("audit_events_no_delete", "DELETE", "audit_events", "audit events are insert-only"),
    ("audit_events_no_truncate", "TRUNCATE", "audit_events", "audit events are insert-only"),
    ("decisions_no_delete", "DELETE", "decisions", "decisions are append-only"),
    ("decisions_no_truncate", "TRUNCATE", "decisions", "decisions are append-only"),
    (
        "decisions_no_change",
        f"UPDATE OF {DECISION_COLUMNS}",
        "decisions",
        "decisions are append-only: only is_current may change",
    ),
)


def protection_sql(dialect: str) -> list[str]:
    """The statements that (re)create the triggers on ``dialect`` (``'sqlite'`` or ``'postgresql'``)."""
    statements = []
    if dialect == "postgresql":
        statements.append(
            "CREATE OR REPLACE FUNCTION modlens_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$"
        )
        for name, when, table, message in TRIGGERS:
            level = "STATEMENT" if when == "TRUNCATE" else "ROW"
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} BEFORE {when} ON {table} FOR EACH {level} "
                f"EXECUTE FUNCTION modlens_refuse('{message}')"
            )
    else:
        for name, when, table, message in TRIGGERS:
            if when != "TRUNCATE":  # SQLite has no TRUNCATE
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
                statements.append(
                    f"CREATE TRIGGER {name} BEFORE {when} ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
    return statements


def protect_tables(execute: Callable[[str], object], dialect: str) -> None:
    """Run :func:`protection_sql` with ``execute`` (e.g. ``op.execute``)."""
    for statement in protection_sql(dialect):
        execute(statement)
