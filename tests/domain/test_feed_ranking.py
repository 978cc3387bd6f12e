"""Feed ranking: tiers, scores, order and reasons."""

from __future__ import annotations

import pytest

from reelcast.domain import feed_ranking as fr

NOW = 1_800_000_000
H = 3600


def cand(pid: str, age_h: float = 1, **kw: object) -> fr.Candidate:
    return fr.Candidate(post_id=pid, author_handle=kw.pop("author", pid), created_at=int(NOW - age_h * H),
                        **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("age_h", "value"), [(0, 1.0), (24, 0.5), (48, 0.25)])
def test_freshness_halves_every_day(age_h: float, value: float) -> None:
    assert fr.freshness(age_h * H) == pytest.approx(value)


@pytest.mark.parametrize(("counts", "age_h", "value"), [
    ((0, 0, 0), 0, 0.0), ((100, 0, 0), 0, 1.0), ((1000, 50, 9), 0, 1.0), ((100, 0, 0), 72, 0.5),
    ((0, 0, 1), 0, fr.engagement(3, 0, 0, 0)), ((0, 1, 0), 0, fr.engagement(2, 0, 0, 0)),
])
def test_engagement_weighs_remixes_over_comments_over_likes_and_decays(counts: tuple[int, int, int], age_h: float,
                                                                      value: float) -> None:
    assert fr.engagement(*counts, age_h * H) == pytest.approx(value)


def test_friends_come_before_more_popular_discovery() -> None:
    ranked = fr.order([cand("hot", likes=900, comments=90), cand("friend", age_h=30, relation="following"),
                       cand("mutual", age_h=40, relation="mutual")], NOW, personalized=True, mood_text=None)
    assert [r.candidate.post_id for r in ranked] == ["mutual", "friend", "hot"]


def test_discovery_ranks_by_freshness_engagement_and_taste() -> None:
    ranked = fr.order([cand("old", age_h=72), cand("new"), cand("liked", age_h=5, likes=50),
                       cand("tasty", age_h=5, taste=0.9)], NOW, personalized=True, mood_text=None)
    assert [r.candidate.post_id for r in ranked][-1] == "old"
    assert {r.candidate.post_id for r in ranked[:2]} == {"liked", "tasty"}


def test_mood_similarity_dominates_over_friendship_and_freshness() -> None:
    ranked = fr.order([cand("friend", relation="mutual", mood=0.1), cand("calm", age_h=48, mood=0.7),
                       cand("meh", mood=0.3)], NOW, personalized=True, mood_text="calm")
    assert [r.candidate.post_id for r in ranked] == ["calm", "meh", "friend"]
    assert ranked[0].reason == "matches 'calm' 0.70"


def test_without_personalisation_it_is_following_first_by_time() -> None:
    ranked = fr.order([cand("hot", age_h=2, likes=999, taste=0.9), cand("new", age_h=1),
                       cand("friend_old", age_h=50, relation="following"), cand("friend_new", relation="following")],
                      NOW, personalized=False, mood_text=None)
    assert [r.candidate.post_id for r in ranked] == ["friend_new", "friend_old", "new", "hot"]


@pytest.mark.parametrize(("c", "reason"), [
    (cand("a", author="mina", relation="following"), "you follow @mina"),
    (cand("a", author="mina", relation="mutual"), "you and @mina follow each other"),
    (cand("a", author="mina", taste=0.8), "like posts you liked (0.80)"),
    (cand("a", author="mina", likes=80, comments=3, remixes=1), "popular: 80 likes, 3 comments, 1 remixes"),
    (cand("a", author="mina"), "new from @mina"),
])
def test_reason_says_why_in_plain_words(c: fr.Candidate, reason: str) -> None:
    assert fr.order([c], NOW, personalized=True, mood_text=None)[0].reason == reason


def test_ties_go_to_the_newer_post() -> None:
    ranked = fr.order([cand("post_01"), cand("post_03"), cand("post_02")], NOW, personalized=False, mood_text=None)
    assert [r.candidate.post_id for r in ranked] == ["post_03", "post_02", "post_01"]
