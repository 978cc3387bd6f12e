"""`/v1/webhook_endpoints`: registered URLs get signed events from the outbox, retried with backoff."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
import requests

from reelcast.store import outbox
from tests.api.helpers import client, tiny
from tests.conftest import Server, server_settings, start_server
from tests.jobs.faults import HookReceiver, wait_for


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(server_settings(tmp_path_factory.mktemp("wh"), webhook_retry_seconds=0.3))
    yield s
    s.stop()
    s.rt.close()


def _register(srv: Server, url: str, event_types: list[str] | None = None) -> requests.Response:
    body: dict[str, object] = {"url": url}
    if event_types is not None:
        body["event_types"] = event_types
    return requests.post(f"{srv.api}/webhook_endpoints", json=body, timeout=30,
                         headers={"authorization": f"Bearer {srv.key}"})


def _unregister(srv: Server, endpoint_id: str) -> requests.Response:
    return requests.delete(f"{srv.api}/webhook_endpoints/{endpoint_id}", timeout=30,
                           headers={"authorization": f"Bearer {srv.key}"})


def test_registered_endpoint_receives_a_completed_event_the_sdk_verifies(srv: Server, hooks: HookReceiver):
    ep = _register(srv, hooks.url).json()
    assert ep["object"] == "webhook_endpoint" and ep["secret"].startswith("whsec_")
    try:
        vid = tiny(client(srv)).id
        wait_for(lambda: hooks.for_video(vid), 30, "no webhook arrived")
        body, headers = next((b, h) for b, h in hooks.received if vid.encode() in b)
        event = openai.OpenAI(api_key="x", base_url=srv.api).webhooks.unwrap(body, headers, secret=ep["secret"])
        assert event.type == "video.completed" and event.data.id == vid
    finally:
        _unregister(srv, ep["id"])


def test_failed_deliveries_are_retried_with_the_same_webhook_id(srv: Server, hooks: HookReceiver):
    hooks.fail_first = 2
    ep = _register(srv, hooks.url, ["video.completed"]).json()
    try:
        vid = tiny(client(srv)).id
        wait_for(lambda: hooks.for_video(vid), 30, "the delivery was not retried")

        def deliveries():  # type: ignore[no-untyped-def]
            with srv.rt.db.session() as s:
                return [d for d in outbox.deliveries_for(s, vid) if d.target == ep["id"]]

        # The receiver answers before the dispatcher records the success: wait for the outbox row to say so.
        wait_for(lambda: any(d.status == "delivered" for d in deliveries()), 30, "the delivery was not recorded")
        rows = deliveries()
        assert len(rows) == 1 and rows[0].status == "delivered" and rows[0].attempts == 3
        assert hooks.for_video(vid)[0][1]["webhook-id"] == rows[0].event_id
    finally:
        _unregister(srv, ep["id"])


def test_endpoint_only_gets_the_event_types_it_asked_for(srv: Server, hooks: HookReceiver):
    ep = _register(srv, hooks.url, ["video.failed"]).json()
    try:
        ok = tiny(client(srv)).id
        bad = tiny(client(srv), prompt="reelcast-test-fail").id
        wait_for(lambda: hooks.for_video(bad), 30, "no failed event")
        assert hooks.for_video(ok) == []
        assert hooks.for_video(bad)[0][0]["type"] == "video.failed"
    finally:
        _unregister(srv, ep["id"])


def test_endpoints_are_listed_and_deleted(srv: Server):
    ep = _register(srv, "https://example.invalid/hook").json()
    auth = {"authorization": f"Bearer {srv.key}"}
    listed = requests.get(f"{srv.api}/webhook_endpoints", headers=auth, timeout=30).json()
    assert ep["id"] in [e["id"] for e in listed["data"]]
    assert _unregister(srv, ep["id"]).json() == {"id": ep["id"], "object": "webhook_endpoint.deleted",
                                                 "deleted": True}
    again = _unregister(srv, ep["id"])
    assert again.status_code == 404 and again.json()["error"]["code"] == "webhook_endpoint_not_found"


@pytest.mark.parametrize(("body", "param"), [
    ({"url": "ftp://example.com/x"}, "url"),
    ({"url": "not a url"}, "url"),
    ({"url": "https://example.com/x", "event_types": ["video.exploded"]}, "event_types"),
    ({"url": "https://example.com/x", "event_types": []}, "event_types"),
])
def test_invalid_endpoints_are_rejected(srv: Server, body: dict, param: str):
    r = requests.post(f"{srv.api}/webhook_endpoints", json=body, timeout=30,
                      headers={"authorization": f"Bearer {srv.key}"})
    assert r.status_code == 400 and r.json()["error"]["param"] == param
