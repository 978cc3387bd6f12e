"""A server restart resumes queued jobs."""

from __future__ import annotations

from reelcast.store import accounts
from reelcast.store import videos as repo
from tests.api.helpers import client
from tests.conftest import server_settings, start_server


def test_job_queued_while_no_worker_runs_completes_after_restart(tmp_path):
    srv = start_server(server_settings(tmp_path, worker="none"))
    c = client(srv)
    v = c.videos.create(prompt="a ball bounces", size="160x90", seconds="1")  # type: ignore[arg-type]
    srv.stop()
    srv.rt.close()
    srv2 = start_server(server_settings(tmp_path))
    try:
        done = client(srv2).videos.poll(v.id, poll_interval_ms=50)
        assert done.status == "completed"
    finally:
        srv2.stop()
        srv2.rt.close()


def test_interrupted_job_is_reclaimed_after_its_lease_expires(tmp_path):
    srv = start_server(server_settings(tmp_path, worker="none"))
    v = client(srv).videos.create(prompt="a ball bounces", size="160x90", seconds="1")  # type: ignore[arg-type]
    with srv.rt.db.session() as s:
        repo.claim_next(s, "crashed-worker", -1)  # a worker took it and died
    srv.stop()
    srv.rt.close()
    srv2 = start_server(server_settings(tmp_path))
    try:
        done = client(srv2).videos.poll(v.id, poll_interval_ms=50)
        assert done.status == "completed"
        with srv2.rt.db.session() as s:
            assert repo.get_video(s, v.id).attempts == 2
            assert accounts.find_user(s, "tester") is not None
    finally:
        srv2.stop()
        srv2.rt.close()
