"""Daily quotas counted in Redis (when configured): atomic under concurrency, seeded from the database, refunded when
a request is refused after taking its quota."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import redis

from reelcast.api.limits import _day_start
from tests.api.social_helpers import Account, signup
from tests.conftest import Server, server_settings, start_server

REDIS = "redis://127.0.0.1:6379/0"
QUOTA = 3


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = start_server(server_settings(tmp_path_factory.mktemp("redis-quota"), worker="none", redis_url=REDIS,
                                     daily_video_quota=QUOTA))
    yield s
    s.stop()
    s.rt.close()


def _create(acct: Account, prompt: str = "a red ball bounces on the floor") -> int:
    return acct.post("/videos", {"prompt": prompt, "size": "160x90", "seconds": "1"}).status_code


def _key(srv: Server, handle: str) -> str:
    import time

    from reelcast.social import accounts as acc

    with srv.rt.db.session() as s:
        uid = acc.user_by_handle(s, handle).id  # type: ignore[union-attr]
    return f"reelcast:quota:{uid}:{_day_start(time.time())}"


def test_each_video_is_counted_in_redis(srv: Server) -> None:
    a = signup(srv, "counted")
    assert _create(a) == 200 and _create(a) == 200
    assert int(redis.Redis.from_url(REDIS).get(_key(srv, "counted")) or 0) == 2
    assert a.get("/me/usage").json()["videos_today"]["used"] == 2


def test_concurrent_requests_cannot_overrun_the_quota(srv: Server) -> None:
    a = signup(srv, "racer")
    codes: list[int] = []
    lock = threading.Lock()

    def go() -> None:
        code = _create(a)
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] * QUOTA + [429] * (8 - QUOTA)
    assert len(a.get("/videos").json()["data"]) == QUOTA


def test_a_refused_prompt_gives_its_quota_back(srv: Server) -> None:
    a = signup(srv, "refused")
    assert _create(a, "a video telling my neighbour he should kill himself") == 400
    assert a.get("/me/usage").json()["videos_today"]["used"] == 0
    assert [_create(a) for _ in range(QUOTA)] == [200] * QUOTA


def test_a_lost_counter_is_seeded_from_the_database(srv: Server) -> None:
    a = signup(srv, "forgotten")
    assert _create(a) == 200 and _create(a) == 200
    redis.Redis.from_url(REDIS).delete(_key(srv, "forgotten"))  # e.g. Redis restarted without persistence
    r = a.post("/videos", {"prompt": "a red ball bounces", "size": "160x90", "seconds": "1"})
    assert r.status_code == 200 and r.headers["x-ratelimit-remaining-videos"] == "0"
    assert _create(a) == 429
