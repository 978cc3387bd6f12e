"""The same Alembic migrations run on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

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
