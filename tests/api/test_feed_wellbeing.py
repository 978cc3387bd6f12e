"""Teen breaks, guardians and parental controls, adult nudges, counters across restarts (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from reelcast.domain import wellbeing
from reelcast.social import accounts as acc
from reelcast.store.feed_models import FeedCounters
from tests.api.feed_helpers import page, post_ids, publish
from tests.api.social_helpers import TEEN, Account, create_video, signup
from tests.conftest import drop_pg_database, fresh_pg_database, server_settings, start_server


@pytest.fixture(scope="module")
def posts(server) -> list[str]:  # type: ignore[no-untyped-def]
    """70 posts by one author, enough to scroll past every cap."""
    author = signup(server, "wb_author")
    return [publish(server, author, f"clip {i} of a long scroll", plan=False) for i in range(70)]


def types(body: dict) -> list[str]:
    return [it["type"] for it in body["data"]]


def guardian_of(srv: Any, teen: Account, handle: str) -> Account:
    """An adult linked to the teen with the teen's consent code."""
    parent = signup(srv, handle)
    code = teen.post("/me/guardian_code").json()["code"]
    r = parent.post("/me/guardians", {"code": code})
    assert r.status_code == 201, r.text
    return parent


def test_teen_gets_a_break_after_30_posts_and_nothing_more(server, posts) -> None:  # type: ignore[no-untyped-def]
    teen = signup(server, "wb_teen30", birthdate=TEEN)
    first = page(teen, limit=10)
    second = page(teen, limit=10, cursor=first["next_cursor"])
    third = page(teen, limit=10, cursor=second["next_cursor"])
    assert types(first) == types(second) == ["post"] * 10
    assert types(third) == ["post"] * 10 + ["break"]
    assert third["has_more"] is False and third["next_cursor"] is None
    brk = third["data"][-1]
    assert brk["resumes_at"] >= time.time() + wellbeing.SESSION_COOLDOWN_S - 60 and brk["message"]
    again = page(teen, limit=10)  # a fresh request during the cooldown
    assert types(again) == ["break"] and again["data"][0]["resumes_at"] == brk["resumes_at"]


def test_teen_feed_opens_again_when_the_cooldown_ends(server, posts) -> None:  # type: ignore[no-untyped-def]
    teen = signup(server, "wb_teencool", birthdate=TEEN)
    parent = guardian_of(server, teen, "wb_parentcool")
    assert parent.patch("/users/wb_teencool/parental_controls", {"session_cap": 2}).status_code == 200
    assert types(page(teen, limit=5)) == ["post", "post", "break"]
    with server.rt.db.session() as s:  # the cooldown passes
        user = acc.user_by_handle(s, "wb_teencool")
        row = s.get(FeedCounters, user.id)  # type: ignore[union-attr]
        row.break_until = row.last_seen_at = int(time.time()) - 1  # type: ignore[union-attr]
    assert types(page(teen, limit=5)) == ["post", "post", "break"]


def test_guardian_lowers_the_daily_cap_with_the_teens_consent_code(server, posts) -> None:  # type: ignore[no-untyped-def]
    teen = signup(server, "wb_teenday", birthdate=TEEN)
    parent = guardian_of(server, teen, "wb_parentday")
    r = parent.patch("/users/wb_teenday/parental_controls", {"daily_cap": 4})
    assert r.status_code == 200 and r.json()["daily_cap"] == 4 and r.json()["session_cap"] == 30
    body = page(teen, limit=10)
    assert types(body) == ["post"] * 4 + ["break"]
    assert body["data"][-1]["resumes_at"] == wellbeing.next_midnight(int(time.time()))
    assert teen.get("/users/wb_teenday/parental_controls").json()["daily_cap"] == 4
    links = parent.get("/me/guardians").json()["data"]
    assert links == [{"object": "guardian_link", "guardian": "wb_parentday", "teen": "wb_teenday",
                      "created_at": links[0]["created_at"]}]


def test_guardian_turns_continuous_feed_off(server, posts) -> None:  # type: ignore[no-untyped-def]
    teen = signup(server, "wb_teencont", birthdate=TEEN)
    parent = guardian_of(server, teen, "wb_parentcont")
    assert parent.patch("/users/wb_teencont/parental_controls", {"continuous_feed": False}).status_code == 200
    body = page(teen, limit=20)
    assert types(body) == ["post"] * wellbeing.NON_CONTINUOUS_SESSION + ["break"]


