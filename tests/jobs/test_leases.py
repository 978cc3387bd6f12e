"""Job claiming with leases: expired leases are re-claimed and completion happens exactly once."""

from __future__ import annotations

import pytest

from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts
from reelcast.store import videos as repo
from tests.conftest import drop_pg_database, fresh_pg_database, server_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def rt(request, tmp_path, pg_url):
    url = fresh_pg_database() if request.param == "postgresql" else None
    runtime = Runtime.open(server_settings(tmp_path, url))
    yield runtime
    runtime.close()
    if url:
        drop_pg_database(url)


def _queue(rt: Runtime) -> str:
    with rt.db.session() as s:
        user = accounts.get_or_create_user(s, "u")
        return repo.create_video(s, user_id=user.id, prompt="a ball", model="sora-2", seconds="1", size="160x90",
                                 seed=1).id


def test_claim_takes_queued_job_once(rt):
    vid = _queue(rt)
    with rt.db.session() as s:
        job = repo.claim_next(s, "w1", 60)
    with rt.db.session() as s:
        assert repo.claim_next(s, "w2", 60) is None
    assert job.id == vid and job.status == "in_progress" and job.lease_owner == "w1"


def test_expired_lease_is_reclaimed_by_another_worker(rt):
    vid = _queue(rt)
    with rt.db.session() as s:
        repo.claim_next(s, "crashed", -10)  # lease already expired
    with rt.db.session() as s:
        job = repo.claim_next(s, "w2", 60)
    assert job.id == vid and job.lease_owner == "w2" and job.attempts == 2


def test_completion_happens_exactly_once(rt):
    vid = _queue(rt)
    with rt.db.session() as s:
        repo.claim_next(s, "crashed", -10)
    with rt.db.session() as s:
        repo.claim_next(s, "w2", 60)
    with rt.db.session() as s:
        assert not repo.complete(s, vid, "crashed", video_blob="a" * 64 + ".mp4")
    with rt.db.session() as s:
        assert repo.complete(s, vid, "w2", video_blob="b" * 64 + ".mp4")
    with rt.db.session() as s:
        assert not repo.complete(s, vid, "w2", video_blob="c" * 64 + ".mp4")
        assert repo.get_video(s, vid).video_blob == "b" * 64 + ".mp4"


def test_heartbeat_fails_after_deletion(rt):
    vid = _queue(rt)
    with rt.db.session() as s:
        repo.claim_next(s, "w1", 60)
    with rt.db.session() as s:
        s.get(repo.VideoJob, vid).deleted_at = 1
    with rt.db.session() as s:
        assert not repo.heartbeat(s, vid, "w1", 60, 50)
