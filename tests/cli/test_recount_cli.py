"""`reelcast recount` repairs post counters that writes outside the app left wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import update

from reelcast.config import Settings
from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts
from reelcast.store import videos as repo
from reelcast.store.social_models import Like, Post


def test_recount_sets_counters_from_the_rows(tmp_path: Path) -> None:
    rt = Runtime.open(Settings(data_dir=tmp_path / "var"))
    try:
        with rt.db.session() as s:
            author, fan = accounts.get_or_create_user(s, "author"), accounts.get_or_create_user(s, "fan")
            job = repo.create_video(s, user_id=author.id, prompt="a ball", model="sora-2", seconds="1",
                                    size="160x90", seed=1)
            s.add(Post(id="post_1", user_id=author.id, video_id=job.id, caption="", created_at=1))
            s.flush()
            s.add(Like(post_id="post_1", user_id=fan.id, created_at=1))  # as a bulk load would: no counter update
            s.execute(update(Post).values(comment_count=7))  # and a drifted counter
    finally:
        rt.close()
    r = subprocess.run([sys.executable, "-m", "reelcast.cli", "recount"], capture_output=True, text=True,
                       env={**os.environ, "REELCAST_DATA_DIR": str(tmp_path / "var")}, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rt = Runtime.open(Settings(data_dir=tmp_path / "var"))
    try:
        with rt.db.session() as s:
            post = s.get(Post, "post_1")
            assert post is not None
            assert (post.like_count, post.comment_count, post.remix_count) == (1, 0, 0)
    finally:
        rt.close()
