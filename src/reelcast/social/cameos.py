"""Cameos: creation, access settings, approvals, the permission check on every use, appearances and takedowns."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reelcast.domain import social_rules as rules
from reelcast.domain.cameo_access import ACCESS_LEVELS, Decision, Facts, decide
from reelcast.domain.ids import new_id
from reelcast.prompt.cameos import apply_cameo_preferences
from reelcast.prompt.plan import ScenePlan
from reelcast.social import counters, graph
from reelcast.social.accounts import handle_taken, is_minor
from reelcast.social.errors import SocialError, not_found
from reelcast.social.notify import audit, notify
from reelcast.store.models import User, VideoJob
from reelcast.store.social_models import Cameo, CameoAppearance, CameoApproval, Post

KINDS = ("person", "character")
STATUSES = ("pending_verification", "verifying", "in_review", "active", "rejected")


@dataclass
class CameoUse:
    """A cameo a prompt mentions, resolved and allowed."""

    handle: str  # "@handle", lower case
    cameo_id: str
    owner_id: str
    preferences: str


def facts(s: Session, actor: User, cameo: Cameo, *, creator_id: str | None = None) -> Facts:
    """The relationship facts between an actor and a cameo's owner."""
    owner = s.get(User, cameo.owner_id)
    is_owner = actor.id == cameo.owner_id
    a_follows, o_follows, blocked = (False, False, False) if is_owner else graph.relation(s, actor.id, cameo.owner_id)
    return Facts(
        access=cameo.access,
        is_owner=is_owner,
        approved=not is_owner and s.get(CameoApproval, (cameo.id, actor.id)) is not None,
        actor_follows_owner=a_follows,
        owner_follows_actor=o_follows,
        blocked=blocked,
        owner_is_minor=owner is not None and is_minor(owner),
        actor_is_minor=is_minor(actor),
        is_creator=creator_id is not None and creator_id == actor.id,
    )


def decide_for(s: Session, action: str, actor: User, cameo: Cameo, *, creator_id: str | None = None) -> Decision:
    """Apply the pure access rule to the facts read from the database."""
    return decide(action, facts(s, actor, cameo, creator_id=creator_id))


def by_handle(s: Session, handle: str) -> Cameo | None:
    """The cameo with this handle (with or without `@`, any case)."""
    return s.scalar(select(Cameo).where(func.lower(Cameo.handle) == handle.lstrip("@").lower()))


def get_owned(s: Session, cameo_id: str, owner: User) -> Cameo:
    """The caller's own cameo, or 404."""
    c = s.get(Cameo, cameo_id)
    if c is None or c.owner_id != owner.id:
        raise not_found("Cameo", cameo_id, "cameo_id")
    return c


def create(s: Session, owner: User, *, kind: str, handle: str | None, name: str, reference_blobs: list[str],
           access: str = "only_me", preferences: str = "", restrictions: str = "") -> Cameo:
    """Create a person cameo (pending verification, the user's own handle) or a character cameo (active)."""
    if kind not in KINDS:
        raise SocialError(400, "'kind' must be 'person' or 'character'.", param="kind", code="invalid_value")
    if access not in ACCESS_LEVELS:
        raise SocialError(400, f"'access' must be one of {', '.join(ACCESS_LEVELS)}.", param="access",
                          code="invalid_value")
    if kind == "person":
        if handle and handle.lstrip("@").lower() != owner.handle.lower():
            raise SocialError(400, "A person cameo uses your own handle.", param="handle", code="invalid_handle")
        h = owner.handle.lower()
        if by_handle(s, h) is not None:
            raise SocialError(409, "You already have a person cameo.", param="kind", code="cameo_exists")
        status = "pending_verification"
    else:
        h = rules.normalize_handle(handle)
        if handle_taken(s, h):
            raise SocialError(409, f"The handle '{h}' is taken.", param="handle", code="handle_taken")
        status = "active"  # the owner attests the character is theirs when creating it
    now = int(time.time())
    c = Cameo(id=new_id("cameo"), kind=kind, handle=h, name=name or h, owner_id=owner.id, status=status,
              access=access, preferences=rules.check_text(preferences, "preferences", rules.MAX_CAMEO_TEXT),
              restrictions=rules.check_text(restrictions, "restrictions", rules.MAX_CAMEO_TEXT),
              reference_blobs=reference_blobs, created_at=now, updated_at=now)
    s.add(c)
    s.flush()
    return c


def set_status(s: Session, cameo_id: str, status: str) -> None:
    """Move a cameo to a verification status (the verification pipeline calls this)."""
    if status not in STATUSES:
        raise ValueError(status)
    c = s.get(Cameo, cameo_id)
    if c is None:
        raise KeyError(cameo_id)
    c.status = status
    c.updated_at = int(time.time())


