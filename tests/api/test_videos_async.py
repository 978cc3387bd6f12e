"""The AsyncOpenAI client behaves like the sync one (reference §7 item 15)."""

from __future__ import annotations

import asyncio

from tests.api.helpers import TINY, async_client


def test_async_create_returns_pending_video(server):
    async def go():  # type: ignore[no-untyped-def]
        c = async_client(server)
        v = await c.videos.create(prompt="a cat", **TINY)
        return v

    v = asyncio.run(go())
    assert v.object == "video" and v.status in {"queued", "in_progress"}


def test_async_create_and_poll_and_download(server):
    async def go():  # type: ignore[no-untyped-def]
        c = async_client(server)
        f = await c.videos.create_and_poll(prompt="a ball bounces", poll_interval_ms=50, **TINY)
        data = await c.videos.download_content(f.id)
        return f, data.content

    f, content = asyncio.run(go())
    assert f.status == "completed" and content[4:8] == b"ftyp"


def test_async_list_iterates_all_pages(server):
    async def go():  # type: ignore[no-untyped-def]
        c = async_client(server)
        for i in range(3):
            await c.videos.create(prompt=f"async {i}", **TINY)
        return [v.id async for v in c.videos.list(limit=2)]

    ids = asyncio.run(go())
    assert len(ids) == len(set(ids)) >= 3
