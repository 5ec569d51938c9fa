"""``python -m core users`` on a database whose schema this ModLens does not know (made by a newer version)."""

from __future__ import annotations

from sqlalchemy import text

from core.store.connect import close_databases
from core.store.db import Database
from core.store.migrate import current_revision


def test_a_database_from_a_newer_modlens_is_one_line_and_left_alone(store_url: str, cli) -> None:
    database = Database(store_url)
    with database.engine.begin() as connection:  # what a newer release's migration would leave
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    close_databases()
    code, out, err = cli(["users", "list", "--database", store_url])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("error: The database ") and "schema revision '0099'" in err and "Upgrade ModLens" in err
    assert current_revision(database) == "0099"  # nothing changed
    database.close()
