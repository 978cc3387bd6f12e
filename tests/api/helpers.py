"""Small helpers for API tests."""

from __future__ import annotations

import io

from openai import AsyncOpenAI, OpenAI
from PIL import Image

TINY = {"size": "160x90", "seconds": "1"}


def client(srv, **kw) -> OpenAI:  # type: ignore[no-untyped-def]
    """The official SDK pointed at the test server."""
    return OpenAI(api_key=srv.key, base_url=srv.api, max_retries=kw.pop("max_retries", 0), **kw)


def async_client(srv) -> AsyncOpenAI:  # type: ignore[no-untyped-def]
    """The official async SDK pointed at the test server."""
    return AsyncOpenAI(api_key=srv.key, base_url=srv.api, max_retries=0)


def png_bytes(color: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (64, 36)) -> bytes:
    """A small solid PNG."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def tiny(c: OpenAI, prompt: str = "a red ball bounces on the floor", **kw):  # type: ignore[no-untyped-def]
    """Create and finish a 1 s 160x90 video."""
    return c.videos.create_and_poll(prompt=prompt, poll_interval_ms=50, **{**TINY, **kw})  # type: ignore[arg-type]
