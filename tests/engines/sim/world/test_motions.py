"""Humanoid motion: clip playback and ragdoll falls."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.world.builder import simulate
from reelcast.engines.sim.world.motions import MotionTrack, available_clips, load_clip

from .plans import person_plan


def test_shipped_clips_load_with_every_joint() -> None:
    for name in ("walk", "run", "backflip", "cartwheel", "jump", "dance_a", "spin", "kick", "roll"):
        clip = load_clip(name)
        assert clip.duration > 0.5 and len(clip.joints) == 12
    assert "shoot" in available_clips()


def test_walk_playback_changes_joint_poses_over_time() -> None:
    track = MotionTrack([(0.0, 2.0, "walk")], 2.0, (0.0, 0.0), 0.0)
    a, b = track.pose(0.1), track.pose(0.5)
    assert abs(float(a.joints["right_knee"]) - float(b.joints["right_knee"])) > 0.1
    assert b.root_pos[0] - a.root_pos[0] > 0.3  # root motion carries the walker forward


def test_backflip_rotates_the_torso_over_300_degrees_about_the_lateral_axis() -> None:
    res = simulate(person_plan("backflip", duration=2.0), seed=0)
    torso = res.timeline.parts.index(next(p for p in res.timeline.parts if p.name == "p/torso"))
    up = res.timeline.poses[:, torso, :3, 1]  # the torso's long axis (its local y)
    # angle of the torso axis in the sagittal (x-z) plane, unwrapped over the clip
    ang = np.unwrap(np.arctan2(up[:, 0], up[:, 2]))
    assert np.degrees(np.ptp(ang)) > 300


def test_ragdoll_fall_lowers_the_head_by_more_than_a_metre() -> None:
    res = simulate(person_plan("fall", duration=2.0, start=0.2), seed=0)
    head = next(i for i, p in enumerate(res.timeline.parts) if p.name == "p/head")
    z = res.timeline.poses[:, head, 2, 3]
    assert z[0] - z[-1] > 1.0
    assert any(e.body_a.startswith("p/") for e in res.timeline.events)