def update_settings(s: Session, cameo: Cameo, *, access: object = None, preferences: object = None,
                    restrictions: object = None, name: object = None) -> None:
    """Change access, preferences, restrictions or name; takes effect for every later request."""
    if access is not None:
        if access not in ACCESS_LEVELS:
            raise SocialError(400, f"'access' must be one of {', '.join(ACCESS_LEVELS)}.", param="access",
                              code="invalid_value")
        cameo.access = str(access)
    if preferences is not None:
        cameo.preferences = rules.check_text(preferences, "preferences", rules.MAX_CAMEO_TEXT)
    if restrictions is not None:
        cameo.restrictions = rules.check_text(restrictions, "restrictions", rules.MAX_CAMEO_TEXT)
    if name is not None:
        cameo.name = rules.check_text(name, "name", 256, required=True)
    cameo.updated_at = int(time.time())


def approve(s: Session, cameo: Cameo, user: User) -> None:
    """Add a user to the approved list (idempotent)."""
    if user.id == cameo.owner_id:
        raise SocialError(400, "You cannot approve yourself.", param="handle", code="invalid_value")
    if s.get(CameoApproval, (cameo.id, user.id)) is None:
        s.add(CameoApproval(cameo_id=cameo.id, user_id=user.id, created_at=int(time.time())))
        s.flush()


def revoke(s: Session, cameo: Cameo, user: User) -> None:
    """Remove a user from the approved list (idempotent)."""
    row = s.get(CameoApproval, (cameo.id, user.id))
    if row is not None:
        s.delete(row)
        s.flush()


def approved_handles(s: Session, cameo: Cameo) -> list[str]:
    """Handles on the approved list, in approval order."""
    return list(s.scalars(select(User.handle).join(CameoApproval, CameoApproval.user_id == User.id)
                          .where(CameoApproval.cameo_id == cameo.id).order_by(CameoApproval.created_at, User.handle)))


def authorize(s: Session, user: User, plan: ScenePlan, prompt: str) -> list[CameoUse]:
    """Resolve and check every @mention of a plan for this user; apply preferences to the plan.

    Raises 400 `too_many_cameos` / `cameo_not_found` / `cameo_not_active` / `cameo_restriction` or
    403 `cameo_permission_denied` naming the handle.
    """
    handles = list(dict.fromkeys(h.lower() for h in plan.cameos))
    if len(handles) > rules.MAX_CAMEOS_PER_PROMPT:
        raise SocialError(400, f"A prompt may use at most {rules.MAX_CAMEOS_PER_PROMPT} cameos "
                          f"({len(handles)} given).", param="prompt", code="too_many_cameos")
    uses = []
    for h in handles:
        cameo = by_handle(s, h)
        if cameo is None:
            raise SocialError(400, f"No cameo named {h}.", param="prompt", code="cameo_not_found")
        d = decide_for(s, "generate", user, cameo)
        if not d.allowed:
            raise SocialError(403, f"You are not allowed to use the cameo {h}.", param="prompt",
                              code="cameo_permission_denied")
        if cameo.status != "active":
            raise SocialError(400, f"The cameo {h} is not active yet (status {cameo.status}).", param="prompt",
                              code="cameo_not_active")
        clause = rules.restriction_conflict(cameo.restrictions, prompt) if cameo.restrictions else None
        if clause:
            raise SocialError(400, f"The prompt conflicts with a restriction of {h}: '{clause}'.", param="prompt",
                              code="cameo_restriction")
        uses.append(CameoUse(handle=h, cameo_id=cameo.id, owner_id=cameo.owner_id, preferences=cameo.preferences))
    apply_cameo_preferences(plan, {u.handle: u.preferences for u in uses})
    return uses


def record_appearances(s: Session, job: VideoJob, uses: list[CameoUse]) -> None:
    """Remember which cameos a new video uses and tell each subject (other than the creator)."""
    now = int(time.time())
    for u in uses:
        s.add(CameoAppearance(cameo_id=u.cameo_id, video_id=job.id, creator_id=job.user_id, created_at=now))
        if u.owner_id != job.user_id:
            creator = s.get(User, job.user_id)
            notify(s, u.owner_id, "cameo_used", {"cameo_id": u.cameo_id, "handle": u.handle, "video_id": job.id,
                                                  "by": creator.handle if creator else None})
    s.flush()


