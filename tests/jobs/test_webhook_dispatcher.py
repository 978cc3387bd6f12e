"""The outbox dispatcher: deliveries committed in this process go out at once, retries at their backoff,
and rows left by other processes are found by the slow poll (SQLite; the outbox SQL is covered on PostgreSQL by
the fault tests)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from reelcast.jobs import webhooks
from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts, outbox
from reelcast.store import videos as repo
from tests.conftest import server_settings
from tests.jobs.faults import HookReceiver

LONG_POLL = 60.0  # longer than any wait below: a delivery seen in time was not found by polling


@pytest.fixture
def rt(tmp_path, hooks: HookReceiver) -> Iterator[Runtime]:
    runtime = Runtime.open(server_settings(tmp_path, webhook_url=hooks.url, webhook_secret="whsec_" + "A" * 24,
                                           webhook_retry_seconds=0.2))
    yield runtime
    runtime.close()


def _event(rt: Runtime) -> str:
    """A committed video.completed event for a new video (as a finishing worker writes it)."""
    with rt.db.session() as s:
        user = accounts.get_or_create_user(s, "u")
        job = repo.create_video(s, user_id=user.id, prompt="a ball", model="sora-2", seconds="1", size="160x90",
                                seed=1)
        outbox.record_event(s, "video.completed", job.id, user.id,
                            outbox.DefaultEndpoint(rt.settings.webhook_url or "", rt.settings.webhook_secret or ""))
        return job.id


def _wait_for(hooks: HookReceiver, video_id: str, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hooks.for_video(video_id):
            return len(hooks.for_video(video_id))
        time.sleep(0.02)
    return 0


@pytest.fixture
def dispatcher(rt: Runtime) -> Iterator[webhooks.OutboxDispatcher]:
    d = webhooks.OutboxDispatcher(rt, interval=LONG_POLL)
    d.start()
    time.sleep(0.2)  # its first look (nothing due) is over: it now waits for a wake or the poll
    yield d
    d.stop()


def test_a_woken_dispatcher_delivers_without_waiting_for_its_poll(rt, hooks, dispatcher):
    vid = _event(rt)
    webhooks.wake()
    assert _wait_for(hooks, vid) == 1


def test_a_failed_delivery_is_retried_at_its_backoff_not_at_the_poll(rt, hooks, dispatcher):
    hooks.fail_first = 1
    vid = _event(rt)
    webhooks.wake()
    assert _wait_for(hooks, vid) == 1
    assert hooks.fail_first == 0


def test_rows_another_process_left_are_found_by_the_poll(rt, hooks):
    d = webhooks.OutboxDispatcher(rt, interval=0.3)
    d.start()
    try:
        time.sleep(0.1)  # its first look is over
        vid = _event(rt)  # no wake: as if written by a process that died before delivering
        assert _wait_for(hooks, vid) == 1
    finally:
        d.stop()


def test_failed_deliveries_are_each_retried_at_their_own_backoff(rt, hooks, dispatcher):
    hooks.fail_first = 2
    first = _event(rt)
    webhooks.wake()
    deadline = time.monotonic() + 10
    while hooks.fail_first > 1 and time.monotonic() < deadline:  # the first event's first attempt failed
        time.sleep(0.01)
    second = _event(rt)  # its first attempt fails too, a little later: a second retry time
    webhooks.wake()
    assert _wait_for(hooks, first) == 1
    assert _wait_for(hooks, second) == 1
