"""GET /v1/feed over HTTP on SQLite and PostgreSQL: friends first, visibility, stable cursors, mood, settings."""

from __future__ import annotations

import time

from reelcast.feed.service import feed_page
from reelcast.social import accounts as acc
from reelcast.social import cameos
from reelcast.store.models import VideoJob
from reelcast.store.social_models import CameoAppearance, Post
from tests.api.feed_helpers import page, post_ids, publish, scroll
from tests.api.social_helpers import create_video, person_cameo, render_all, signup

CALM = ["a cat sleeps quietly by a warm fireplace", "gentle waves roll onto an empty beach at sunset",
        "a sleepy puppy naps on a soft blanket", "slow snowfall over a silent pine forest at dawn"]
ENERGETIC = ["a skateboarder crashes hard into a wall", "a basketball player slams a dunk and the crowd roars",
             "a motorbike races through a city at night", "a breakdancer spins fast on a concrete floor"]


def test_posts_of_people_you_follow_come_first_with_reasons(server) -> None:  # type: ignore[no-untyped-def]
    viewer, mina, bob, zed = (signup(server, h) for h in ("ff_viewer", "ff_mina", "ff_bob", "ff_zed"))
    mutual_post = publish(server, mina, "a dog catches a frisbee", plan=False)
    friend_post = publish(server, bob, "a red ball bounces", plan=False)
    publish(server, zed, "a stranger's newest clip", plan=False)
    viewer.post("/users/ff_mina/follow")
    mina.post("/users/ff_viewer/follow")
    viewer.post("/users/ff_bob/follow")
    body = page(viewer, limit=5)
    assert body["object"] == "list"
    assert post_ids(body)[:2] == [mutual_post, friend_post]
    reasons = [it["reason"] for it in body["data"][:2]]
    assert reasons == ["you and @ff_mina follow each other", "you follow @ff_bob"]
    item = body["data"][0]
    assert item["object"] == "feed.item" and item["type"] == "post"
    assert item["post"]["author"] == "ff_mina" and item["post"]["content_url"] == f"/v1/posts/{mutual_post}/content"


def test_blocked_users_taken_down_and_own_posts_never_appear(server) -> None:  # type: ignore[no-untyped-def]
    viewer, blocked, blocker, other = (signup(server, h) for h in ("vis_viewer", "vis_blocked", "vis_blocker",
                                                                   "vis_other"))
    hidden = {publish(server, blocked, "a clip by someone I blocked", plan=False),
              publish(server, blocker, "a clip by someone who blocked me", plan=False),
              publish(server, viewer, "my own clip", plan=False)}
    gone = publish(server, other, "a clip that gets deleted", plan=False)
    taken = publish(server, other, "a clip that gets taken down", plan=False)
    kept = publish(server, other, "a clip that stays", plan=False)
    viewer.post("/users/vis_blocked/block")
    blocker.post("/users/vis_viewer/block")
    assert other.delete(f"/posts/{gone}").status_code == 200
    with server.rt.db.session() as s:  # what a cameo takedown does to the video and its post
        post = s.get(Post, taken)
        cameos.remove_video(s, s.get(VideoJob, post.video_id), int(time.time()))  # type: ignore[union-attr]
    seen = [pid for p in scroll(viewer, limit=50) for pid in post_ids(p)]
    assert kept in seen
    assert not (hidden | {gone, taken}) & set(seen)


def test_pages_never_repeat_a_post_even_when_new_posts_arrive(server) -> None:  # type: ignore[no-untyped-def]
    viewer, author = signup(server, "pg_viewer"), signup(server, "pg_author")
    for i in range(7):
        publish(server, author, f"filler clip number {i}", plan=False)
    first = page(viewer, limit=3)
    late = publish(server, author, "a post that arrives between pages", plan=False)
    pages = [first]
    while pages[-1]["has_more"]:
        pages.append(page(viewer, limit=3, cursor=pages[-1]["next_cursor"]))
    seen = [pid for p in pages for pid in post_ids(p)]
    assert len(seen) == len(set(seen))
    assert late not in seen  # the scroll is a snapshot; the new post leads the next fresh feed
    assert pages[-1]["next_cursor"] is None
    assert late in post_ids(page(viewer, limit=50))