def recheck(s: Session, job: VideoJob) -> dict[str, str]:
    """Re-check a queued job's cameos before rendering; returns `@handle → preferences` or raises SocialError.

    The handles come from the plan stored at create time, so a cameo deleted meanwhile fails the job too.
    """
    user = s.get(User, job.user_id)
    handles = [str(h).lower() for h in ((job.plan or {}).get("cameos") or [])]
    prefs: dict[str, str] = {}
    for handle in dict.fromkeys(handles):
        cameo = by_handle(s, handle)
        if user is None or cameo is None or cameo.status != "active" or \
                not decide_for(s, "generate", user, cameo).allowed:
            raise SocialError(403, f"Permission to use {handle} was revoked before the video rendered.",
                              code="cameo_permission_revoked")
        prefs[handle] = cameo.preferences
    return prefs


def shows_someone_else(s: Session, job: VideoJob) -> bool:
    """Whether a job's plan puts another person's cameo on screen (such files carry the visible watermark)."""
    for handle in dict.fromkeys(str(h).lower() for h in ((job.plan or {}).get("cameos") or [])):
        cameo = by_handle(s, handle)
        if cameo is not None and cameo.kind == "person" and cameo.owner_id != job.user_id:
            return True
    return False


def subjects_of(s: Session, video_id: str) -> list[Cameo]:
    """The cameos a video shows (not taken down)."""
    return list(s.scalars(select(Cameo).join(CameoAppearance, CameoAppearance.cameo_id == Cameo.id)
                          .where(CameoAppearance.video_id == video_id)))


def can_view(s: Session, viewer: User, job: VideoJob, *, posted: bool) -> bool:
    """Whether a viewer may see a video: drafts only for creator and subjects; posts unless a block separates them."""
    if job.deleted_at is not None:
        return False
    if viewer.id == job.user_id:
        return True
    subjects = subjects_of(s, job.id)
    if any(c.owner_id == viewer.id for c in subjects):
        return True
    if not posted:
        return False
    if graph.blocked_either(s, viewer.id, job.user_id):
        return False
    return all(decide_for(s, "view_post", viewer, c, creator_id=job.user_id).allowed for c in subjects)


def appearances(s: Session, cameo: Cameo) -> list[tuple[CameoAppearance, VideoJob, Post | None]]:
    """Every video that uses the cameo, drafts included, newest first, with its post if any."""
    rows = s.execute(select(CameoAppearance, VideoJob).join(VideoJob, VideoJob.id == CameoAppearance.video_id)
                     .where(CameoAppearance.cameo_id == cameo.id).order_by(CameoAppearance.created_at.desc(),
                                                                          VideoJob.id.desc())).all()
    out = []
    for app, job in rows:
        post = s.scalar(select(Post).where(Post.video_id == job.id, Post.deleted_at.is_(None)))
        out.append((app, job, post))
    return out


def take_down(s: Session, cameo: Cameo, video_id: str, actor: User, reason: str) -> list[str]:
    """Remove a video and its post for everyone, audit it and tell the creator; returns blob keys to delete."""
    app = s.get(CameoAppearance, (cameo.id, video_id))
    job = s.get(VideoJob, video_id)
    if app is None or job is None:
        raise not_found("Appearance", video_id, "video_id")
    if not decide_for(s, "take_down", actor, cameo, creator_id=job.user_id).allowed:
        raise not_found("Appearance", video_id, "video_id")
    if app.taken_down_at is not None:
        raise SocialError(409, f"Video '{video_id}' was already taken down.", param="video_id",
                          code="already_taken_down")
    now = int(time.time())
    app.taken_down_at = now
    keys = remove_video(s, job, now)
    audit(s, actor.id, "cameo.takedown", "video", job.id, reason,
          {"cameo_id": cameo.id, "handle": cameo.handle, "creator_id": job.user_id})
    if job.user_id != actor.id:
        notify(s, job.user_id, "takedown", {"video_id": job.id, "cameo_id": cameo.id, "handle": cameo.handle,
                                            "reason": reason})
    return keys


def remove_video(s: Session, job: VideoJob, now: int) -> list[str]:
    """Mark a video deleted (a pending one fails), take its post down; returns its blob keys."""
    from reelcast.store import videos as vrepo

    counters.video_deleted(s, job, now)
    if job.status in vrepo.PENDING:
        job.status = "failed"
        job.error_code = "taken_down"
        job.error_message = "The video was taken down."
    for post in s.scalars(select(Post).where(Post.video_id == job.id, Post.deleted_at.is_(None))):
        post.deleted_at = now
        post.taken_down_at = now
    s.flush()
    keys = [k for k in (job.video_blob, job.thumbnail_blob, job.spritesheet_blob) if k]
    return [k for k in keys if not vrepo.blob_in_use(s, k, exclude_id=job.id)]


def my_cameos(s: Session, owner: User) -> list[Cameo]:
    """The user's cameos, oldest first."""
    return list(s.scalars(select(Cameo).where(Cameo.owner_id == owner.id).order_by(Cameo.created_at, Cameo.id)))
