"""The nudge's prompt idea comes from what was watched."""

from __future__ import annotations

from reelcast.feed.nudge import Watched, prompt_idea


def plan(*things: str, place: str = "lake", look: str = "cinematic") -> dict:
    return {"entities": [{"archetype": t} for t in things], "setting": {"place": place}, "style": {"look": look}}


def test_prompt_idea_uses_the_most_watched_subjects_place_and_a_remix_pick() -> None:
    watched = [Watched("p1", "mina", "a corgi paddleboards on a lake", plan("dog", "paddleboard")),
               Watched("p2", "leo", "a dog chases a ball", plan("dog", "ball", place="park")),
               Watched("p3", "ana", "two dogs nap at the lake at dusk", plan("dog"))]
    idea = prompt_idea(watched)
    assert idea.startswith("dog and ")
    assert "at the lake" in idea and "anime style" in idea
    assert "remix @ana's \"two dogs nap at the lake at dusk\"" in idea


def test_prompt_idea_without_plans_still_suggests_something_concrete() -> None:
    idea = prompt_idea([Watched("p1", "mina", "x" * 100, None)])
    assert idea.startswith("your friends, anime style — or remix @mina's")
    assert idea.endswith("…\"")
