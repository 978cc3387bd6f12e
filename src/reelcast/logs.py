"""Structured logging: one JSON object per line with the request id of the request being served."""

from __future__ import annotations

import contextvars
import json
import logging
import time

from reelcast.config import Settings

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("reelcast_request_id", default=None)

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON: time, level, logger, message, request_id, extras and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON line."""
        out: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            out["request_id"] = rid
        for k, v in vars(record).items():
            if k not in _RESERVED and k != "request_id" and not k.startswith("_"):
                out[k] = v if isinstance(v, str | int | float | bool | type(None)) else repr(v)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def setup_logging(st: Settings, level: int = logging.INFO) -> None:
    """Configure the root logger: JSON lines when REELCAST_LOG_JSON is on, plain text otherwise."""
    handler = logging.StreamHandler()
    if st.log_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
