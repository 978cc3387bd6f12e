"""Posts over HTTP: publish, like, comment, remix with lineage, unpost; drafts stay private."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from reelcast.store.social_models import Post
from tests.api.social_helpers import Account, create_video, render_all, signup
from tests.conftest import Server, drop_pg_database, fresh_pg_database, server_settings, start_server


@dataclass
class Scene:
    """An author with one posted video and one unposted draft, and a viewer."""

    srv: Server
    author: Account
    viewer: Account
    video_id: str
    draft_id: str
    post_id: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def scene(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[Scene]:
    url = fresh_pg_database() if request.param == "postgresql" else None
    srv = start_server(server_settings(tmp_path_factory.mktemp(f"posts-{request.param}"), url, worker="none"))
    author, viewer = signup(srv, "author"), signup(srv, "viewer")
    vid = create_video(author, "a red ball bounces on the floor").json()["id"]
    draft = create_video(author, "a blue ball rolls").json()["id"]
    render_all(srv)
    r = author.post("/posts", {"video_id": vid, "caption": "bouncy"})
    assert r.status_code == 201, r.text
    yield Scene(srv, author, viewer, vid, draft, r.json()["id"])
    srv.stop()
    srv.rt.close()
    if url:
        drop_pg_database(url)


def test_post_is_visible_with_its_content(scene: Scene) -> None:
    p = scene.viewer.get(f"/posts/{scene.post_id}").json()
    assert (p["author"], p["caption"], p["video"]["id"]) == ("author", "bouncy", scene.video_id)
    c = scene.viewer.get(f"/posts/{scene.post_id}/content")
    assert c.status_code == 200 and c.content[4:8] == b"ftyp"


def test_draft_is_private_to_its_creator(scene: Scene) -> None:
    assert scene.viewer.get(f"/videos/{scene.draft_id}").status_code == 404
    assert scene.author.get(f"/videos/{scene.draft_id}").status_code == 200
    listed = [p["video"]["id"] for p in scene.viewer.get("/users/author/posts").json()["data"]]
    assert scene.draft_id not in listed and scene.video_id in listed


def test_cannot_post_someone_elses_video(scene: Scene) -> None:
    r = scene.viewer.post("/posts", {"video_id": scene.draft_id, "caption": "mine now"})
    assert r.status_code == 404


def test_cannot_post_twice(scene: Scene) -> None:
    r = scene.author.post("/posts", {"video_id": scene.video_id, "caption": "again"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_posted"


def test_cannot_post_unfinished_video(scene: Scene) -> None:
    vid = create_video(scene.author, "a green ball").json()["id"]
    r = scene.author.post("/posts", {"video_id": vid})
    assert r.status_code == 400 and r.json()["error"]["code"] == "video_not_ready"
    scene.author.delete(f"/videos/{vid}")


def test_like_and_unlike(scene: Scene) -> None:
    r = scene.viewer.post(f"/posts/{scene.post_id}/like").json()
    assert (r["like_count"], r["you_like"]) == (1, True)
    assert scene.viewer.post(f"/posts/{scene.post_id}/like").json()["like_count"] == 1
    assert "like" in [n["kind"] for n in scene.author.get("/notifications").json()["data"]]
    r = scene.viewer.delete(f"/posts/{scene.post_id}/like").json()
    assert (r["like_count"], r["you_like"]) == (0, False)


def test_comments(scene: Scene) -> None:
    r = scene.viewer.post(f"/posts/{scene.post_id}/comments", {"text": "nice bounce"})
    assert r.status_code == 201 and r.json()["author"] == "viewer"
    got = scene.author.get(f"/posts/{scene.post_id}/comments").json()["data"]
    assert [c["text"] for c in got] == ["nice bounce"]
    assert "comment" in [n["kind"] for n in scene.author.get("/notifications").json()["data"]]
    r = scene.viewer.post(f"/posts/{scene.post_id}/comments", {"text": "   "})
    assert r.status_code == 400


def test_remix_of_a_post_and_lineage_both_ways(scene: Scene) -> None:
    r = scene.viewer.post(f"/posts/{scene.post_id}/remix", {"prompt": "make the ball green"})
    assert r.status_code == 200, r.text
    remix = r.json()
    assert remix["remixed_from_video_id"] == scene.video_id
    assert "remix" in [n["kind"] for n in scene.author.get("/notifications").json()["data"]]
    render_all(scene.srv)
    assert scene.viewer.get(f"/videos/{remix['id']}").json()["status"] == "completed"
    assert scene.author.get(f"/posts/{scene.post_id}/lineage").json()["remixes"] == []  # a draft stays hidden
    rp = scene.viewer.post("/posts", {"video_id": remix["id"], "caption": "greener"}).json()
    assert rp["remixed_from_post_id"] == scene.post_id
    down = scene.author.get(f"/posts/{scene.post_id}/lineage").json()
    assert [p["id"] for p in down["remixes"]] == [rp["id"]]
    up = scene.author.get(f"/posts/{rp['id']}/lineage").json()
    assert [p["id"] for p in up["ancestors"]] == [scene.post_id]


def _remix_count(scene: Scene) -> int:
    with scene.srv.rt.db.session() as s:
        return s.scalar(select(Post.remix_count).where(Post.id == scene.post_id)) or 0


def test_remix_count_follows_remix_jobs_created_and_deleted(scene: Scene) -> None:
    before = _remix_count(scene)
    remix = scene.viewer.post(f"/posts/{scene.post_id}/remix", {"prompt": "make the ball purple"}).json()
    assert _remix_count(scene) == before + 1
    assert scene.viewer.delete(f"/videos/{remix['id']}").status_code == 200
    assert scene.viewer.delete(f"/videos/{remix['id']}").status_code == 404  # gone: not uncounted twice
    assert _remix_count(scene) == before


def test_unposting_leaves_the_draft(scene: Scene) -> None:
    vid = scene.video_id
    extra = scene.author.post("/posts", {"video_id": scene.draft_id, "caption": "blue"}).json()["id"]
    assert scene.viewer.delete(f"/posts/{extra}").status_code == 403
    assert scene.author.delete(f"/posts/{extra}").status_code == 200
    assert scene.viewer.get(f"/posts/{extra}").status_code == 404
    assert scene.author.get(f"/videos/{scene.draft_id}").status_code == 200
    assert vid
