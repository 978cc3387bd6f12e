"""GET /v1/videos/{id}/plan returns the ScenePlan and the contact event log."""

from __future__ import annotations

from tests.api.helpers import client, tiny


def test_plan_has_entities_shots_and_unresolved(server):
    c = client(server)
    v = c.videos.create(prompt="a basketball player shoots and misses, the ball bounces off the backboard",
                        size="160x90", seconds="1")  # type: ignore[arg-type]
    plan = c.get(f"/videos/{v.id}/plan", cast_to=object)
    archetypes = {e["archetype"] for e in plan["plan"]["entities"]}
    assert {"person", "basketball", "hoop"} <= archetypes
    assert plan["plan"]["shots"] and "unresolved" in plan["plan"]


def test_plan_of_completed_video_lists_contacts_with_time_bodies_impulse(server):
    c = client(server)
    f = tiny(c, "a basketball player shoots and misses, the ball bounces off the backboard", seconds="2")
    plan = c.get(f"/videos/{f.id}/plan", cast_to=object)
    assert plan["events"], "a missed shot must log contacts"
    for e in plan["events"]:
        assert 0 <= e["t"] <= 2.0 and e["body_a"] and e["body_b"] and e["impulse"] > 0
