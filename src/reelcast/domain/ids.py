"""Prefixed, time-sortable identifiers (`video_…`, `user_…`)."""

from __future__ import annotations

import secrets
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_id(prefix: str) -> str:
    """Return `prefix_` + 12 hex digits of milliseconds + a per-ms counter + 12 random hex digits."""
    global _last_ms, _counter
    with _lock:
        now = int(time.time() * 1000)
        if now <= _last_ms:
            _counter += 1
            now = _last_ms
        else:
            _counter = 0
            _last_ms = now
        counter = _counter
    return f"{prefix}_{now:012x}{counter:04x}{secrets.token_hex(6)}"
