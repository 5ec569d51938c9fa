"""Alembic environment: runs on the connection handed over by :mod:`core.store.migrate`."""

from __future__ import annotations

from alembic import context

from core.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run the migrations through core.store.migrate.upgrade (it passes the connection).")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
