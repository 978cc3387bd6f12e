"""The web feed's stand-in source (until the ranked feed lands): newest visible posts, blocked users and
taken-down posts left out, cursor pages without repeats, in the agreed item shape."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from reelcast.safety import moderation
from reelcast.social import accounts as acc
from reelcast.web.feed_source import load_feed
from tests.api.social_helpers import Account, create_video, render_all, signup
from tests.conftest import Server, server_settings, start_server


@dataclass
class Scene:
    """Three authors' posts, oldest first, and a viewer."""

    srv: Server
    viewer: Account
    viewer_id: str
    posts: list[str]
    authors: list[Account]


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """Posts by ann, bob and cat; the test renders the videos itself."""
    srv = start_server(server_settings(tmp_path_factory.mktemp("feedsrc"), None, worker="none"))
    authors = [signup(srv, h) for h in ("ann", "bob", "cat")]
    viewer = signup(srv, "viewer")
    vids = [create_video(a, f"a red ball bounces, take {i}").json()["id"] for i, a in enumerate(authors)]
    render_all(srv)
    posts = []
    for a, v in zip(authors, vids, strict=True):
        r = a.post("/posts", {"video_id": v, "caption": a.handle})
        assert r.status_code == 201, r.text
        posts.append(r.json()["id"])
    with srv.rt.db.session() as s:
        viewer_id = acc.user_by_handle(s, "viewer").id  # type: ignore[union-attr]
    yield Scene(srv, viewer, viewer_id, posts, authors)
    srv.stop()
    srv.rt.close()


def ids(page: dict) -> list[str]:
    """Post ids of a page's post items."""
    return [it["post"]["id"] for it in page["data"] if it["type"] == "post"]


def test_items_are_newest_first_in_the_agreed_shape(scene: Scene) -> None:
    """Each item is a feed.item of type post with a PostOut dict and a reason."""
    page = load_feed(scene.srv.rt, scene.viewer_id, None, None, 10)
    assert page["object"] == "list" and page["has_more"] is False and page["next_cursor"] is None
    assert ids(page) == scene.posts[::-1]
    item = page["data"][0]
    assert item["object"] == "feed.item" and item["reason"] == "new"
    assert item["post"]["object"] == "post" and item["post"]["content_url"].startswith("/v1/posts/")


def test_cursor_pages_cover_every_post_once(scene: Scene) -> None:
    """Two-item pages: the cursor continues where the last page ended."""
    first = load_feed(scene.srv.rt, scene.viewer_id, None, None, 2)
    assert first["has_more"] is True and first["next_cursor"]
    second = load_feed(scene.srv.rt, scene.viewer_id, first["next_cursor"], None, 2)
    assert ids(first) + ids(second) == scene.posts[::-1]
    assert second["has_more"] is False


def test_blocked_users_posts_are_left_out(scene: Scene) -> None:
    """A user the viewer blocked disappears from the feed."""
    r = scene.viewer.post("/users/bob/block")
    assert r.status_code == 200, r.text
    try:
        assert scene.posts[1] not in ids(load_feed(scene.srv.rt, scene.viewer_id, None, None, 10))
    finally:
        scene.viewer.delete("/users/bob/block")


def test_taken_down_posts_are_left_out(scene: Scene) -> None:
    """A post an operator took down disappears from the feed."""
    with scene.srv.rt.db.session() as s:
        admin = acc.user_by_handle(s, scene.srv.rt.settings.admin_handle)
        assert admin is not None
        moderation.act(s, admin, "take_down", target_type="post", target_id=scene.posts[0], reason="test")
    assert scene.posts[0] not in ids(load_feed(scene.srv.rt, scene.viewer_id, None, None, 10))
