"""Helpers for fault tests: a private redis-server, real worker processes, a webhook receiver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import redis

from tests.conftest import free_port


class RedisServer:
    """A throw-away redis-server (no persistence), so killing it loses every message, as a crashed broker does."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """redis:// URL of DB 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start and wait until it answers."""
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: _pings(self.url), 10, "redis-server did not start")

    def kill(self) -> None:
        """kill -9 (queued messages are lost)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None


def _pings(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


def wait_for(cond: Callable[[], object], timeout: float, message: str, interval: float = 0.1) -> object:
    """Poll until cond() is truthy; fail with message after timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message)


@dataclass
class Worker:
    """A `reelcast worker` process."""

    proc: subprocess.Popen[bytes]
    log: Path

    def kill9(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """Terminate if still running."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_worker(env: dict[str, str], log: Path, *args: str) -> Worker:
    """Start `python -m reelcast.cli worker` with these REELCAST_* variables.

    At normal priority unless `env` says otherwise: at the default niceness (10) the worker would be starved by the
    test processes running beside it on a busy machine."""
    full = {**os.environ, "REELCAST_WORKER_NICE": "0", **env, "PYTHONUNBUFFERED": "1"}
    out = open(log, "ab")  # noqa: SIM115 (the process owns it)
    proc = subprocess.Popen([sys.executable, "-m", "reelcast.cli", "worker", *args], env=full, stdout=out,
                            stderr=subprocess.STDOUT)
    return Worker(proc, log)


@dataclass
class HookReceiver:
    """A local HTTP server that records every webhook POST."""

    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    fail_first: int = 0
    url: str = ""

    def start(self) -> None:
        """Listen on a free port."""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                if outer.fail_first > 0:
                    outer.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.received.append((body, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = HTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/hook"

    def stop(self) -> None:
        """Shut down."""
        self._httpd.shutdown()

    def for_video(self, video_id: str) -> list[tuple[dict, dict[str, str]]]:
        """Events received about this video."""
        out = []
        for body, headers in list(self.received):
            event = json.loads(body)
            if event["data"]["id"] == video_id:
                out.append((event, headers))
        return out
