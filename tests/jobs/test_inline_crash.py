"""The inline worker: a `reelcast serve` process killed with -9 mid-render resumes the job on restart, once."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from pathlib import Path

import openai
import requests

from reelcast.jobs.runtime import Runtime
from reelcast.store import outbox
from reelcast.store import videos as repo
from tests.conftest import free_port, server_settings
from tests.jobs.faults import HookReceiver, wait_for

SECRET = "whsec_" + base64.b64encode(b"reelcast-inline-crash-secret-012").decode()


def _serve(tmp: Path, port: int, hook_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REELCAST_DATA_DIR": str(tmp), "REELCAST_LEASE_SECONDS": "3",
           "REELCAST_EXTRA_SIZES": "160x90", "REELCAST_WEBHOOK_URL": hook_url, "REELCAST_WEBHOOK_SECRET": SECRET,
           "REELCAST_WEBHOOK_RETRY_SECONDS": "0.5", "PYTHONUNBUFFERED": "1"}
    log = open(tmp / "serve.log", "ab")  # noqa: SIM115 (the process owns it)
    proc = subprocess.Popen([sys.executable, "-m", "reelcast.cli", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    wait_for(lambda: _up(port), 120, "server did not start", interval=0.2)
    return proc


def _up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_killed_server_resumes_its_job_on_restart_exactly_once(tmp_path: Path):
    hooks = HookReceiver()
    hooks.start()
    port = free_port()
    proc = _serve(tmp_path, port, hooks.url)
    rt = Runtime.open(server_settings(tmp_path), migrate=False)
    try:
        key = (tmp_path / "admin_api_key").read_text().strip()
        c = openai.OpenAI(api_key=key, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
        v = c.videos.create(prompt="a red ball bounces on the floor", size="160x90", seconds="4")  # type: ignore[arg-type]

        def rendering() -> bool:
            with rt.db.session() as s:
                job = repo.get_video(s, v.id)
                return job is not None and job.status == "in_progress" and job.progress >= 15

        wait_for(rendering, 120, "the job never got rendering", interval=0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proc = _serve(tmp_path, port, hooks.url)
        def finished() -> bool:
            with rt.db.session() as s:
                return repo.get_video(s, v.id).status in ("completed", "failed")

        wait_for(finished, 300, (tmp_path / "serve.log").read_text()[-3000:], interval=0.2)
        assert c.videos.retrieve(v.id).status == "completed", (tmp_path / "serve.log").read_text()[-3000:]
        with rt.db.session() as s:
            assert repo.get_video(s, v.id).attempts == 2
            assert [d.event_type for d in outbox.deliveries_for(s, v.id)] == ["video.completed"]
        assert len([k for k in rt.blobs.stored_keys() if k.endswith(".mp4")]) == 1
        wait_for(lambda: hooks.for_video(v.id), 30, "no webhook arrived")
        assert len({h["webhook-id"] for _, h in hooks.for_video(v.id)}) == 1
    finally:
        proc.kill()
        proc.wait(10)
        rt.close()
        hooks.stop()
