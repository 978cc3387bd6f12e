"""The process heap: keep the cyclic garbage collector off the long-lived objects.

A server holds a large, long-lived heap (the embedding model and torch, SQLAlchemy's mappers, pydantic's schemas):
~600,000 GC-tracked objects once the model is loaded. Every full (generation 2) collection walks all of them, which
was measured at ~0.5 s, and it falls in the middle of whichever request happened to allocate last (a p99 outlier of
GET /v1/feed). Freezing the heap once the model is loaded (right after startup, `warm_in_background`) moves those
objects to the permanent generation, which collections skip; objects made afterwards are collected as before.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()


def freeze_long_lived() -> None:
    """Collect garbage once, then exempt every object alive now from later collections (call after loading)."""
    with _lock:
        gc.collect()
        gc.freeze()
