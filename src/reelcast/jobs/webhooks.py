"""Signed `video.completed` / `video.failed` webhooks (Standard Webhooks, as the openai SDK verifies)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import socket
import threading
import time
import urllib.request
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


class OutboxDispatcher:
    """A background thread that delivers due outbox rows, retrying failures with exponential backoff."""

    def __init__(self, rt: Runtime, interval: float = 0.5) -> None:
        self.rt = rt
        self.interval = interval
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{new_id('wh')[-8:]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="reelcast-webhooks", daemon=True)

    def start(self) -> None:
        """Start delivering."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current batch."""
        self._stop.set()
        self._thread.join(timeout=timeout)

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
                continue
            with self.rt.db.session() as s:
                outbox.mark_delivered(s, d.id, self.worker)
        return len(due)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # the database may be away for a moment; keep trying
                log.warning("webhook dispatcher: %s", exc)
            self._stop.wait(self.interval)
