"""Helpers for the feed API tests: completed videos seeded in the database, published over HTTP."""

from __future__ import annotations

import time
from typing import Any

from reelcast.prompt.compiler import compile_prompt
from reelcast.social import accounts as acc
from reelcast.store import videos as repo
from tests.api.social_helpers import Account


def completed_video(srv: Any, handle: str, prompt: str, *, plan: bool = True) -> str:
    """A completed 1 s video of the user, straight in the database (the feed never plays it)."""
    compiled = compile_prompt(prompt, 1.0, 160, 90).to_dict() if plan else None
    with srv.rt.db.session() as s:
        user = acc.user_by_handle(s, handle)
        assert user is not None
        job = repo.create_video(s, user_id=user.id, model="sora-2", prompt=prompt, seconds="1", size="160x90",
                                plan=compiled)
        job.status, job.progress, job.completed_at = "completed", 100, int(time.time())
        return job.id


def publish(srv: Any, acct: Account, prompt: str, caption: str = "", *, plan: bool = True) -> str:
    """Publish a new completed video of the account over HTTP; returns the post id."""
    vid = completed_video(srv, acct.handle, prompt, plan=plan)
    r = acct.post("/posts", {"video_id": vid, "caption": caption})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def page(acct: Account, **params: Any) -> dict:
    """GET /v1/feed."""
    r = acct.get("/feed", params={k: v for k, v in params.items() if v is not None})
    assert r.status_code == 200, r.text
    return r.json()


def post_ids(body: dict) -> list[str]:
    """The post ids of a feed page, in order."""
    return [it["post"]["id"] for it in body["data"] if it["type"] == "post"]


def scroll(acct: Account, limit: int = 10, max_pages: int = 50, **params: Any) -> list[dict]:
    """Every page of one scroll, following next_cursor."""
    pages = [page(acct, limit=limit, **params)]
    while pages[-1]["has_more"] and len(pages) < max_pages:
        pages.append(page(acct, limit=limit, cursor=pages[-1]["next_cursor"], **params))
    return pages
