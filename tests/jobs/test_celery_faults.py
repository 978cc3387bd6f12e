"""Exactly-once under real faults: Celery workers are real processes on a real redis-server and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from sqlalchemy import select

from reelcast.store import outbox
from reelcast.store import videos as repo
from reelcast.store.ops_models import WebhookDelivery
from tests.api.helpers import client
from tests.conftest import Server, drop_pg_database, fresh_pg_database, server_settings, start_server
from tests.jobs.faults import HookReceiver, RedisServer, Worker, start_worker, wait_for

SECRET = "whsec_" + base64.b64encode(b"reelcast-fault-test-secret-01234").decode()
LEASE = 4


@pytest.fixture
def broker() -> Iterator[RedisServer]:
    r = RedisServer()
    r.start()
    yield r
    r.kill()


@pytest.fixture
def db_url(pg_url: str) -> Iterator[str]:
    url = fresh_pg_database()
    yield url
    drop_pg_database(url)


class Cluster:
    """An API server and worker processes sharing one database, blob directory and broker."""

    def __init__(self, tmp: Path, db_url: str, broker: RedisServer, hooks: HookReceiver) -> None:
        self.tmp, self.db_url, self.broker, self.hooks = tmp, db_url, broker, hooks
        self.workers: list[Worker] = []
        self.server: Server | None = None

    def settings_kw(self) -> dict[str, object]:
        return dict(workers="celery", broker_url=self.broker.url, celery_queue="faults", lease_seconds=LEASE,
                    sweep_seconds=1.0, webhook_url=self.hooks.url, webhook_secret=SECRET,
                    webhook_retry_seconds=0.5)

    def start_server(self) -> Server:
        self.server = start_server(server_settings(self.tmp, self.db_url, **self.settings_kw()))
        return self.server

    def stop_server(self) -> None:
        assert self.server is not None
        self.server.stop()
        self.server.rt.close()
        self.server = None

    def start_worker(self) -> Worker:
        env = {f"REELCAST_{k.upper()}": str(v) for k, v in self.settings_kw().items()}
        env.update(REELCAST_DATA_DIR=str(self.tmp), REELCAST_DATABASE_URL=self.db_url,
                   REELCAST_EXTRA_SIZES="160x90", REELCAST_EXTRA_SECONDS="1,2", REELCAST_TEST_HOOKS="true")
        w = start_worker(env, self.tmp / f"worker{len(self.workers)}.log")
        self.workers.append(w)
        return w

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        if self.server is not None:
            self.stop_server()

    def mp4_blobs(self) -> list[str]:
        assert self.server is not None
        return [k for k in self.server.rt.blobs.stored_keys() if k.endswith(".mp4")]

    def deliveries(self, video_id: str) -> list[WebhookDelivery]:
        assert self.server is not None
        with self.server.rt.db.session() as s:
            return outbox.deliveries_for(s, video_id)

    def job(self, video_id: str):  # type: ignore[no-untyped-def]
        assert self.server is not None
        with self.server.rt.db.session() as s:
            return repo.get_video(s, video_id)

    def logs(self) -> str:
        return "\n".join(w.log.read_text(errors="replace")[-3000:] for w in self.workers)


@pytest.fixture
def cluster(tmp_path: Path, db_url: str, broker: RedisServer, hooks: HookReceiver) -> Iterator[Cluster]:
    c = Cluster(tmp_path, db_url, broker, hooks)
    yield c
    c.close()


def _wait_progress(c: Cluster, video_id: str, at_least: int = 15) -> None:
    wait_for(lambda: (c.job(video_id).progress or 0) >= at_least and c.job(video_id).status == "in_progress", 90,
             f"the job never got rendering:\n{c.logs()}", interval=0.05)


def _finished(c: Cluster, video_id: str, timeout: float = 300):  # type: ignore[no-untyped-def]
    """Wait (bounded) until the job completes or fails, and return its row."""
    wait_for(lambda: c.job(video_id).status in ("completed", "failed"), timeout,
             f"job {video_id} did not finish:\n{c.logs()}", interval=0.2)
    return c.job(video_id)


def _assert_exactly_once(c: Cluster, video_id: str) -> None:
    assert c.job(video_id).status == "completed"
    assert len(c.mp4_blobs()) == 1
    rows = c.deliveries(video_id)
    assert [r.event_type for r in rows] == ["video.completed"]
    wait_for(lambda: c.hooks.for_video(video_id), 20, "no webhook arrived")
    received = c.hooks.for_video(video_id)
    assert len({h["webhook-id"] for _, h in received}) == 1
    receiver = openai.OpenAI(api_key="unused", base_url="http://unused/v1", webhook_secret=SECRET)
    body, headers = c.hooks.received[[e["data"]["id"] for e, _ in received].index(video_id)]
    assert receiver.webhooks.unwrap(body, headers).data.id == video_id


def test_worker_killed_mid_render_is_rerun_by_another_worker_exactly_once(cluster: Cluster):
    srv = cluster.start_server()
    first = cluster.start_worker()
    v = client(srv).videos.create(prompt="a red ball bounces on the floor", size="160x90", seconds="4")  # type: ignore[arg-type]
    _wait_progress(cluster, v.id)
    first.kill9()
    cluster.start_worker()
    done = _finished(cluster, v.id)
    assert done.status == "completed", cluster.logs()
    assert cluster.job(v.id).attempts == 2
    _assert_exactly_once(cluster, v.id)


def test_jobs_queued_across_api_and_broker_restart_all_complete(cluster: Cluster):
    srv = cluster.start_server()
    ids = [client(srv).videos.create(prompt=f"a ball number {i} rolls", size="160x90", seconds="1").id  # type: ignore[arg-type]
           for i in range(3)]
    cluster.stop_server()
    cluster.broker.kill()  # every queued message is lost with it
    cluster.broker.start()
    srv = cluster.start_server()
    cluster.start_worker()
    for vid in ids:
        assert _finished(cluster, vid).status == "completed", cluster.logs()
        assert cluster.job(vid).attempts == 1
        assert [r.event_type for r in cluster.deliveries(vid)] == ["video.completed"]


def test_database_outage_during_a_job_retries_without_duplicates(cluster: Cluster):
    import psycopg

    from tests.conftest import PG_ADMIN_URL

    srv = cluster.start_server()
    cluster.start_worker()
    # Long enough (8 s at 854x480) that the render is still running when the outage starts, even on an idle machine.
    v = client(srv).videos.create(prompt="a red ball bounces on the floor", size="854x480", seconds="8")
    _wait_progress(cluster, v.id)
    name = cluster.db_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        killed = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                              (name,)).fetchone()
        import time

        time.sleep(2.5)  # the worker's heartbeats fail meanwhile
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert killed and killed[0] >= 1
    done = _finished(cluster, v.id)
    assert done.status == "completed", cluster.logs()
    full = "".join(w.log.read_text(errors="replace") for w in cluster.workers)
    assert "database unavailable" in full  # the outage really hit the worker mid-job
    _assert_exactly_once(cluster, v.id)


def test_duplicate_message_for_a_finished_job_is_a_no_op(cluster: Cluster):
    srv = cluster.start_server()
    cluster.start_worker()
    v = client(srv).videos.create_and_poll(prompt="a ball", size="160x90", seconds="1", poll_interval_ms=100)  # type: ignore[arg-type]
    assert v.status == "completed"
    assert srv.rt.dispatcher is not None
    srv.rt.dispatcher.celery.send_task("reelcast.render", args=[v.id], queue="faults")
    wait_for(lambda: srv.rt.dispatcher.queue_length() == 0, 30, "duplicate message was not consumed")
    import time

    time.sleep(1.0)
    assert cluster.job(v.id).attempts == 1
    with srv.rt.db.session() as s:
        assert len(list(s.scalars(select(WebhookDelivery).where(WebhookDelivery.video_id == v.id)))) == 1


def test_a_skipped_attempt_can_be_published_again(broker: RedisServer, tmp_path: Path):
    from reelcast.jobs.dispatch import CeleryDispatcher

    d = CeleryDispatcher(server_settings(tmp_path, workers="celery", broker_url=broker.url, celery_queue="markers"))
    try:
        assert d.dispatch("video_x", 1) and not d.dispatch("video_x", 1)  # one message per attempt
        d.forget("video_x", 1)  # what a task does when it finds the job leased elsewhere
        assert d.dispatch("video_x", 1) and d.queue_length() == 2
    finally:
        d.close()


def test_jobs_are_published_on_their_engines_queue(broker: RedisServer, tmp_path: Path):
    from reelcast.jobs.dispatch import CeleryDispatcher

    d = CeleryDispatcher(server_settings(tmp_path, workers="celery", broker_url=broker.url, celery_queue="engines"))
    try:
        assert d.dispatch("video_a", 0, "sim") and d.dispatch("video_b", 0, "diffusers")
        assert d.redis.llen("engines") == 1 and d.redis.llen("engines.diffusers") == 1
    finally:
        d.close()
