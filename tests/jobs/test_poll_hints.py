"""The poll-after hint a pending video gets, read from the real queue (SQLite and PostgreSQL)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from reelcast.jobs import poll_hints
from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts
from reelcast.store import videos as repo
from reelcast.store.models import VideoJob
from tests.conftest import drop_pg_database, fresh_pg_database, server_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def rt(request, tmp_path, pg_url):
    url = fresh_pg_database() if request.param == "postgresql" else None
    runtime = Runtime.open(server_settings(tmp_path, url, poll_after_ms=1000, poll_after_max_ms=60000))
    yield runtime
    runtime.close()
    if url:
        drop_pg_database(url)


def _queue(rt: Runtime, n: int) -> list[str]:
    with rt.db.session() as s:
        user = accounts.get_or_create_user(s, "u")
        ids = [repo.create_video(s, user_id=user.id, prompt="a ball", model="sora-2", seconds="1", size="160x90",
                                 seed=1).id for _ in range(n)]
        s.commit()
        return ids


def _finish(rt: Runtime, job_id: str, took: int) -> None:
    now = int(time.time())
    with rt.db.session() as s:
        s.execute(update(VideoJob).where(VideoJob.id == job_id)
                  .values(status="completed", progress=100, started_at=now - took, completed_at=now))
        s.commit()


def _job(rt: Runtime, job_id: str) -> VideoJob:
    with rt.db.session() as s:
        return repo.get_video(s, job_id)


def test_queue_position_counts_jobs_ahead_and_running(rt):
    ids = _queue(rt, 4)
    with rt.db.session() as s:
        repo.claim_next(s, "w1", 60)
    with rt.db.session() as s:
        assert repo.queue_position(s, ids[3]) == (2, 1)
        assert repo.queue_position(s, ids[1]) == (0, 1)


def test_recent_render_seconds_is_the_median_of_completed_jobs(rt):
    done = _queue(rt, 3)
    for job_id, took in zip(done, (4, 30, 6), strict=True):  # one slow first render does not skew it
        _finish(rt, job_id, took)
    with rt.db.session() as s:
        assert repo.recent_render_seconds(s) == 6.0


def test_before_any_job_completed_the_floor_is_used(rt):
    ids = _queue(rt, 5)
    assert poll_hints.poll_after_ms(rt, _job(rt, ids[-1])) == 1000


def test_a_job_deep_in_the_queue_is_polled_less_often_than_the_next_one(rt):
    done = _queue(rt, 1)
    _finish(rt, done[0], 4)
    ids = _queue(rt, 8)
    with rt.db.session() as s:
        repo.claim_next(s, "w1", 60)
    first, last = poll_hints.poll_after_ms(rt, _job(rt, ids[1])), poll_hints.poll_after_ms(rt, _job(rt, ids[-1]))
    assert first == 1000  # next in line: (0.5 + 1) x 4 s over 10 polls, below the floor
    assert last == 3000  # 6 ahead of it: (6 + 0.5 + 1) x 4 s over 10 polls


def test_the_first_completed_job_is_noticed_without_waiting_for_the_cache(rt, monkeypatch):
    monkeypatch.setattr(poll_hints, "NONE_TTL_S", 0.0)
    ids = _queue(rt, 8)
    assert poll_hints.poll_after_ms(rt, _job(rt, ids[-1])) == 1000
    _finish(rt, ids[0], 4)
    with rt.db.session() as s:
        repo.claim_next(s, "w1", 60)
    assert poll_hints.poll_after_ms(rt, _job(rt, ids[-1])) == 2600  # 5 ahead: (5 + 0.5 + 1) x 4 s over 10 polls
