"""The openai-poll-after-ms rule: the estimated remaining time spread over a few polls, between a floor and a cap."""

from __future__ import annotations

from reelcast.domain.polling import QueueView, poll_after_ms, remaining_seconds

UNKNOWN = QueueView(ahead=0, running=0, typical_s=None)


def test_without_any_estimate_the_floor_is_used():
    assert poll_after_ms("queued", 0, 0.0, UNKNOWN, 1000, 10000) == 1000


def test_a_long_queue_is_polled_at_the_cap():
    view = QueueView(ahead=30, running=1, typical_s=4.6)
    assert poll_after_ms("queued", 0, 0.0, view, 1000, 10000) == 10000


def test_queued_estimate_shares_the_jobs_ahead_among_running_workers():
    one = remaining_seconds("queued", 0, 0.0, QueueView(ahead=4, running=1, typical_s=2.0))
    two = remaining_seconds("queued", 0, 0.0, QueueView(ahead=4, running=2, typical_s=2.0))
    assert one == 4 * 2.0 + 1.0 + 2.0 and two == 2 * 2.0 + 1.0 + 2.0


def test_the_expected_wait_is_spread_over_a_few_polls():
    view = QueueView(ahead=3, running=1, typical_s=4.0)
    assert poll_after_ms("queued", 0, 0.0, view, 1000, 10000) == 1800  # (3 + 0.5 + 1) x 4 s over 10 polls


def test_in_progress_estimate_comes_from_progress_rate():
    assert remaining_seconds("in_progress", 25, 6.0, UNKNOWN) == 18.0
    assert poll_after_ms("in_progress", 25, 6.0, UNKNOWN, 1000, 10000) == 1800


def test_nearly_done_job_is_polled_at_the_floor():
    assert poll_after_ms("in_progress", 95, 10.0, UNKNOWN, 1000, 10000) == 1000


def test_little_progress_falls_back_to_the_typical_render_time():
    view = QueueView(ahead=0, running=1, typical_s=6.0)
    assert remaining_seconds("in_progress", 2, 2.0, view) == 4.0


def test_a_cap_below_the_floor_gives_the_floor():
    view = QueueView(ahead=50, running=1, typical_s=10.0)
    assert poll_after_ms("queued", 0, 0.0, view, 1000, 500) == 1000
