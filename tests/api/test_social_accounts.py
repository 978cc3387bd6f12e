"""Accounts over HTTP: sign-up with invites, keys, profiles, follows, blocks, notifications, deletion."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reelcast.social.notify import audit_entries
from tests.api.helpers import png_bytes
from tests.api.social_helpers import (
    ADULT,
    client_for,
    create_video,
    mint,
    person_cameo,
    render_all,
    signup,
)
from tests.conftest import Server, drop_pg_database, fresh_pg_database, server_settings, start_server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def srv(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[Server]:
    url = fresh_pg_database() if request.param == "postgresql" else None
    server = start_server(server_settings(tmp_path_factory.mktemp(f"acc-{request.param}"), url, worker="none"))
    yield server
    server.stop()
    server.rt.close()
    if url:
        drop_pg_database(url)


def _signup_body(handle: str, code: str | None, birthdate: str = ADULT) -> dict[str, object]:
    body: dict[str, object] = {"handle": handle, "password": "long enough pw", "birthdate": birthdate}
    if code is not None:
        body["invite_code"] = code
    return body


def test_signup_returns_user_and_working_key(srv: Server) -> None:
    r = client_for(srv, None).post("/users", json={**_signup_body("newbie", mint(srv)[0]), "display_name": "New B"})
    assert r.status_code == 201
    body = r.json()
    assert body["user"]["handle"] == "newbie" and body["user"]["display_name"] == "New B"
    me = client_for(srv, body["api_key"]).get("/me").json()
    assert me["handle"] == "newbie" and me["is_minor"] is False and me["birthdate"] == ADULT


def test_invite_code_is_single_use(srv: Server) -> None:
    code = mint(srv)[0]
    assert client_for(srv, None).post("/users", json=_signup_body("first_in", code)).status_code == 201
    r = client_for(srv, None).post("/users", json=_signup_body("second_in", code))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_invite"


def test_signup_without_invite_is_refused_by_default(srv: Server) -> None:
    r = client_for(srv, None).post("/users", json=_signup_body("no_code", None))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invite_required"


def test_handles_are_unique_case_insensitively(srv: Server) -> None:
    signup(srv, "casey")
    r = client_for(srv, None).post("/users", json=_signup_body("CASEY", mint(srv)[0]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "handle_taken"


def test_reserved_handle_is_refused(srv: Server) -> None:
    r = client_for(srv, None).post("/users", json=_signup_body("support", mint(srv)[0]))
    assert r.status_code == 400 and r.json()["error"]["code"] == "handle_reserved"


def test_under_13_is_refused(srv: Server) -> None:
    r = client_for(srv, None).post("/users", json=_signup_body("tiny_kid", mint(srv)[0], "2020-01-01"))
    assert r.status_code == 400 and r.json()["error"]["code"] == "age_requirement"


def test_new_user_gets_four_invites_and_sees_who_used_them(srv: Server) -> None:
    host = signup(srv, "inviter")
    codes = host.get("/me/invites").json()["data"]
    assert len(codes) == 4 and all(c["used_by"] is None for c in codes)
    r = client_for(srv, None).post("/users", json=_signup_body("invitee", codes[0]["code"]))
    assert r.status_code == 201
    used = {c["code"]: c["used_by"] for c in host.get("/me/invites").json()["data"]}
    assert used[codes[0]["code"]] == "invitee"


def test_password_login_creates_key_and_revoked_key_stops_working(srv: Server) -> None:
    signup(srv, "keyholder", password="s3cret password")
    anon = client_for(srv, None)
    assert anon.post("/api_keys", json={"handle": "keyholder", "password": "wrong one!"}).status_code == 401
    r = anon.post("/api_keys", json={"handle": "keyholder", "password": "s3cret password", "name": "laptop"})
    assert r.status_code == 201 and r.json()["key"].startswith("rc-")
    key = client_for(srv, r.json()["key"])
    assert key.get("/me").json()["handle"] == "keyholder"
    assert key.delete(f"/api_keys/{r.json()['id']}").status_code == 200
    assert key.get("/me").status_code == 401


def test_profile_update_and_avatar(srv: Server) -> None:
    a = signup(srv, "painter")
    r = a.patch("/me", {"display_name": "The Painter", "bio": "I paint."})
    assert r.json()["display_name"] == "The Painter" and r.json()["bio"] == "I paint."
    r = a.http.patch("/me", files={"avatar": ("a.png", png_bytes(), "image/png")})
    assert r.status_code == 200 and r.json()["avatar_url"] == "/v1/users/painter/avatar"
    assert a.get("/users/painter/avatar").content == png_bytes()


def test_follow_counts_and_mutuals(srv: Server) -> None:
    a, b = signup(srv, "fol_a"), signup(srv, "fol_b")
    r = a.post("/users/fol_b/follow").json()
    assert (r["follower_count"], r["you_follow"], r["follows_you"], r["is_mutual"]) == (1, True, False, False)
    b.post("/users/fol_a/follow")
    r = a.get("/users/fol_b").json()
    assert (r["follower_count"], r["following_count"], r["is_mutual"]) == (1, 1, True)
    assert [u["handle"] for u in a.get("/users/fol_b/followers").json()["data"]] == ["fol_a"]
    assert [n["kind"] for n in b.get("/notifications").json()["data"]] == ["follow"]
    a.delete("/users/fol_b/follow")
    assert a.get("/users/fol_b").json()["is_mutual"] is False


def test_block_removes_follows_and_hides_both_ways(srv: Server) -> None:
    a, b = signup(srv, "blk_a"), signup(srv, "blk_b")
    a.post("/users/blk_b/follow")
    b.post("/users/blk_a/follow")
    assert a.post("/users/blk_b/block").status_code == 200
    assert a.get("/users/blk_b").status_code == 404
    assert b.get("/users/blk_a").status_code == 404
    assert b.post("/users/blk_a/follow").status_code == 404
    a.delete("/users/blk_b/block")
    r = a.get("/users/blk_b").json()
    assert (r["you_follow"], r["follows_you"]) == (False, False)


def test_notifications_can_be_marked_read(srv: Server) -> None:
    a, b = signup(srv, "note_a"), signup(srv, "note_b")
    a.post("/users/note_b/follow")
    unread = b.get("/notifications", params={"unread": True}).json()["data"]
    assert len(unread) == 1 and unread[0]["read"] is False
    assert b.post("/notifications/read", {"ids": [unread[0]["id"]]}).json()["marked"] == 1
    assert b.get("/notifications", params={"unread": True}).json()["data"] == []


def test_deleting_account_takes_down_videos_with_its_cameo(srv: Server) -> None:
    subject, fan = signup(srv, "leaving"), signup(srv, "fan_of_leaving")
    cid = person_cameo(srv, subject, access="everyone")
    vid = create_video(fan, "@leaving waves").json()["id"]
    render_all(srv)
    pid = fan.post("/posts", {"video_id": vid, "caption": "hi"}).json()["id"]
    assert subject.delete("/me").status_code == 200
    assert subject.get("/me").status_code == 401
    assert fan.get(f"/posts/{pid}").status_code == 404
    assert fan.get(f"/videos/{vid}").status_code == 404
    assert create_video(fan, "@leaving waves").json()["error"]["code"] == "cameo_not_found"
    with srv.rt.db.session() as s:
        assert [e.reason for e in audit_entries(s, vid)] == ["account_deleted"]
    assert cid


def test_open_registration_needs_no_invite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = start_server(server_settings(tmp_path, None, worker="none", open_registration=True))
    try:
        r = client_for(server, None).post("/users", json=_signup_body("opener", None))
        assert r.status_code == 201
    finally:
        server.stop()
        server.rt.close()


