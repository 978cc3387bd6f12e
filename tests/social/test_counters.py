"""posts.like_count, comment_count and remix_count stay exact through every write (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reelcast.safety import moderation
from reelcast.social import cameos, counters
from reelcast.social import posts as svc
from reelcast.store.db import Database
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Comment, Like, Post
from tests.conftest import drop_pg_database, fresh_pg_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[Database]:
    url = fresh_pg_database() if request.param == "postgresql" else \
        f"sqlite:///{tmp_path_factory.mktemp('counters') / 'x.db'}"
    d = Database(url)
    d.migrate()
    yield d
    d.dispose()
    if request.param == "postgresql":
        drop_pg_database(url)


_n = iter(range(1_000_000))


def _user(s: Session, admin: bool = False) -> User:
    k = next(_n)
    u = User(id=f"user_{k:08d}", handle=f"u{k}", is_admin=admin, created_at=int(time.time()), birthdate="1990-01-01")
    s.add(u)
    s.flush()
    return u


def _video(s: Session, user: User, remix_of: str | None = None) -> VideoJob:
    job = VideoJob(id=f"video_{next(_n):08d}", user_id=user.id, kind="remix" if remix_of else "create",
                   status="completed", model="sora-2", prompt="a ball", seconds="4", size="1280x720",
                   remixed_from_video_id=remix_of, created_at=int(time.time()))
    s.add(job)
    s.flush()
    counters.remixes_changed(s, job, +1)  # as api.videos does when it creates a job
    return job


def _post(s: Session, user: User) -> Post:
    return svc.create(s, user, _video(s, user).id, "a post")


def _counters(s: Session, post_id: str) -> tuple[int, int, int]:
    row = s.execute(select(Post.like_count, Post.comment_count, Post.remix_count).where(Post.id == post_id)).one()
    return tuple(row)  # type: ignore[return-value]


def _assert_exact(s: Session) -> None:
    """Every post's counters equal what counting its rows gives (the migration's backfill)."""
    for pid, video_id in s.execute(select(Post.id, Post.video_id)).all():
        likes = s.scalar(select(func.count()).select_from(Like).where(Like.post_id == pid))
        comments = s.scalar(select(func.count()).select_from(Comment).where(Comment.post_id == pid))
        remixes = s.scalar(select(func.count()).select_from(VideoJob).where(
            VideoJob.remixed_from_video_id == video_id, VideoJob.deleted_at.is_(None)))
        assert _counters(s, pid) == (likes, comments, remixes), pid


def test_likes_count_once_however_often_liked_or_unliked(db: Database) -> None:
    with db.session() as s:
        author, fan = _user(s), _user(s)
        post = _post(s, author)
    for _ in range(2):
        with db.session() as s:
            assert svc.like(s, fan, post.id).like_count == 1  # the response reads the counter just written
    with db.session() as s:
        assert _counters(s, post.id)[0] == 1
    for _ in range(2):
        with db.session() as s:
            svc.unlike(s, fan, post.id)
    with db.session() as s:
        assert _counters(s, post.id)[0] == 0
        assert svc.stats(s, s.get(Post, post.id), fan) == (0, 0, False)  # type: ignore[arg-type]
        _assert_exact(s)


def test_comments_added_taken_down_and_restored(db: Database) -> None:
    with db.session() as s:
        author, fan, ops = _user(s), _user(s), _user(s, admin=True)
        post = _post(s, author)
        first = svc.comment(s, fan, post.id, "nice")
        svc.comment(s, author, post.id, "thanks")
        assert _counters(s, post.id)[1] == 2
    for action, expected in (("take_down", 1), ("restore", 2)):
        with db.session() as s:
            moderation.act(s, s.get(User, ops.id), action, target_type="comment", target_id=first.id)  # type: ignore[arg-type]
        with db.session() as s:
            assert _counters(s, post.id)[1] == expected
            _assert_exact(s)


def test_remixes_follow_the_remixed_video_through_create_delete_and_restore(db: Database) -> None:
    with db.session() as s:
        author, remixer, ops = _user(s), _user(s), _user(s, admin=True)
        post = _post(s, author)
        a = _video(s, remixer, remix_of=post.video_id)
        b = _video(s, remixer, remix_of=post.video_id)
        assert _counters(s, post.id)[2] == 2
    with db.session() as s:  # deleting twice uncounts once
        for _ in range(2):
            counters.video_deleted(s, s.get(VideoJob, a.id), int(time.time()))  # type: ignore[arg-type]
        assert _counters(s, post.id)[2] == 1
    with db.session() as s:  # a cameo owner's take-down goes the same way
        cameos.remove_video(s, s.get(VideoJob, b.id), int(time.time()))  # type: ignore[arg-type]
        assert _counters(s, post.id)[2] == 0
    c = None
    with db.session() as s:
        c = _video(s, remixer, remix_of=post.video_id)
        moderation.act(s, s.get(User, ops.id), "take_down", target_type="video", target_id=c.id)  # type: ignore[arg-type]
        assert _counters(s, post.id)[2] == 0
    with db.session() as s:
        moderation.act(s, s.get(User, ops.id), "restore", target_type="video", target_id=c.id)  # type: ignore[arg-type]
        assert _counters(s, post.id)[2] == 1
    with db.session() as s:  # the video posted again starts with its live remixes
        svc.delete(s, s.get(User, author.id), post.id)  # type: ignore[arg-type]
        again = svc.create(s, s.get(User, author.id), post.video_id, "again")  # type: ignore[arg-type]
        assert _counters(s, again.id)[2] == 1
        _assert_exact(s)


def test_a_deleted_account_takes_its_likes_and_comments_off_the_counters(db: Database) -> None:
    with db.session() as s:
        author, leaver, stayer = _user(s), _user(s), _user(s)
        post, other = _post(s, author), _post(s, author)
        for who in (leaver, stayer):
            svc.like(s, who, post.id)
        svc.like(s, leaver, other.id)
        for text in ("one", "two"):
            svc.comment(s, leaver, post.id, text)
        svc.comment(s, stayer, post.id, "three")
    with db.session() as s:
        counters.user_leaving(s, leaver.id)
        s.delete(s.get(User, leaver.id))
    with db.session() as s:
        assert _counters(s, post.id)[:2] == (1, 1)
        assert _counters(s, other.id)[:2] == (0, 0)
        _assert_exact(s)



def test_concurrent_likes_and_unlikes_stay_exact(db: Database) -> None:
    with db.session() as s:
        author = _user(s)
        fans = [_user(s) for _ in range(4)]
        post = _post(s, author)

    def at_once(fn: Callable[[Session, User], object], users: list[User]) -> None:
        go = threading.Barrier(len(users))
        errors: list[BaseException] = []

        def one(u: User) -> None:
            go.wait()
            try:
                with db.session() as s:
                    fn(s, u)
            except Exception as exc:  # reported below, in the test's thread
                errors.append(exc)

        threads = [threading.Thread(target=one, args=(u,)) for u in users]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []

    like = lambda s, u: svc.like(s, u, post.id)  # noqa: E731
    unlike = lambda s, u: svc.unlike(s, u, post.id)  # noqa: E731
    at_once(like, [fans[0]] * 3)  # the same like three times at once: one row, counted once
    at_once(like, fans[1:])
    with db.session() as s:
        assert _counters(s, post.id)[0] == 4
    at_once(unlike, [fans[0]] * 3)
    with db.session() as s:
        assert _counters(s, post.id)[0] == 3
        _assert_exact(s)
