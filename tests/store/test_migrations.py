"""The same Alembic migrations run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from reelcast.store.db import Database
from tests.conftest import drop_pg_database, fresh_pg_database

TABLES = {"users", "api_keys", "videos", "characters", "alembic_version"}


def test_migrations_create_schema_on_sqlite(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.migrate()
    db.migrate()  # idempotent
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_migrations_create_schema_on_postgresql(pg_url):
    url = fresh_pg_database()
    try:
        db = Database(url)
        db.migrate()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        db.dispose()
    finally:
        drop_pg_database(url)


LOOKUPS = {  # the case-insensitive lookups the app runs, and the index each must use
    "ix_users_handle_lower": "SELECT id FROM users WHERE lower(handle) = 'ann'",
    "ix_users_display_name_lower": "SELECT id FROM users WHERE lower(display_name) IN ('ann lee', 'red ball')",
    "ix_cameos_handle_lower": "SELECT id FROM cameos WHERE lower(handle) = 'ann'",
}


@pytest.mark.parametrize("index", sorted(LOOKUPS))
def test_case_insensitive_lookups_use_an_index_on_sqlite(tmp_path, index):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.migrate()
    with db.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {LOOKUPS[index]}")))
    assert f"USING INDEX {index}" in plan


@pytest.mark.parametrize("index", sorted(LOOKUPS))
def test_case_insensitive_lookups_use_an_index_on_postgresql(pg_url, index):
    url = fresh_pg_database()
    try:
        db = Database(url)
        db.migrate()
        with db.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))  # an empty table: only an index can avoid the scan
            plan = " ".join(r[0] for r in conn.execute(text(f"EXPLAIN {LOOKUPS[index]}")))
        db.dispose()
        assert index in plan
    finally:
        drop_pg_database(url)
