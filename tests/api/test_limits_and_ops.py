"""Request rate limits (Redis or database), tiered daily quotas, /v1/me/usage, /metrics, /readyz, JSON logs."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
import requests

from reelcast.api.limits import set_tier
from reelcast.logs import JsonFormatter, request_id_var
from reelcast.store import accounts
from tests.api.helpers import TINY, client
from tests.conftest import Server, free_port, server_settings, start_server

SHARED_REDIS = "redis://127.0.0.1:6379/3"


def _seconds(reset: str) -> float:
    """Parse OpenAI's reset format (`20ms`, `1.5s`, `6m0s`)."""
    if reset.endswith("ms"):
        return float(reset[:-2]) / 1000
    minutes, _, rest = reset.rpartition("m")
    return (float(minutes) * 60 if minutes else 0.0) + float(rest.rstrip("s") or 0)


def _auth(srv: Server) -> dict[str, str]:
    return {"authorization": f"Bearer {srv.key}"}


@pytest.fixture(params=["database", "redis"])
def limited(request: pytest.FixtureRequest, tmp_path) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    redis_url = SHARED_REDIS if request.param == "redis" else None
    srv = start_server(server_settings(tmp_path, worker="none", requests_per_minute=3, redis_url=redis_url))
    yield srv
    srv.stop()
    srv.rt.close()


def test_requests_over_the_rate_limit_get_429_with_retry_after(limited: Server):
    first = requests.get(f"{limited.api}/videos", headers=_auth(limited), timeout=30)
    reset = _seconds(first.headers["x-ratelimit-reset-requests"])
    if reset < 10:  # the minute window is about to roll over; start in a fresh one
        time.sleep(reset + 0.2)
        first = requests.get(f"{limited.api}/videos", headers=_auth(limited), timeout=30)
    assert first.headers["x-ratelimit-limit-requests"] == "3"
    remaining = [int(first.headers["x-ratelimit-remaining-requests"])]
    for _ in range(remaining[0]):
        r = requests.get(f"{limited.api}/videos", headers=_auth(limited), timeout=30)
        remaining.append(int(r.headers["x-ratelimit-remaining-requests"]))
    over = requests.get(f"{limited.api}/videos", headers=_auth(limited), timeout=30)
    assert remaining[-1] == 0 and remaining == sorted(remaining, reverse=True)
    assert over.status_code == 429
    err = over.json()["error"]
    assert err["type"] == "rate_limit_error" and err["code"] == "rate_limit_exceeded"
    assert 0 < int(over.headers["retry-after-ms"]) <= 60000


def test_health_endpoints_are_not_rate_limited(limited: Server):
    for _ in range(6):
        assert requests.get(f"{limited.url}/healthz", timeout=10).status_code == 200


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(server_settings(tmp_path_factory.mktemp("ops"), worker="none", daily_video_quota=1,
                                     quota_tiers="pro=3", requests_per_minute=600))
    yield s
    s.stop()
    s.rt.close()


def test_usage_reports_todays_generations_and_this_minutes_requests(srv: Server):
    with srv.rt.db.session() as s:
        key = accounts.create_api_key(s, accounts.get_or_create_user(s, "usage-user"))
    c = client(srv)
    c.api_key = key
    c.videos.create(prompt="a ball", **TINY)  # type: ignore[arg-type]
    usage = requests.get(f"{srv.api}/me/usage", headers={"authorization": f"Bearer {key}"}, timeout=30).json()
    assert usage["object"] == "usage" and usage["tier"] == "regular"
    assert usage["videos_today"] == {**usage["videos_today"], "limit": 1, "used": 1, "remaining": 0}
    minute = usage["requests_this_minute"]
    assert minute["used"] >= 1 and minute["remaining"] == minute["limit"] - minute["used"]  # this request counts


def test_a_higher_tier_raises_the_daily_quota(srv: Server):
    with srv.rt.db.session() as s:
        user = accounts.get_or_create_user(s, "pro-user")
        key = accounts.create_api_key(s, user)
    set_tier(srv.rt, user.id, "pro")
    c = client(srv)
    c.api_key = key
    raw = c.videos.with_raw_response.create(prompt="a ball", **TINY)  # type: ignore[arg-type]
    assert raw.headers["x-ratelimit-limit-videos"] == "3"
    c.videos.create(prompt="a ball", **TINY)  # type: ignore[arg-type]  # over the regular quota of 1


def test_metrics_expose_jobs_queue_depth_and_http_latency(srv: Server):
    client(srv).videos.list()
    text = requests.get(f"{srv.url}/metrics", timeout=30).text
    assert 'reelcast_jobs{status="queued"}' in text
    assert 'reelcast_queue_depth{source="database"}' in text
    assert 'reelcast_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/videos"' in text
    assert "reelcast_render_seconds_bucket" in text


def test_readyz_lists_its_checks(srv: Server):
    body = requests.get(f"{srv.url}/readyz", timeout=30).json()
    assert body == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}


def test_readyz_is_503_when_the_broker_is_down(tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    s = start_server(server_settings(tmp_path, workers="celery", broker_url=dead))
    try:
        r = requests.get(f"{s.url}/readyz", timeout=30)
        assert r.status_code == 503 and r.json()["checks"]["broker"].startswith("error")
        assert r.json()["checks"]["database"] == "ok"
    finally:
        s.stop()
        s.rt.close()


def test_each_request_is_logged_with_its_request_id(srv: Server, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.INFO, logger="reelcast.http"):
        r = requests.get(f"{srv.url}/healthz", timeout=10)
        time.sleep(0.2)
    records = [rec for rec in caplog.records if getattr(rec, "request_id", None) == r.headers["x-request-id"]]
    assert records and records[0].status == 200 and records[0].route == "/healthz"
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == r.headers["x-request-id"] and line["level"] == "info"


def test_json_formatter_uses_the_current_request_id():
    token = request_id_var.set("req_abc")
    try:
        rec = logging.makeLogRecord({"name": "reelcast.x", "levelname": "WARNING", "msg": "hello %s",
                                     "args": ("you",)})
        line = json.loads(JsonFormatter().format(rec))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello you" and line["request_id"] == "req_abc"
