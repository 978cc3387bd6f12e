"""Reports and the operator moderation queue over HTTP: take down, restore, suspend, dismiss; audited and notified."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from sqlalchemy import select

from reelcast.store import accounts
from reelcast.store.social_models import AuditEntry, Notification
from tests.api.helpers import client, tiny


def _key(server, handle: str, admin: bool = False) -> str:  # type: ignore[no-untyped-def]
    with server.rt.db.session() as s:
        return accounts.create_api_key(s, accounts.get_or_create_user(s, handle, is_admin=admin))


def _http(server, key: str) -> httpx.Client:  # type: ignore[no-untyped-def]
    return httpx.Client(base_url=server.api, headers={"Authorization": f"Bearer {key}"}, timeout=60)


@pytest.fixture(scope="module")
def people(server):  # type: ignore[no-untyped-def]
    return {"owner": server.key, "reporter": _key(server, "reporter1"), "ops": _key(server, "ops1", admin=True)}


def _report(server, people, video_id: str, reason: str = "graphic content") -> dict:  # type: ignore[no-untyped-def]
    r = _http(server, people["reporter"]).post("/reports", json={"target": "video", "id": video_id, "reason": reason})
    assert r.status_code == 200, r.text
    return r.json()


def test_report_appears_in_operator_queue(server, people) -> None:  # type: ignore[no-untyped-def]
    video = tiny(client(server))
    rep = _report(server, people, video.id)
    assert rep["status"] == "open" and rep["object"] == "report"
    queue = _http(server, people["ops"]).get("/moderation/queue").json()["data"]
    item = next(i for i in queue if i["id"] == rep["id"])
    assert (item["target"], item["target_id"], item["owner_id"] is not None) == ("video", video.id, True)


def test_queue_is_for_operators_only(server, people) -> None:  # type: ignore[no-untyped-def]
    r = _http(server, people["reporter"]).get("/moderation/queue")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "operator_only")


def test_actions_are_for_operators_only(server, people) -> None:  # type: ignore[no-untyped-def]
    r = _http(server, people["reporter"]).post("/moderation/actions", json={"action": "dismiss", "report_id": "x"})
    assert r.status_code == 403


def test_report_of_unknown_target_kind_is_rejected(server, people) -> None:  # type: ignore[no-untyped-def]
    r = _http(server, people["reporter"]).post("/reports", json={"target": "planet", "id": "x", "reason": "r"})
    assert (r.status_code, r.json()["error"]["param"]) == (400, "target")


def test_report_of_missing_video_is_404(server, people) -> None:  # type: ignore[no-untyped-def]
    r = _http(server, people["reporter"]).post("/reports", json={"target": "video", "id": "video_nope", "reason": "r"})
    assert r.status_code == 404


def test_take_down_hides_video_audits_and_notifies(server, people) -> None:  # type: ignore[no-untyped-def]
    c = client(server)
    video = tiny(c)
    rep = _report(server, people, video.id)
    r = _http(server, people["ops"]).post("/moderation/actions", json={"action": "take_down", "report_id": rep["id"],
                                                                      "reason": "gore"})
    assert r.status_code == 200 and r.json()["reports_resolved"] == [rep["id"]]
    assert _http(server, people["owner"]).get(f"/videos/{video.id}").status_code == 404
    with server.rt.db.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.target_id == video.id)).all()
        kinds = {(n.kind, n.payload.get("id")) for n in s.scalars(select(Notification)).all()}
    assert [e.action for e in entries] == ["moderation.take_down"]
    assert ("takedown", video.id) in kinds and ("system", video.id) in kinds
    queue = _http(server, people["ops"]).get("/moderation/queue", params={"status": "actioned"}).json()["data"]
    assert any(i["id"] == rep["id"] and i["resolution"] == "take_down" for i in queue)


def test_restore_brings_the_video_back(server, people) -> None:  # type: ignore[no-untyped-def]
    c = client(server)
    video = tiny(c)
    ops = _http(server, people["ops"])
    assert ops.post("/moderation/actions", json={"action": "take_down", "target": "video", "id": video.id}
                    ).status_code == 200
    assert ops.post("/moderation/actions", json={"action": "restore", "target": "video", "id": video.id}
                    ).status_code == 200
    assert len(c.videos.download_content(video.id).read()) > 0


def test_suspended_user_is_refused_until_restored(server, people) -> None:  # type: ignore[no-untyped-def]
    key = _key(server, "troll1")
    ops = _http(server, people["ops"])
    with server.rt.db.session() as s:
        uid = accounts.find_user(s, "troll1").id  # type: ignore[union-attr]
    assert ops.post("/moderation/actions", json={"action": "suspend_user", "target": "user", "id": uid}
                    ).status_code == 200
    r = _http(server, key).get("/videos")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "account_suspended")
    assert ops.post("/moderation/actions", json={"action": "restore", "target": "user", "id": uid}
                    ).status_code == 200
    assert _http(server, key).get("/videos").status_code == 200


def test_dismiss_keeps_the_content(server, people) -> None:  # type: ignore[no-untyped-def]
    video = tiny(client(server))
    rep = _report(server, people, video.id, reason="I just don't like it")
    r = _http(server, people["ops"]).post("/moderation/actions", json={"action": "dismiss", "report_id": rep["id"]})
    assert r.status_code == 200
    assert _http(server, people["owner"]).get(f"/videos/{video.id}").status_code == 200
    queue = _http(server, people["ops"]).get("/moderation/queue", params={"status": "dismissed"}).json()["data"]
    assert any(i["id"] == rep["id"] for i in queue)


def test_take_down_and_restore_a_comment(server, people) -> None:  # type: ignore[no-untyped-def]
    video = tiny(client(server))
    owner, ops = _http(server, people["owner"]), _http(server, people["ops"])
    post = owner.post("/posts", json={"video_id": video.id, "caption": "mine"}).json()
    comment = _http(server, people["reporter"]).post(f"/posts/{post['id']}/comments", json={"text": "ugly post"}).json()
    r = _http(server, people["owner"]).post("/reports", json={"target": "comment", "id": comment["id"],
                                                               "reason": "insulting"})
    assert r.status_code == 200, r.text
    assert ops.post("/moderation/actions", json={"action": "take_down", "report_id": r.json()["id"]}
                    ).status_code == 200
    assert owner.get(f"/posts/{post['id']}/comments").json()["data"] == []
    assert ops.post("/moderation/actions", json={"action": "restore", "target": "comment", "id": comment["id"]}
                    ).status_code == 200
    assert [c["text"] for c in owner.get(f"/posts/{post['id']}/comments").json()["data"]] == ["ugly post"]


def test_taken_down_cameo_cannot_be_used_until_restored(server, people) -> None:  # type: ignore[no-untyped-def]
    from tests.api.helpers import png_bytes

    owner, ops = _http(server, people["owner"]), _http(server, people["ops"])
    cameo = owner.post("/cameos", data={"kind": "character", "handle": "mod_rex", "access": "everyone"},
                       files={"image": ("rex.png", png_bytes(), "image/png")}).json()
    assert ops.post("/moderation/actions", json={"action": "take_down", "target": "cameo", "id": cameo["id"],
                                                 "reason": "impersonation"}).status_code == 200
    assert owner.get(f"/cameos/{cameo['id']}").json()["status"] == "taken_down"
    prompt = {"prompt": "@mod_rex runs in the park", "size": "160x90", "seconds": "1"}
    r = owner.post("/videos", json=prompt)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "cameo_not_active"), r.text
    assert ops.post("/moderation/actions", json={"action": "restore", "target": "cameo", "id": cameo["id"]}
                    ).status_code == 200
    assert owner.get(f"/cameos/{cameo['id']}").json()["status"] == "active"
    assert owner.post("/videos", json=prompt).status_code == 200
