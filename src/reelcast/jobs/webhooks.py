"""Signed `video.completed` / `video.failed` webhooks (Standard Webhooks, as the openai SDK verifies)."""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import logging
import os
import socket
import threading
import time
import urllib.request
import weakref
from typing import TYPE_CHECKING

from reelcast.domain import limits
from reelcast.domain.ids import new_id
from reelcast.store import outbox

if TYPE_CHECKING:
    from reelcast.jobs.runtime import Runtime

log = logging.getLogger("reelcast.webhooks")


def _secret_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """Return the `webhook-signature` header value for a body."""
    mac = hmac.new(_secret_bytes(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def build_event(event_type: str, video_id: str, event_id: str | None = None,
                created_at: int | None = None) -> tuple[dict[str, str], bytes]:
    """Headers (without signature) and body of a video event; the same id and time give the same bytes."""
    event = {"id": event_id or new_id("evt"), "object": "event",
             "created_at": int(time.time()) if created_at is None else created_at, "type": event_type,
             "data": {"id": video_id}}
    body = json.dumps(event, separators=(",", ":")).encode()
    return {"webhook-id": event["id"], "webhook-timestamp": str(event["created_at"])}, body


def send(url: str, secret: str, event_type: str, video_id: str) -> None:
    """POST a signed event in the background; failures are logged, retried 3 times."""
    headers, body = build_event(event_type, video_id)
    headers["webhook-signature"] = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    headers["content-type"] = "application/json"

    def deliver() -> None:
        for attempt in range(3):
            try:
                req = urllib.request.Request(url, data=body, headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=10) as resp:
                    if 200 <= resp.status < 300:
                        return
            except OSError as exc:
                log.warning("webhook %s to %s failed (attempt %d): %s", event_type, url, attempt + 1, exc)
            time.sleep(0.5 * 2**attempt)

    threading.Thread(target=deliver, name="reelcast-webhook", daemon=True).start()


def post_signed(url: str, secret: str, event_type: str, video_id: str, event_id: str, created_at: int,
                timeout: float = 10.0) -> None:
    """POST one signed event now (signature over this attempt's timestamp); raises on a non-2xx or network error."""
    headers, body = build_event(event_type, video_id, event_id, created_at)
    ts = int(time.time())
    headers["webhook-timestamp"] = str(ts)
    headers["webhook-signature"] = sign(secret, event_id, ts, body)
    headers["content-type"] = "application/json"
    headers["user-agent"] = "reelcast-webhooks/1"
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        if not 200 <= resp.status < 300:
            raise OSError(f"HTTP {resp.status}")


_dispatchers: weakref.WeakSet[OutboxDispatcher] = weakref.WeakSet()


def wake() -> None:
    """New deliveries were committed in this process: deliver them now instead of at the next poll."""
    for d in list(_dispatchers):
        d.wake()


class OutboxDispatcher:
    """A background thread that delivers due outbox rows, retrying failures with exponential backoff.

    It delivers at once when this process commits an event (`wake`), and when a retry it scheduled falls due;
    otherwise it polls every `interval` seconds (`REELCAST_WEBHOOK_POLL_SECONDS`) for rows other processes left,
    e.g. those of a process that died before delivering. Polling every half second cost ~5 ms of CPU per second in
    every server and worker process, taken from renders.
    """

    def __init__(self, rt: Runtime, interval: float | None = None) -> None:
        self.rt = rt
        self.interval = rt.settings.webhook_poll_seconds if interval is None else interval
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{new_id('wh')[-8:]}"
        self._stop = threading.Event()
        self._due = threading.Event()
        self._retries: list[float] = []  # heap: monotonic times of the retries this dispatcher scheduled
        self._thread = threading.Thread(target=self._loop, name="reelcast-webhooks", daemon=True)
        _dispatchers.add(self)

    def start(self) -> None:
        """Start delivering."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current batch."""
        self._stop.set()
        self._due.set()
        self._thread.join(timeout=timeout)

    def wake(self) -> None:
        """Look for due rows now."""
        self._due.set()

    def run_once(self) -> int:
        """Deliver every due row once; returns how many were attempted."""
        with self.rt.db.session() as s:
            due = outbox.claim_due(s, self.worker)
        base = self.rt.settings.webhook_retry_seconds
        for d in due:
            try:
                post_signed(d.url, d.secret, d.event_type, d.video_id, d.event_id, d.created_at)
            except Exception as exc:  # any failure is retried later
                delay = limits.backoff_seconds(d.attempts + 1, base=base)
                log.warning("webhook %s to %s failed (attempt %d): %s", d.event_id, d.url, d.attempts + 1, exc)
                with self.rt.db.session() as s:
                    outbox.mark_failed(s, d.id, self.worker, str(exc),
                                       None if delay is None else outbox.now_ms() + int(delay * 1000))
                if delay is not None:
                    # a little after the row's own due time (milliseconds of wall time), so the look finds it due
                    heapq.heappush(self._retries, time.monotonic() + delay + 0.05)
                continue
            with self.rt.db.session() as s:
                outbox.mark_delivered(s, d.id, self.worker)
        return len(due)

    def _timeout(self) -> float:
        """Seconds until the next look: the poll interval, or sooner when a retry falls due."""
        if not self._retries:
            return self.interval
        return min(self.interval, max(0.0, self._retries[0] - time.monotonic()))

    def _drop_due_retries(self) -> None:
        """The retries due by now: the look about to run takes them."""
        now = time.monotonic()
        while self._retries and self._retries[0] <= now:
            heapq.heappop(self._retries)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._due.clear()
            self._drop_due_retries()
            try:
                full = self.run_once() >= outbox.CLAIM_LIMIT
            except Exception as exc:  # the database may be away for a moment; keep trying
                log.warning("webhook dispatcher: %s", exc)
                full = False
            if not full:  # a full batch: there may be more due at once
                self._due.wait(self._timeout())