def _first_of(body: dict, mine: set[str], n: int) -> set[str]:
    """The first n of this test's posts on a page (other tests' posts share the server)."""
    return set([pid for pid in post_ids(body) if pid in mine][:n])


def test_mood_puts_the_requested_kind_on_the_first_page(server) -> None:  # type: ignore[no-untyped-def]
    viewer, author = signup(server, "md_viewer"), signup(server, "md_author")
    calm = {publish(server, author, p) for p in CALM}
    energetic = {publish(server, author, p) for p in ENERGETIC}
    first = page(viewer, limit=50, mood="calm and relaxing")
    assert len(_first_of(first, calm | energetic, 4) & calm) >= 3
    assert first["data"][0]["reason"].startswith("matches 'calm and relaxing' 0.")
    hype = page(viewer, limit=50, mood="extreme sports and fast action")
    assert len(_first_of(hype, calm | energetic, 4) & energetic) >= 3


def test_mood_for_animals_puts_animal_posts_first(server) -> None:  # type: ignore[no-untyped-def]
    viewer, author = signup(server, "an_viewer"), signup(server, "an_author")
    animals = {publish(server, author, p) for p in ("a fluffy kitten plays with yarn",
                                                    "a golden retriever puppy runs in the grass",
                                                    "a baby goat jumps on a hay bale")}
    others = {publish(server, author, p) for p in ("a car drives down an empty highway",
                                                   "a chef slices vegetables in a kitchen",
                                                   "fireworks explode over a city skyline")}
    assert _first_of(page(viewer, limit=50, mood="cute animals"), animals | others, 3) == animals


def test_a_rendered_video_posted_over_http_reaches_the_feed(server) -> None:  # type: ignore[no-untyped-def]
    viewer, author = signup(server, "rv_viewer"), signup(server, "rv_author")
    r = create_video(author, "a calm lake with a paddleboarder at dawn")
    assert r.status_code in (200, 201), r.text
    render_all(server)
    deadline = time.monotonic() + 120  # the server's own worker may have claimed the job first
    while author.get(f"/videos/{r.json()['id']}").json()["status"] != "completed" and time.monotonic() < deadline:
        time.sleep(0.1)
    post = author.post("/posts", {"video_id": r.json()["id"], "caption": "morning"})
    assert post.status_code == 201, post.text
    body = page(viewer, limit=3, mood="a peaceful lake")
    assert post_ids(body)[0] == post.json()["id"]
    assert body["data"][0]["post"]["video"]["status"] == "completed"


def test_personalisation_off_makes_the_feed_following_first_by_time(server) -> None:  # type: ignore[no-untyped-def]
    viewer, friend, star = signup(server, "po_viewer"), signup(server, "po_friend"), signup(server, "po_star")
    old_friend = publish(server, friend, "an older post of a friend", plan=False)
    popular = publish(server, star, "a very popular post", plan=False)
    for h in ("po_a", "po_b", "po_c"):
        signup(server, h).post(f"/posts/{popular}/like")
    viewer.post("/users/po_friend/follow")
    r = viewer.patch("/me/feed_settings", {"personalization": False})
    assert r.status_code == 200 and r.json()["personalization"] is False
    newest = publish(server, star, "the newest post of all", plan=False)
    ids = post_ids(page(viewer, limit=50))
    assert ids[0] == old_friend
    assert ids.index(newest) < ids.index(popular)
    assert viewer.get("/feed/explain").json()["you"]["personalized"] is False


def test_feed_page_function_returns_the_http_json(server) -> None:  # type: ignore[no-untyped-def]
    viewer, author = signup(server, "fn_viewer"), signup(server, "fn_author")
    publish(server, author, "a post for the web pages", plan=False)
    with server.rt.db.session() as s:
        user_id = acc.user_by_handle(s, "fn_viewer").id  # type: ignore[union-attr]
    direct = feed_page(server.rt, user_id, cursor=None, limit=2, mood=None)
    assert set(direct) == {"object", "data", "next_cursor", "has_more"}
    over_http = page(viewer, limit=2, cursor=direct["next_cursor"])
    assert not set(post_ids(direct)) & set(post_ids(over_http))


