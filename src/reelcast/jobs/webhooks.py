"""Signed `video.completed` / `video.failed` webhooks (Standard Webhooks, as the openai SDK verifies)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.request

from reelcast.domain.ids import new_id

log = logging.getLogger("reelcast.webhooks")


def _secret_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """Return the `webhook-signature` header value for a body."""
    mac = hmac.new(_secret_bytes(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def build_event(event_type: str, video_id: str) -> tuple[dict[str, str], bytes]:
    """Headers (without signature) and body of a video event."""
    event = {"id": new_id("evt"), "object": "event", "created_at": int(time.time()), "type": event_type,
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
