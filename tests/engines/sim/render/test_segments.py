"""Where a clip is split for rendering on two screens."""

from __future__ import annotations

from reelcast.engines.sim.render.segments import MIN_SPLIT_FRAMES, draw_schedule, shot_ranges, split_frame


def test_a_clip_shorter_than_two_minimum_parts_is_not_split() -> None:
    assert split_frame(2 * MIN_SPLIT_FRAMES - 1) is None


def test_a_clip_without_cuts_is_split_in_the_middle() -> None:
    assert split_frame(96) == 48
    assert split_frame(97) == 48


def test_a_cut_near_the_middle_is_taken_instead_of_the_middle() -> None:
    assert split_frame(96, [40]) == 40


def test_a_cut_far_from_the_middle_is_ignored() -> None:
    assert split_frame(96, [10, 90]) == 48


def test_of_several_cuts_the_one_nearest_the_middle_is_taken() -> None:
    assert split_frame(192, [48, 96, 144]) == 96
    assert split_frame(120, [50, 70]) == 50  # equally near: the earlier


def test_with_motion_blur_the_split_frame_is_preceded_by_a_fresh_draw_of_the_one_before() -> None:
    assert draw_schedule(range(46, 50), 96) == [(46, True), (47, True), (47, False), (48, True), (49, True)]
    assert draw_schedule(range(48, 50), 96) == [(47, False), (48, True), (49, True)]


def test_without_motion_blur_or_at_a_cut_nothing_is_drawn_twice() -> None:
    assert draw_schedule(range(46, 50), 96, blend_history=False) == [(f, True) for f in range(46, 50)]
    assert draw_schedule(range(38, 42), 96, [40]) == [(f, True) for f in range(38, 42)]


def test_a_clip_too_short_to_split_draws_each_frame_once() -> None:
    n = 2 * MIN_SPLIT_FRAMES - 1
    assert draw_schedule(range(n), n) == [(f, True) for f in range(n)]


def test_shots_are_the_runs_between_cuts() -> None:
    assert shot_ranges(10, [4, 7]) == [range(0, 4), range(4, 7), range(7, 10)]
    assert shot_ranges(10) == [range(10)]
    assert shot_ranges(10, [0, 10, 12]) == [range(10)]  # cuts at or past the ends start no shot