def test_guardian_turns_personalisation_off_and_the_teen_cannot_undo_it(server) -> None:  # type: ignore[no-untyped-def]
    teen = signup(server, "wb_teenpers", birthdate=TEEN)
    parent = guardian_of(server, teen, "wb_parentpers")
    assert parent.patch("/users/wb_teenpers/parental_controls", {"personalization": False}).status_code == 200
    r = teen.patch("/me/feed_settings", {"personalization": True})
    assert r.json()["personalization"] is True and r.json()["personalization_by_guardian"] is False
    assert teen.get("/feed/explain").json()["you"]["personalized"] is False


def test_parental_controls_are_refused_to_everyone_else(server) -> None:  # type: ignore[no-untyped-def]
    teen = signup(server, "wb_teenref", birthdate=TEEN)
    stranger, adult = signup(server, "wb_stranger"), signup(server, "wb_adultref")
    r = stranger.patch("/users/wb_teenref/parental_controls", {"session_cap": 1})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_guardian"
    assert teen.patch("/users/wb_teenref/parental_controls", {"session_cap": 1}).status_code == 403
    assert stranger.patch("/users/wb_adultref/parental_controls", {"session_cap": 1}).status_code == 403
    assert adult.post("/me/guardian_code").status_code == 400  # adults have no guardians
    code = teen.post("/me/guardian_code").json()["code"]
    assert signup(server, "wb_teen2", birthdate=TEEN).post("/me/guardians", {"code": code}).status_code == 403
    parent = signup(server, "wb_parentref")
    assert parent.post("/me/guardians", {"code": code}).status_code == 201
    assert stranger.post("/me/guardians", {"code": code}).json()["error"]["code"] == "invalid_consent_code"
    r = parent.patch("/users/wb_teenref/parental_controls", {"session_cap": 31})
    assert r.status_code == 400 and r.json()["error"]["param"] == "session_cap"


def test_adult_gets_a_nudge_after_50_posts_without_creating(server, posts) -> None:  # type: ignore[no-untyped-def]
    adult = signup(server, "wb_scroller")
    pages = [page(adult, limit=10)]
    for _ in range(5):
        pages.append(page(adult, limit=10, cursor=pages[-1]["next_cursor"]))
    items = [it for p in pages for it in p["data"]]
    kinds = [it["type"] for it in items]
    assert kinds.count("nudge") == 1 and kinds.index("nudge") == 50
    nudge = items[50]
    assert "50 posts" in nudge["message"] and "remix @wb_author's \"clip" in nudge["prompt_idea"]


def test_creating_something_resets_the_nudge_count(server, posts) -> None:  # type: ignore[no-untyped-def]
    adult = signup(server, "wb_creator")
    first = page(adult, limit=45)
    assert create_video(adult, "a red ball bounces on the floor").status_code in (200, 201)
    second = page(adult, limit=45, cursor=first["next_cursor"])
    assert "nudge" not in types(first) + types(second)


def test_teens_never_get_nudges(server, posts) -> None:  # type: ignore[no-untyped-def]
    teen = signup(server, "wb_teennudge", birthdate=TEEN)
    guardian_of(server, teen, "wb_parentnudge")
    body = page(teen, limit=50)
    assert "nudge" not in types(body) and len(post_ids(body)) == 30


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_teen_counters_survive_a_server_restart(backend: str, tmp_path, pg_url) -> None:  # type: ignore[no-untyped-def]
    url = fresh_pg_database() if backend == "postgresql" else None
    srv = start_server(server_settings(tmp_path, url))
    try:
        author, teen = signup(srv, "rs_author"), signup(srv, "rs_teen", birthdate=TEEN)
        for i in range(4):
            publish(srv, author, f"restart clip {i}", plan=False)
        guardian_of(srv, teen, "rs_parent").patch("/users/rs_teen/parental_controls", {"session_cap": 2})
        assert types(page(teen, limit=5)) == ["post", "post", "break"]
    finally:
        srv.stop()
        srv.rt.close()
    srv = start_server(server_settings(tmp_path, url))
    try:
        teen = Account("rs_teen", teen.key, teen.http)
        teen.http.base_url = srv.api  # type: ignore[misc]
        assert types(page(teen, limit=5)) == ["break"]
    finally:
        srv.stop()
        srv.rt.close()
        if url:
            drop_pg_database(url)
