"""Post text, stored vector bytes and the in-process nearest-post index."""

from __future__ import annotations

import numpy as np

from reelcast.feed import vectors
from reelcast.store.db import Database
from reelcast.store.feed_models import PostEmbedding
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Post


def test_post_text_has_prompt_caption_entities_place_and_style() -> None:
    text = vectors.post_text("a dog surfs", "weekend!", {
        "entities": [{"archetype": "dog", "name": None}, {"archetype": "surf_board"}],
        "setting": {"place": "beach", "time_of_day": "golden_hour"}, "style": {"look": "anime"},
        "sound": {"music_mood": "calm"}})
    assert text == "a dog surfs. weekend!. with dog, surf board. at the beach, golden_hour. anime style. calm music"


def test_vector_bytes_round_trip() -> None:
    v = np.random.default_rng(0).standard_normal(384).astype(np.float32)
    assert np.array_equal(vectors.from_bytes(vectors.to_bytes(v)), v)


def _post(s, n: int, vec: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    if s.get(User, "user_a") is None:
        s.add(User(id="user_a", handle="alice", created_at=0))
    s.add(VideoJob(id=f"video_{n}", user_id="user_a", model="sora-2", prompt="p", seconds="1", size="160x90",
                   status="completed", created_at=n))
    s.add(Post(id=f"post_{n}", user_id="user_a", video_id=f"video_{n}", caption="", created_at=n))
    s.flush()
    s.add(PostEmbedding(post_id=f"post_{n}", vector=vectors.to_bytes(vec), created_at=n))


def test_index_loads_stored_vectors_incrementally_and_returns_nearest_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.migrate()
    eye = np.eye(384, dtype=np.float32)
    idx = vectors.VectorIndex()
    with db.session() as s:
        _post(s, 0, eye[0])
        _post(s, 1, eye[1])
    with db.session() as s:
        idx.refresh(s)
    with db.session() as s:
        _post(s, 2, (eye[0] + eye[1]) / np.sqrt(2))
    with db.session() as s:
        idx.refresh(s)
    assert len(idx) == 3
    assert [p for p, _ in idx.nearest(eye[0], 2)] == ["post_0", "post_2"]
    assert set(idx.vectors(["post_1", "post_zz"])) == {"post_1"}
    db.dispose()


def test_a_repeated_query_searches_only_new_posts_and_still_returns_the_exact_top_k(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.migrate()
    rng = np.random.default_rng(3)
    vecs = rng.standard_normal((120, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    mix = vecs[5] + 0.9 * vecs[77]  # not halfway: an exact tie would be decided by float rounding (CPU-dependent)
    query = mix / np.linalg.norm(mix)
    idx = vectors.VectorIndex()

    def brute(n: int, k: int) -> list[str]:
        return [f"post_{i}" for i in np.argsort(-(vecs[:n] @ query))[:k]]

    with db.session() as s:
        for n in range(60):
            _post(s, n, vecs[n])
    with db.session() as s:
        idx.refresh(s)
    assert [p for p, _ in idx.nearest(query, 10)] == brute(60, 10)
    assert [p for p, _ in idx.nearest(query, 10)] == brute(60, 10)  # from the cache
    with db.session() as s:
        for n in range(60, 120):  # post_77, among the best, arrives after the first search
            _post(s, n, vecs[n])
    with db.session() as s:
        idx.refresh(s)
    assert [p for p, _ in idx.nearest(query, 10)] == brute(120, 10)
    assert [p for p, _ in idx.nearest(query, 3)] == brute(120, 3)  # another k: a full search
    db.dispose()
