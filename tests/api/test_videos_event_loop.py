"""Creating a video does its CPU work (prompt check, plan, database) off the event loop: other requests are
answered meanwhile (a real uvicorn server; the prompt check is held at a gate, then runs for real)."""

from __future__ import annotations

import threading

import httpx2 as httpx
import pytest

from reelcast.api import videos
from tests.conftest import server_settings, start_server


@pytest.fixture
def srv(tmp_path):
    s = start_server(server_settings(tmp_path))
    yield s
    s.stop()
    s.rt.close()


def test_other_requests_are_answered_while_a_create_is_checking_its_prompt(srv, monkeypatch):
    entered, release = threading.Event(), threading.Event()
    real_check = videos.safety.check_prompt

    def gated_check(*args, **kwargs):
        entered.set()
        release.wait(30)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(videos.safety, "check_prompt", gated_check)
    headers = {"authorization": f"Bearer {srv.key}"}
    created: list[httpx.Response] = []
    t = threading.Thread(target=lambda: created.append(httpx.post(
        f"{srv.api}/videos", headers=headers, timeout=60,
        json={"prompt": "a red ball bounces", "size": "160x90", "seconds": "1"})))
    t.start()
    try:
        assert entered.wait(30)
        # the create is inside its prompt check: the server still answers (it would time out if the check ran on
        # the event loop)
        assert httpx.get(f"{srv.url}/healthz", timeout=5).status_code == 200
        assert httpx.get(f"{srv.api}/videos", headers=headers, timeout=5).status_code == 200
    finally:
        release.set()
        t.join(60)
    assert created[0].status_code == 200, created[0].text
