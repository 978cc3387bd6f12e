"""`reelcast backup` / `reelcast restore`: the database (SQLite snapshot or pg_dump) plus every blob, in one tar."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from reelcast import __version__
from reelcast.config import Settings
from reelcast.store.blobs import open_blob_store

MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


@dataclass
class BackupInfo:
    """What a backup holds."""

    database: str  # sqlite | postgresql
    blobs: int
    created_at: int
    version: str


def _pg_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1] if url.startswith("postgresql") else url


def _is_sqlite(st: Settings) -> bool:
    return st.resolved_database_url.startswith("sqlite")


def _sqlite_path(st: Settings) -> Path:
    return Path(st.resolved_database_url.split("///", 1)[1])


def _run(cmd: list[str]) -> None:
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError as exc:
        raise BackupError(f"{cmd[0]} is not installed (Debian package postgresql-client)") from exc
    if res.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {res.stderr.strip()[-2000:]}")


def backup(st: Settings, out: Path) -> BackupInfo:
    """Write a consistent snapshot of the database and all blobs to `out` (.tar.gz)."""
    store = open_blob_store(st)
    with tempfile.TemporaryDirectory(prefix="reelcast-backup-") as tmp:
        work = Path(tmp)
        if _is_sqlite(st):
            src = sqlite3.connect(_sqlite_path(st))
            dst = sqlite3.connect(work / "database.sqlite")
            with dst:
                src.backup(dst)  # online, consistent even while the server writes
            src.close()
            dst.close()
            kind, db_name = "sqlite", "database.sqlite"
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file",
                  str(work / "database.pgdump"), _pg_url(st.resolved_database_url)])
            kind, db_name = "postgresql", "database.pgdump"
        keys = store.stored_keys()
        info = BackupInfo(database=kind, blobs=len(keys), created_at=int(time.time()), version=__version__)
        (work / MANIFEST).write_text(json.dumps(info.__dict__))
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / MANIFEST, MANIFEST)
            tar.add(work / db_name, db_name)
            for key in keys:
                p = store.path(key)  # S3: fetched into the local cache
                tar.add(p, f"blobs/{p.parent.name}/{p.name}")
        partial.replace(out)
    return info


def restore(st: Settings, src: Path, *, force: bool = False) -> BackupInfo:
    """Restore a backup into the configured database and blob directory (refuses to overwrite without force)."""
    with tarfile.open(src, "r:gz") as tar, tempfile.TemporaryDirectory(prefix="reelcast-restore-") as tmp:
        work = Path(tmp)
        tar.extractall(work, filter="data")
        info = BackupInfo(**json.loads((work / MANIFEST).read_text()))
        if info.database == "sqlite" and not _is_sqlite(st) or info.database == "postgresql" and _is_sqlite(st):
            raise BackupError(f"this backup holds a {info.database} database, but REELCAST_DATABASE_URL points at "
                              f"{'SQLite' if _is_sqlite(st) else 'PostgreSQL'}")
        if info.database == "sqlite":
            target = _sqlite_path(st)
            if target.exists() and not force:
                raise BackupError(f"{target} exists; pass --force to replace it")
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            shutil.copyfile(work / "database.sqlite", target)
        else:
            flags = ["--clean", "--if-exists"] if force else []
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *flags, "--dbname",
                  _pg_url(st.resolved_database_url), str(work / "database.pgdump")])
        blobs = work / "blobs"
        if blobs.exists():
            store = open_blob_store(st)
            for p in blobs.glob("??/*"):
                if not store.exists(p.name):
                    tmp = store.temp_path()
                    shutil.move(str(p), tmp)
                    store.put_file(tmp, p.name.split(".", 1)[1])
    return info
