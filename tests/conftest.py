"""Shared fixtures: real PostgreSQL databases, a real uvicorn server, the real openai SDK."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import uvicorn

from reelcast.app import create_app
from reelcast.config import Settings
from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts

# Tests keep processed meshes in memory only (the render tests that keep them on disk set their own folder).
os.environ["REELCAST_CACHE_DIR"] = ""

PG_ADMIN_URL = os.environ.get("REELCAST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_base() -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (fails, never skips, when PostgreSQL is down)."""
    name = f"reelcast_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} (start it with `make services`): {exc}")
    yield f"{_pg_base()}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_pg_database() -> str:
    """Create another empty PostgreSQL database and return its URL (dropped by the caller or left for CI)."""
    name = f"reelcast_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{_pg_base()}/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by fresh_pg_database."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_settings(data_dir: Path, database_url: str | None = None, **overrides: object) -> Settings:
    """Settings for a test server: tiny sizes allowed, fast polling, test hooks on."""
    base: dict[str, object] = dict(
        data_dir=data_dir, database_url=database_url, extra_sizes="160x90,320x180", extra_seconds="1,2",
        test_hooks=True, poll_after_ms=50, poll_after_max_ms=200, daily_video_quota=1000, lease_seconds=30,
        requests_per_minute=0,  # tests that check rate limits set their own
    )
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


@dataclass
class Server:
    """A running reelcast server."""

    url: str
    key: str
    rt: Runtime
    _server: uvicorn.Server
    _thread: threading.Thread

    @property
    def api(self) -> str:
        """Base URL for the openai SDK."""
        return self.url + "/v1"

    def stop(self) -> None:
        """Shut down and wait."""
        self._server.should_exit = True
        self._thread.join(timeout=30)


def start_server(settings: Settings) -> Server:
    """Run the app under uvicorn in a thread, with a fresh API key for user `tester`."""
    rt = Runtime.open(settings)
    with rt.db.session() as s:
        key = accounts.create_api_key(s, accounts.get_or_create_user(s, "tester"))
    port = free_port()
    config = uvicorn.Config(create_app(settings, runtime=rt), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    return Server(f"http://127.0.0.1:{port}", key, rt, server, thread)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[Server]:
    """A server per test module, once on SQLite and once on PostgreSQL."""
    data = tmp_path_factory.mktemp(f"srv-{request.param}")
    url = fresh_pg_database() if request.param == "postgresql" else None
    srv = start_server(server_settings(data, url))
    yield srv
    srv.stop()
    srv.rt.close()
    if url:
        drop_pg_database(url)


@pytest.fixture
def hooks():  # type: ignore[no-untyped-def]
    """A local HTTP server that records webhook deliveries (tests/jobs/faults.py HookReceiver)."""
    from tests.jobs.faults import HookReceiver

    h = HookReceiver()
    h.start()
    yield h
    h.stop()
