"""Post embeddings: the text of a post, computing and storing its vector once, and an in-process index."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

import numpy as np
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from reelcast import embeddings
from reelcast.store.feed_models import PostEmbedding
from reelcast.store.models import VideoJob
from reelcast.store.social_models import Post

MAX_TEXT = 1000  # characters of post text embedded (the model reads ~256 tokens anyway)
NEAREST_CACHE = 256  # recent queries (moods) whose nearest posts are kept, and only extended by new posts


def post_text(prompt: str, caption: str, plan: dict[str, Any] | None) -> str:
    """The text a post is embedded from: its prompt, caption, and the plan's entities, place and style."""
    parts = [prompt.strip(), caption.strip()]
    if plan:
        names = []
        for e in plan.get("entities") or []:
            if isinstance(e, dict):
                names.append(str(e.get("name") or e.get("archetype") or "").replace("_", " "))
        if names:
            parts.append("with " + ", ".join(n for n in names if n))
        setting = plan.get("setting") or {}
        if isinstance(setting, dict) and setting.get("place"):
            parts.append(f"at the {str(setting['place']).replace('_', ' ')}, {setting.get('time_of_day', 'day')}")
        style = plan.get("style") or {}
        if isinstance(style, dict) and style.get("look"):
            parts.append(f"{style['look']} style")
        mood = (plan.get("sound") or {}).get("music_mood") if isinstance(plan.get("sound"), dict) else None
        if mood:
            parts.append(f"{mood} music")
    return ". ".join(p for p in parts if p)[:MAX_TEXT]


def to_bytes(v: np.ndarray) -> bytes:
    """A vector as little-endian float32 bytes."""
    return np.asarray(v, dtype="<f4").tobytes()


def from_bytes(b: bytes) -> np.ndarray:
    """A vector from little-endian float32 bytes."""
    return np.frombuffer(b, dtype="<f4")


def store_for_post(s: Session, post: Post, job: VideoJob) -> None:
    """Compute a post's embedding (one embed call) and store it, unless it already has one."""
    if s.scalar(select(PostEmbedding.seq).where(PostEmbedding.post_id == post.id)) is not None:
        return
    vec = embeddings.embed([post_text(job.prompt, post.caption, job.plan)])[0]
    s.add(PostEmbedding(post_id=post.id, vector=to_bytes(vec), created_at=int(time.time())))
    s.flush()


def ensure(s: Session, post_ids: list[str]) -> None:
    """Store embeddings for those posts that have none yet (posts published before the feed existed)."""
    if not post_ids:
        return
    have = set(s.scalars(select(PostEmbedding.post_id).where(PostEmbedding.post_id.in_(post_ids))))
    missing = [p for p in post_ids if p not in have]
    if not missing:
        return
    rows = s.execute(select(Post, VideoJob).join(VideoJob, VideoJob.id == Post.video_id)
                     .where(Post.id.in_(missing))).all()
    vecs = embeddings.embed([post_text(j.prompt, p.caption, j.plan) for p, j in rows])
    now = int(time.time())
    for (p, _), v in zip(rows, vecs, strict=True):
        s.add(PostEmbedding(post_id=p.id, vector=to_bytes(v), created_at=now))
    s.flush()


# the embeddings stored after a sequence number (built once: a first feed page refreshes the index every time)
_SINCE = (select(PostEmbedding.seq, PostEmbedding.post_id, PostEmbedding.vector)
          .where(PostEmbedding.seq > bindparam("last")).order_by(PostEmbedding.seq))


class VectorIndex:
    """Every stored post embedding in one matrix, loaded once and then only the rows added since."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_seq = 0
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._matrix = np.zeros((0, embeddings.DIM), np.float32)
        # query bytes → (k, rows searched, their best positions, similarities)
        self._near: OrderedDict[bytes, tuple[int, int, np.ndarray, np.ndarray]] = OrderedDict()

    def refresh(self, s: Session) -> None:
        """Load the embeddings stored since the last refresh."""
        with self._lock:
            rows = s.execute(_SINCE, {"last": self._last_seq}).all()
            if not rows:
                return
            new = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f4").reshape(len(rows), embeddings.DIM)
            n = len(self._ids)
            if n + len(rows) > self._matrix.shape[0]:  # grow by doubling so a new post does not copy them all
                grown = np.zeros((max(2 * self._matrix.shape[0], n + len(rows), 1024), embeddings.DIM), np.float32)
                grown[:n] = self._matrix[:n]
                self._matrix = grown
            self._matrix[n:n + len(rows)] = new
            for r in rows:
                self._pos[r[1]] = len(self._ids)
                self._ids.append(r[1])
            self._last_seq = rows[-1][0]

    def vectors(self, post_ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these posts (those known to the index)."""
        m = self._matrix
        return {p: m[self._pos[p]] for p in post_ids if p in self._pos}

    def matrix(self, post_ids: list[str]) -> tuple[list[str], np.ndarray]:
        """The posts of these known to the index, and their vectors as the rows of one matrix (a copy)."""
        pos = self._pos
        found = [p for p in post_ids if p in pos]
        return found, self._matrix[[pos[p] for p in found]]

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The k posts most similar to a unit query vector, best first.

        The same query (a mood asked again) searches only the posts added since; the top k of the earlier top k
        and the new posts is the top k of all of them.
        """
        if k <= 0:
            return []
        q = np.asarray(query, np.float32)
        key = q.tobytes()
        with self._lock:  # a consistent snapshot: refresh may be growing the matrix
            m, ids, n = self._matrix, self._ids, len(self._ids)
            hit = self._near.get(key)
        if n == 0:
            return []
        if hit is not None and hit[0] == k and hit[1] <= n:
            _, done, pos, sims = hit
            if done < n:
                pos = np.concatenate([pos, np.arange(done, n)])
                sims = np.concatenate([sims, dot(m[done:n], q)])
        else:
            pos, sims = np.arange(n), dot(m[:n], q)
        kk = min(k, len(pos))
        top = np.argpartition(-sims, kk - 1)[:kk]
        top = top[np.argsort(-sims[top])]
        pos, sims = pos[top], sims[top]
        with self._lock:
            self._near[key] = (k, n, pos, sims)
            self._near.move_to_end(key)
            while len(self._near) > NEAREST_CACHE:
                self._near.popitem(last=False)
        return [(ids[i], float(v)) for i, v in zip(pos.tolist(), sims.tolist(), strict=True)]

    def __len__(self) -> int:
        return len(self._ids)


def dot(rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    """rows @ q in this thread: BLAS splits a product this large over threads that then spin for a while after it,
    taking the CPU from the next requests and the database on a small host; einsum's loop was also measured faster.
    """
    return np.einsum("ij,j->i", rows, q)


def index_for(rt: Any) -> VectorIndex:
    """The index of a runtime's database (one per process, kept in the runtime)."""
    return rt.shared("feed_index", VectorIndex)
