"""The cameo access matrix end to end over HTTP, on SQLite and PostgreSQL: zero leaks."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from reelcast.social.notify import audit_entries
from tests.api.helpers import png_bytes
from tests.api.social_helpers import ADULT, TEEN, Account, create_video, person_cameo, render_all, signup
from tests.conftest import drop_pg_database, fresh_pg_database, server_settings, start_server
from tests.domain.test_cameo_access import GENERATE, GENERATE_MINOR_OWNER_ADULT_ACTOR

ACTORS = ["approved", "approval_revoked", "mutual", "follows_only", "followed_only", "stranger",
          "blocked_by_owner", "blocking_owner", "teen_stranger"]


@dataclass
class World:
    """Two subjects (adult and teen) with person cameos and one actor per relationship."""

    srv: object
    owners: dict[str, Account]
    cameo_ids: dict[str, str]
    actors: dict[str, Account]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[World]:
    url = fresh_pg_database() if request.param == "postgresql" else None
    srv = start_server(server_settings(tmp_path_factory.mktemp(f"matrix-{request.param}"), url, worker="none"))
    owners = {"adult": signup(srv, "subject_adult", ADULT), "teen": signup(srv, "subject_teen", TEEN)}
    actors = {a: signup(srv, f"x_{a}", TEEN if a.startswith("teen") else ADULT) for a in ACTORS}
    cameo_ids = {k: person_cameo(srv, o) for k, o in owners.items()}
    for kind, owner in owners.items():
        cid = cameo_ids[kind]
        for a in ("approved", "approval_revoked"):
            assert owner.post(f"/cameos/{cid}/approvals", {"handle": actors[a].handle}).status_code == 200
        assert owner.delete(f"/cameos/{cid}/approvals/{actors['approval_revoked'].handle}").status_code == 200
        for a in ("mutual", "follows_only"):
            assert actors[a].post(f"/users/{owner.handle}/follow").status_code == 200
        for a in ("mutual", "followed_only"):
            assert owner.post(f"/users/{actors[a].handle}/follow").status_code == 200
        assert owner.post(f"/users/{actors['blocked_by_owner'].handle}/block").status_code == 200
        assert actors["blocking_owner"].post(f"/users/{owner.handle}/block").status_code == 200
    yield World(srv, owners, cameo_ids, actors)
    srv.stop()
    srv.rt.close()
    if url:
        drop_pg_database(url)


def _relation(actor: str) -> str:
    return "stranger" if actor == "teen_stranger" else actor


@pytest.mark.parametrize("access", ["only_me", "approved", "mutuals", "everyone"])
def test_generate_matrix(world: World, access: str) -> None:
    leaks = []
    for kind, owner in world.owners.items():
        cid = world.cameo_ids[kind]
        assert owner.patch(f"/cameos/{cid}", {"access": access}).json()["access"] == access
        for name, actor in world.actors.items():
            adult_actor = not name.startswith("teen")
            table = GENERATE_MINOR_OWNER_ADULT_ACTOR if kind == "teen" and adult_actor else GENERATE
            allowed = _relation(name) in table[access]
            r = create_video(actor, f"@{owner.handle} waves at the camera")
            if allowed:
                assert r.status_code == 200, (kind, name, r.text)
                actor.delete(f"/videos/{r.json()['id']}")
            elif r.status_code != 403:
                leaks.append((kind, name, r.status_code))
            else:
                err = r.json()["error"]
                assert err["code"] == "cameo_permission_denied" and f"@{owner.handle}" in err["message"]
        # the owner may always use their own cameo
        r = create_video(owner, f"@{owner.handle} waves")
        assert r.status_code == 200
        owner.delete(f"/videos/{r.json()['id']}")
    assert leaks == []


def test_view_takedown_and_appearance_matrix(world: World) -> None:
    owner, cid = world.owners["adult"], world.cameo_ids["adult"]
    creator = world.actors["approved"]
    owner.patch(f"/cameos/{cid}", {"access": "approved"})
    vid = create_video(creator, f"@{owner.handle} shoots a basketball").json()["id"]
    assert render_all(world.srv) == 1
    assert creator.get(f"/videos/{vid}").json()["status"] == "completed"
    others = {n: a for n, a in world.actors.items() if n != "approved"} | {"teen_subject": world.owners["teen"]}

    # draft: the creator and the subject see it, nobody else
    assert owner.get(f"/cameos/{cid}/appearances/{vid}/content").status_code == 200
    apps = owner.get(f"/cameos/{cid}/appearances").json()["data"]
    assert [a["video_id"] for a in apps] == [vid]
    assert apps[0]["posted"] is False and apps[0]["creator"] == creator.handle
    for name, a in others.items():
        assert a.get(f"/videos/{vid}").status_code == 404, name
        assert a.get(f"/videos/{vid}/content").status_code == 404, name
        assert a.get(f"/cameos/{cid}/appearances").status_code == 404, name
        assert a.get(f"/cameos/{cid}/appearances/{vid}/content").status_code == 404, name

    # post: visible to all but those a block separates from the subject
    post = creator.post("/posts", {"video_id": vid, "caption": "hoops"})
    assert post.status_code == 201, post.text
    pid = post.json()["id"]
    assert post.json()["cameos"] == [f"@{owner.handle}"]
    for name, a in others.items():
        blocked = name in ("blocked_by_owner", "blocking_owner")
        assert a.get(f"/posts/{pid}").status_code == (404 if blocked else 200), name
        assert a.get(f"/posts/{pid}/content").status_code == (404 if blocked else 200), name
        listed = [p["id"] for p in a.get(f"/users/{creator.handle}/posts").json()["data"]]
        assert listed == ([] if blocked else [pid]), name
    assert owner.get(f"/posts/{pid}").status_code == 200
    assert owner.get(f"/cameos/{cid}/appearances").json()["data"][0]["post_id"] == pid

    # take down: only the subject; nobody else can, not even the creator
    for name, a in list(others.items()) + [("creator", creator)]:
        assert a.post(f"/cameos/{cid}/appearances/{vid}/takedown", {}).status_code == 404, name
    r = owner.post(f"/cameos/{cid}/appearances/{vid}/takedown", {"reason": "not me"})
    assert r.status_code == 200 and r.json()["taken_down"] is True
    for a in [*others.values(), creator, owner]:
        assert a.get(f"/posts/{pid}").status_code == 404
        assert a.get(f"/posts/{pid}/content").status_code == 404
    assert creator.get(f"/videos/{vid}").status_code == 404
    assert creator.get(f"/videos/{vid}/content").status_code == 404
    assert owner.get(f"/cameos/{cid}/appearances").json()["data"][0]["taken_down"] is True
    with world.srv.rt.db.session() as s:  # type: ignore[attr-defined]
        entries = audit_entries(s, vid)
    assert [(e.action, e.reason) for e in entries] == [("cameo.takedown", "not me")]
    kinds = [n["kind"] for n in creator.get("/notifications").json()["data"]]
    assert "takedown" in kinds
    assert "cameo_used" in [n["kind"] for n in owner.get("/notifications").json()["data"]]


def test_revoked_permission_fails_the_queued_job(world: World) -> None:
    owner, cid = world.owners["adult"], world.cameo_ids["adult"]
    actor = world.actors["approved"]
    owner.patch(f"/cameos/{cid}", {"access": "everyone"})
    vid = create_video(actor, f"@{owner.handle} jumps").json()["id"]
    owner.patch(f"/cameos/{cid}", {"access": "only_me"})
    render_all(world.srv)
    v = actor.get(f"/videos/{vid}").json()
    assert v["status"] == "failed" and v["error"]["code"] == "cameo_permission_revoked"


def test_preferences_show_in_the_plan(world: World) -> None:
    owner, cid = world.owners["adult"], world.cameo_ids["adult"]
    owner.patch(f"/cameos/{cid}", {"access": "everyone", "preferences": "always wearing a red cap"})
    actor = world.actors["stranger"]
    vid = create_video(actor, f"@{owner.handle} walks on the beach").json()["id"]
    plan = actor.get(f"/videos/{vid}/plan").json()["plan"]
    ent = next(e for e in plan["entities"] if e["cameo"] == f"@{owner.handle}")
    assert ent["attributes"]["preferences"] == "always wearing a red cap"
    assert any("red cap" in n for n in plan["notes"])
    render_all(world.srv)
    done = actor.get(f"/videos/{vid}/plan").json()
    assert done["status"] == "completed"
    ent = next(e for e in done["plan"]["entities"] if e["cameo"] == f"@{owner.handle}")
    assert ent["attributes"]["preferences"] == "always wearing a red cap"
    owner.patch(f"/cameos/{cid}", {"preferences": ""})


def test_restriction_conflict_is_refused(world: World) -> None:
    owner, cid = world.owners["adult"], world.cameo_ids["adult"]
    owner.patch(f"/cameos/{cid}", {"access": "everyone", "restrictions": "never drinking alcohol"})
    r = create_video(world.actors["stranger"], f"@{owner.handle} drinks a beer at the bar")
    assert r.status_code == 400 and r.json()["error"]["code"] == "cameo_restriction"
    owner.patch(f"/cameos/{cid}", {"restrictions": ""})


def test_unknown_cameo_is_not_found(world: World) -> None:
    r = create_video(world.actors["stranger"], "@nobody_here dances")
    assert r.status_code == 400 and r.json()["error"]["code"] == "cameo_not_found"


def test_more_than_four_cameos_is_refused(world: World) -> None:
    r = create_video(world.actors["stranger"], "@a1x and @b2x and @c3x and @d4x and @e5x dance")
    assert r.status_code == 400 and r.json()["error"]["code"] == "too_many_cameos"


def test_export_contains_profile_and_cameos(world: World) -> None:
    owner = world.owners["adult"]
    r = owner.get("/me/export")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert {"profile.json", "cameos.json", "videos.json", "posts.json"} <= set(zf.namelist())
    assert b"subject_adult" in zf.read("profile.json")


def test_character_cameo_from_an_image_follows_its_access(world: World) -> None:
    owner, stranger = world.owners["adult"], world.actors["stranger"]
    r = owner.http.post("/cameos", data={"kind": "character", "handle": "rex_dog", "access": "approved",
                                         "preferences": "wags its tail"},
                        files={"image": ("rex.png", png_bytes(), "image/png")})
    assert r.status_code == 201, r.text
    c = r.json()
    assert (c["object"], c["kind"], c["status"], c["owner"]) == ("cameo", "character", "active", owner.handle)
    assert create_video(stranger, "@rex_dog runs in the park").status_code == 403
    owner.post(f"/cameos/{c['id']}/approvals", {"handle": stranger.handle})
    r = create_video(stranger, "@rex_dog runs in the park")
    assert r.status_code == 200
    stranger.delete(f"/videos/{r.json()['id']}")
    assert [x["handle"] for x in owner.get("/cameos").json()["data"]] == [owner.handle, "rex_dog"]


def test_person_cameo_is_unusable_until_verified(world: World) -> None:
    fresh = world.actors["followed_only"]
    r = fresh.post("/cameos", {"kind": "person"})
    assert r.status_code == 201 and r.json()["status"] == "pending_verification"
    assert r.json()["handle"] == fresh.handle
    v = create_video(fresh, f"@{fresh.handle} waves")
    assert v.status_code == 400 and v.json()["error"]["code"] == "cameo_not_active"
    assert fresh.post("/cameos", {"kind": "person"}).status_code == 409


def test_deleting_a_cameo_fails_queued_jobs_that_use_it(world: World) -> None:
    owner, actor = world.owners["teen"], world.actors["teen_stranger"]
    r = owner.http.post("/cameos", data={"kind": "character", "handle": "teen_cat", "access": "everyone"},
                        files={"image": ("cat.png", png_bytes((10, 10, 10)), "image/png")})
    vid = create_video(actor, "@teen_cat naps in the sun").json()["id"]
    assert owner.delete(f"/cameos/{r.json()['id']}").status_code == 200
    render_all(world.srv)
    v = actor.get(f"/videos/{vid}").json()
    assert v["status"] == "failed" and v["error"]["code"] == "cameo_permission_revoked"
