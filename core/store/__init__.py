"""Saved batches, review queues, decisions, accounts and the audit trail (SQLite or PostgreSQL).

The services take a :class:`~core.store.roles.Actor` and check its permission themselves;
each runs in one transaction and records its audit event in it. See ``core/store/README.md``
for the API the dashboard uses. Importing this package is cheap: import the modules you need
(``from core.store.batches import save_batch``).
"""