def test_explain_lists_the_weights_in_use(server) -> None:  # type: ignore[no-untyped-def]
    viewer = signup(server, "ex_viewer")
    body = viewer.get("/feed/explain").json()
    assert body["object"] == "feed.explanation"
    assert set(body["weights"]) >= {"freshness", "engagement", "taste", "mood"}
    assert body["wellbeing"]["under_18"]["session_cap"] == 30 and body["wellbeing"]["adults"]["nudge_after"] == 50


def test_bad_cursor_and_limit_are_400(server) -> None:  # type: ignore[no-untyped-def]
    viewer = signup(server, "bc_viewer")
    r = viewer.get("/feed", params={"cursor": "not-a-cursor"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "cursor"
    assert viewer.get("/feed", params={"limit": 0}).status_code == 400
    assert viewer.patch("/me/feed_settings", {"personalization": "no"}).status_code == 400


def test_a_post_deleted_mid_scroll_is_not_served_on_later_pages(server) -> None:  # type: ignore[no-untyped-def]
    viewer, author = signup(server, "dm_viewer"), signup(server, "dm_author")
    mine = [publish(server, author, f"mid-scroll clip {i}", plan=False) for i in range(8)]
    viewer.post("/users/dm_author/follow")  # their posts lead the feed
    first = page(viewer, limit=2)
    unserved = [pid for pid in mine if pid not in post_ids(first)]
    assert author.delete(f"/posts/{unserved[0]}").status_code == 200
    pages = [first]
    while pages[-1]["has_more"]:
        pages.append(page(viewer, limit=2, cursor=pages[-1]["next_cursor"]))
    seen = [pid for p in pages for pid in post_ids(p)]
    assert unserved[0] not in seen and set(unserved[1:]) <= set(seen)


def test_changing_the_mood_mid_scroll_never_repeats_a_post(server) -> None:  # type: ignore[no-untyped-def]
    viewer, author = signup(server, "cm_viewer"), signup(server, "cm_author")
    for p in CALM + ENERGETIC:
        publish(server, author, p)
    pages = [page(viewer, limit=2, mood="calm")]
    for mood in ("sports", "calm", None, "calm", "sports", "calm"):
        pages.append(page(viewer, limit=2, cursor=pages[-1]["next_cursor"], mood=mood))
    seen = [pid for p in pages for pid in post_ids(p)]
    assert len(seen) == 14 and len(set(seen)) == 14


def test_a_post_showing_a_cameo_names_it_and_is_hidden_from_whom_its_owner_blocked(server) -> None:  # type: ignore[no-untyped-def]
    owner, creator, fan, blocked = (signup(server, h) for h in ("cam_owner", "cam_creator", "cam_fan", "cam_blocked"))
    cameo_id = person_cameo(server, owner)
    shown = publish(server, creator, "a street musician plays guitar", plan=False)
    with server.rt.db.session() as s:  # what creating a video with @cam_owner in the prompt records
        post = s.get(Post, shown)
        assert post is not None
        s.add(CameoAppearance(cameo_id=cameo_id, video_id=post.video_id, creator_id=post.user_id,
                              created_at=int(time.time())))
    assert owner.post("/users/cam_blocked/block").status_code == 200
    for viewer in (fan, blocked):
        viewer.post("/users/cam_creator/follow")
    items = [it for p in scroll(fan, limit=5) for it in p["data"] if it["type"] == "post"]
    assert [it["post"]["cameos"] for it in items if it["post"]["id"] == shown] == [["@cam_owner"]]
    # the creator is not blocked, the cameo's owner is: the post is not shown, on any page
    assert shown not in [pid for p in scroll(blocked, limit=5) for pid in post_ids(p)]
