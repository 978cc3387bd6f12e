"""The same Alembic migrations run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from reelcast.store.db import Database, alembic_config
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


def _backfill_case(url: str) -> None:
    """Rows written before 0014_post_counters get their posts' counters from the migration."""
    db = Database(url)
    cfg = alembic_config(url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012_feed")
    rows = [
        "INSERT INTO users (id, handle, display_name, is_admin, created_at) VALUES "
        "('u1', 'a', '', false, 1), ('u2', 'b', '', false, 1), ('u3', 'c', '', false, 1)",
        "INSERT INTO videos (id, user_id, kind, status, progress, model, engine, quality, prompt, seconds, size, "
        "seed, remixed_from_video_id, created_at, deleted_at, attempts) VALUES "
        "('v1', 'u1', 'create', 'completed', 100, 'm', 'sim', 'auto', 'p', '4', '1280x720', 0, NULL, 1, NULL, 0), "
        "('v2', 'u2', 'remix', 'completed', 100, 'm', 'sim', 'auto', 'p', '4', '1280x720', 0, 'v1', 2, NULL, 0), "
        "('v3', 'u3', 'remix', 'failed', 0, 'm', 'sim', 'auto', 'p', '4', '1280x720', 0, 'v1', 3, 5, 0), "
        "('v4', 'u3', 'remix', 'queued', 0, 'm', 'sim', 'auto', 'p', '4', '1280x720', 0, 'v1', 4, NULL, 0)",
        "INSERT INTO posts (id, user_id, video_id, caption, created_at) VALUES "
        "('p1', 'u1', 'v1', '', 1), ('p2', 'u2', 'v2', '', 2), ('p0', 'u1', 'v1', '', 0)",
        "INSERT INTO likes (post_id, user_id, created_at) VALUES ('p1', 'u2', 1), ('p1', 'u3', 1), ('p2', 'u1', 1)",
        "INSERT INTO comments (id, post_id, user_id, text, created_at) VALUES "
        "('c1', 'p1', 'u2', 'x', 1), ('c2', 'p1', 'u2', 'y', 1), ('c3', 'p2', 'u3', 'z', 1)",
    ]
    with db.engine.begin() as conn:
        for sql in rows:
            conn.execute(text(sql))
    db.migrate()
    with db.engine.connect() as conn:
        got = conn.execute(text("SELECT id, like_count, comment_count, remix_count FROM posts ORDER BY id")).all()
    # p0: an earlier post of v1 (unposted) counts v1's live remixes too; v3 is deleted
    assert [tuple(r) for r in got] == [("p0", 0, 0, 2), ("p1", 2, 2, 2), ("p2", 1, 1, 0)]
    db.dispose()


def test_post_counters_backfill_on_sqlite(tmp_path):
    _backfill_case(f"sqlite:///{tmp_path / 'b.db'}")


def test_post_counters_backfill_on_postgresql(pg_url):
    url = fresh_pg_database()
    try:
        _backfill_case(url)
    finally:
        drop_pg_database(url)
