"""The feed the web app shows, behind one function so the ranked feed (issue #9) can replace it in one place.

Contract: `load_feed(rt, user_id, cursor, mood, limit)` returns
`{"object": "list", "data": [item, ...], "next_cursor": str | None, "has_more": bool}` where an item is
`{"object": "feed.item", "type": "post", "post": <PostOut dict>, "reason": str}`,
`{"object": "feed.item", "type": "break", "message": str, "resumes_at": int}` or
`{"object": "feed.item", "type": "nudge", "message": str, "prompt_idea": str}`.
At merge this becomes `reelcast.feed.service.feed_page(rt, user_id, cursor=..., limit=..., mood=...)`.
Until then: recent visible posts, newest first, without blocked users or taken-down posts, each with reason "new".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from reelcast.jobs.runtime import Runtime
from reelcast.safety import moderation
from reelcast.social import cameos, graph
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Post


def _parse_cursor(cursor: str | None) -> tuple[int, str] | None:
    if not cursor or ":" not in cursor:
        return None
    ts, _, pid = cursor.partition(":")
    return (int(ts), pid) if ts.isdigit() else None


def load_feed(rt: Runtime, user_id: str, cursor: str | None, mood: str | None, limit: int) -> dict[str, Any]:
    """One page of the viewer's feed (mood is accepted for the ranked feed; this stand-in orders by time)."""
    from reelcast.api.posts import post_out

    limit = max(1, min(limit, 50))
    with rt.db.session() as s:
        viewer = s.get(User, user_id)
        if viewer is None:
            return {"object": "list", "data": [], "next_cursor": None, "has_more": False}
        hidden = graph.blocked_ids(s, user_id)
        q = (select(Post, VideoJob).join(VideoJob, VideoJob.id == Post.video_id)
             .where(Post.deleted_at.is_(None), Post.taken_down_at.is_(None), VideoJob.deleted_at.is_(None),
                    VideoJob.status == "completed")
             .order_by(Post.created_at.desc(), Post.id.desc()))
        after = _parse_cursor(cursor)
        if after is not None:
            q = q.where(or_(Post.created_at < after[0], and_(Post.created_at == after[0], Post.id < after[1])))
        items: list[dict[str, Any]] = []
        last: Post | None = None
        more = False
        # Scan in batches: rows the viewer may not see are skipped without ending the page early.
        batch = limit * 4 + 20
        rows = s.execute(q.limit(batch)).all()
        for post, job in rows:
            if len(items) == limit:
                more = True
                break
            last = post
            if post.user_id in hidden or moderation.is_taken_down(s, "post", post.id) \
                    or not cameos.can_view(s, viewer, job, posted=True):
                continue
            items.append({"object": "feed.item", "type": "post", "post": post_out(s, post, job, viewer).model_dump(),
                          "reason": "new"})
        if not more and len(rows) == batch and len(items) < limit:
            more = True  # the batch ran out on hidden rows; the next page continues after the last one scanned
        next_cursor = f"{last.created_at}:{last.id}" if more and last is not None else None
        return {"object": "list", "data": items, "next_cursor": next_cursor, "has_more": more}
