"""Daily quotas answer 429 with retry headers; completed videos fire signed webhooks."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import openai
import pytest

from tests.api.helpers import TINY, client
from tests.conftest import free_port, server_settings, start_server

SECRET = "whsec_" + base64.b64encode(b"reelcast-test-secret-0123456789").decode()


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[bytes, dict[str, str]]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["content-length"]))
        _Receiver.received.append((body, {k.lower(): v for k, v in self.headers.items()}))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hook_server():
    httpd = HTTPServer(("127.0.0.1", free_port()), _Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    httpd.shutdown()


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    srv = start_server(server_settings(tmp_path_factory.mktemp("quota"), daily_video_quota=2))
    yield srv
    srv.stop()
    srv.rt.close()


@pytest.fixture(scope="module")
def hooked(tmp_path_factory, hook_server):
    srv = start_server(server_settings(tmp_path_factory.mktemp("hooks"), webhook_url=hook_server,
                                       webhook_secret=SECRET))
    yield srv
    srv.stop()
    srv.rt.close()


def test_quota_headers_count_down_and_429_carries_retry_after(limited):
    c = client(limited)
    raw = c.videos.with_raw_response.create(prompt="a ball", **TINY)
    assert raw.headers["x-ratelimit-limit-videos"] == "2"
    assert raw.headers["x-ratelimit-remaining-videos"] == "1"
    c.videos.create(prompt="a ball", **TINY)
    with pytest.raises(openai.RateLimitError) as e:
        c.videos.create(prompt="a ball", **TINY)
    assert int(e.value.response.headers["retry-after-ms"]) > 0
    assert e.value.code == "daily_quota_exceeded"


def _wait_for_event(video_id: str) -> tuple[bytes, dict[str, str]]:
    for _ in range(100):
        for body, headers in _Receiver.received:
            if json.loads(body)["data"]["id"] == video_id:
                return body, headers
        threading.Event().wait(0.1)
    raise AssertionError(f"no webhook for {video_id}")


def test_completed_video_sends_webhook_the_sdk_verifies(hooked):
    c = client(hooked)
    vid = c.videos.create_and_poll(prompt="a ball", poll_interval_ms=50, **TINY).id
    receiver = openai.OpenAI(api_key="unused", base_url=hooked.api, webhook_secret=SECRET)
    event = receiver.webhooks.unwrap(*_wait_for_event(vid))
    assert event.type == "video.completed" and event.data.id == vid


def test_failed_video_sends_failed_webhook(hooked):
    c = client(hooked)
    vid = c.videos.create_and_poll(prompt="reelcast-test-fail", poll_interval_ms=50, **TINY).id
    receiver = openai.OpenAI(api_key="unused", base_url=hooked.api, webhook_secret=SECRET)
    event = receiver.webhooks.unwrap(*_wait_for_event(vid))
    assert event.type == "video.failed"
