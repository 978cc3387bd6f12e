"""`reelcast backup` / `restore` round-trip the database and blobs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reelcast.cli import app
from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts
from reelcast.store import videos as repo
from reelcast.store.backup import BackupError, backup, restore
from tests.conftest import drop_pg_database, fresh_pg_database, server_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request: pytest.FixtureRequest, pg_url: str) -> str:
    return request.param


def _db(kind: str) -> str | None:
    return fresh_pg_database() if kind == "postgresql" else None


def test_backup_then_restore_into_an_empty_place_brings_back_rows_and_blobs(kind, tmp_path):
    src_url, dst_url = _db(kind), _db(kind)
    try:
        st = server_settings(tmp_path / "a", src_url)
        rt = Runtime.open(st)
        key = rt.blobs.put_bytes(b"fake mp4 bytes", "mp4")
        with rt.db.session() as s:
            user = accounts.get_or_create_user(s, "u")
            vid = repo.create_video(s, user_id=user.id, prompt="a ball", model="sora-2", seconds="1", size="160x90",
                                    seed=1, video_blob=key).id
        info = backup(st, tmp_path / "b.tar.gz")
        rt.close()
        assert (info.database, info.blobs) == (kind, 1)
        st2 = server_settings(tmp_path / "b", dst_url)
        if kind == "postgresql":
            Runtime.open(st2, migrate=False).close()
        restore(st2, tmp_path / "b.tar.gz")
        rt2 = Runtime.open(st2)
        with rt2.db.session() as s:
            job = repo.get_video(s, vid)
            assert job is not None and job.video_blob == key and job.prompt == "a ball"
        assert rt2.blobs.read_bytes(key) == b"fake mp4 bytes"
        rt2.close()
    finally:
        for url in (src_url, dst_url):
            if url:
                drop_pg_database(url)


def test_restore_refuses_to_overwrite_an_existing_sqlite_database(tmp_path):
    st = server_settings(tmp_path / "a")
    Runtime.open(st).close()
    backup(st, tmp_path / "b.tar.gz")
    with pytest.raises(BackupError, match="--force"):
        restore(st, tmp_path / "b.tar.gz")
    restore(st, tmp_path / "b.tar.gz", force=True)


def test_cli_backup_writes_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("REELCAST_DATA_DIR", str(tmp_path))
    Runtime.open(server_settings(tmp_path)).close()
    result = CliRunner().invoke(app, ["backup", str(tmp_path / "x.tar.gz")])
    assert result.exit_code == 0 and (tmp_path / "x.tar.gz").stat().st_size > 0
