"""Database fixtures for the users and review CLI tests (defined in :mod:`tests.db_fixtures`)."""

from tests.db_fixtures import (  # noqa: F401 - fixtures are found by name
    cli,
    db,
    fast_password_hashing,
    make_queue,
    pg_cluster,
    pg_template,
    sqlite_template,
    store_url,
    team,
)
