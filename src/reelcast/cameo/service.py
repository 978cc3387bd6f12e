"""Challenges, selfie-clip submissions, the background verification and the operator review of borderline faces.

The verification runs in a single background thread of the API process (inline and Celery deployments alike): it
needs seconds of CPU, reads the clip from the blob store and writes its outcome in one transaction. A verification
left `verifying` by a crash is picked up again when a server starts. Failures are recorded as
`verification_error` with the exception's type, never left hanging.
"""

from __future__ import annotations

import logging
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reelcast.domain import cameo_verification as rules
from reelcast.domain.ids import new_id
from reelcast.social import cameos as social_cameos
from reelcast.social.errors import SocialError, not_found
from reelcast.social.notify import audit, notify
from reelcast.store.cameo_models import CameoChallenge, CameoVerification
from reelcast.store.models import User
from reelcast.store.social_models import Cameo

log = logging.getLogger("reelcast.cameo")

CHALLENGES_PER_HOUR = 10
STALE_VERIFYING_S = 300  # a `verifying` row this old at server start was orphaned by a crash


def issue_challenge(s: Session, user: User, now: float | None = None) -> CameoChallenge:
    """A new single-use challenge for the user: 5 random digits and 2–3 head turns in random order."""
    now = int(now if now is not None else time.time())
    recent = s.scalar(select(func.count()).select_from(CameoChallenge)
                      .where(CameoChallenge.user_id == user.id, CameoChallenge.created_at > now - 3600)) or 0
    if recent >= CHALLENGES_PER_HOUR:
        raise SocialError(429, f"At most {CHALLENGES_PER_HOUR} verification challenges per hour.",
                          code="rate_limit_exceeded")
    rng = secrets.SystemRandom()
    digits = "".join(str(rng.randrange(10)) for _ in range(rules.DIGITS_PER_CHALLENGE))
    turns = list(rules.TURNS)
    rng.shuffle(turns)
    if rng.random() < 0.5:
        turns.append(turns[0])  # three turns: out, the other way, back out again
    c = CameoChallenge(id=new_id("chal"), user_id=user.id, digits=digits, turns=turns, created_at=now,
                       expires_at=now + rules.CHALLENGE_TTL_S)
    s.add(c)
    s.flush()
    return c


def _person_cameo(s: Session, user: User, fields: dict[str, Any]) -> Cameo:
    """The user's person cameo to verify: a pending or rejected one is reused, a new one is created."""
    existing = social_cameos.by_handle(s, user.handle)
    if existing is not None and existing.owner_id == user.id and existing.kind == "person":
        if existing.status in ("active", "in_review"):
            state = "verified" if existing.status == "active" else "waiting for an operator's review"
            raise SocialError(409, f"Your person cameo is already {state}.", param="kind", code="cameo_exists")
        if existing.status == "verifying":
            raise SocialError(409, "Your cameo is being verified; wait for the result.", param="kind",
                              code="verification_in_progress")
        return existing
    return social_cameos.create(s, user, kind="person", handle=None, name=str(fields.get("name") or ""),
                                reference_blobs=[], access=str(fields.get("access") or "only_me"),
                                preferences=fields.get("preferences") or "",
                                restrictions=fields.get("restrictions") or "")


def _claim_challenge(s: Session, user: User, challenge_id: str, now: int) -> tuple[CameoChallenge | None,
                                                                                     rules.Rejection | None]:
    """Check the challenge and mark it used atomically (a concurrent second upload sees it used)."""
    ch = s.get(CameoChallenge, challenge_id) if challenge_id else None
    problem = rules.challenge_problem(known=ch is not None, owner_matches=ch is not None and ch.user_id == user.id,
                                      now=now, expires_at=ch.expires_at if ch else 0,
                                      used=ch is not None and ch.used_at is not None)
    if problem is not None or ch is None:
        return ch, problem
    claimed = s.execute(update(CameoChallenge).where(CameoChallenge.id == ch.id, CameoChallenge.used_at.is_(None))
                        .values(used_at=now)).rowcount
    if claimed != 1:
        return ch, rules.reject("challenge_used")
    return ch, None


def submit(s: Session, blobs: Any, user: User, challenge_id: str, video: bytes,
           fields: dict[str, Any]) -> tuple[Cameo, bool]:
    """Start verifying a selfie clip against a challenge; returns the cameo and whether a background run is due.

    Challenge problems reject the cameo at once; otherwise it is `verifying` until the background run decides.
    """
    now = int(time.time())
    cameo = _person_cameo(s, user, fields)
    ch, problem = _claim_challenge(s, user, challenge_id, now)
    v = s.get(CameoVerification, cameo.id)
    if v is None:
        v = CameoVerification(cameo_id=cameo.id, status="verifying", started_at=now, turns_seen=[], voice={},
                              descriptors={}, estimated={}, crop_blobs=[])
        s.add(v)
    v.challenge_id = ch.id if ch is not None and problem is None else None
    v.started_at, v.finished_at, v.cpu_seconds = now, None, None
    v.rejection_code = v.rejection_message = None
    v.turns_seen = []
    if problem is not None:
        _finish_rejected(v, problem, now)
        social_cameos.set_status(s, cameo.id, "rejected")
        s.flush()
        return cameo, False
    assert ch is not None
    ch.cameo_id = cameo.id
    v.status = "verifying"
    v.video_blob = blobs.put_bytes(video, "mp4")
    social_cameos.set_status(s, cameo.id, "verifying")
    s.flush()
    return cameo, True


def _finish_rejected(v: CameoVerification, problem: rules.Rejection, now: int) -> None:
    v.status = "rejected"
    v.rejection_code, v.rejection_message = problem.code, problem.message
    v.finished_at = now


def run_verification(rt: Any, cameo_id: str) -> str:
    """Verify a `verifying` cameo's clip and record the outcome; returns the new status."""
    from reelcast.cameo import identity, pipeline

    with rt.db.session() as s:
        v = s.get(CameoVerification, cameo_id)
        cameo = s.get(Cameo, cameo_id)
        if v is None or cameo is None or v.status != "verifying" or not v.video_blob:
            return v.status if v is not None else "missing"
        ch = s.get(CameoChallenge, v.challenge_id) if v.challenge_id else None
        owner_id, video_key = cameo.owner_id, v.video_blob
        digits, turns = (ch.digits, list(ch.turns)) if ch is not None else ("", [])

    def nearest_other(emb: Any) -> tuple[str, float] | None:
        with rt.db.session() as s2:
            return identity.nearest(s2, emb, statuses=("active", "in_review"), exclude_owner_id=owner_id)

    started = time.process_time()
    try:
        if ch is None:
            raise RuntimeError("the challenge of this verification is gone")
        result = pipeline.verify(rt.blobs.path(video_key), digits, turns, nearest_other)
    except Exception as exc:  # record why instead of leaving the cameo verifying forever
        log.exception("cameo verification of %s failed", cameo_id)
        with rt.db.session() as s:
            v = s.get(CameoVerification, cameo_id)
            if v is not None and v.status == "verifying":
                _finish_rejected(v, rules.reject("verification_error", type(exc).__name__), int(time.time()))
                social_cameos.set_status(s, cameo_id, "rejected")
        return "rejected"
    crop_keys = [rt.blobs.put_bytes(png, "png") for png in result.crops]
    now = int(time.time())
    with rt.db.session() as s:
        v = s.get(CameoVerification, cameo_id)
        cameo = s.get(Cameo, cameo_id)
        if v is None or cameo is None or v.status != "verifying":
            for k in crop_keys:
                rt.blobs.delete(k)
            return v.status if v is not None else "missing"
        verdict = result.verdict
        v.turns_seen = list(verdict.turns_seen)
        v.cpu_seconds = round(time.process_time() - started, 3)
        v.finished_at = now
        if result.nearest is not None:
            v.nearest_cameo_id, v.nearest_distance = result.nearest[0], round(result.nearest[1], 4)
        if verdict.status == "rejected":
            assert verdict.rejection is not None
            _finish_rejected(v, verdict.rejection, now)
        else:
            v.status = verdict.status
            v.face_embedding = result.embedding
            v.estimated = dict(result.descriptors)
            v.descriptors = dict(result.descriptors)
            v.voice = dict(result.voice)
            v.voice_embedding = result.voice_embedding
            v.crop_blobs = crop_keys
            cameo.reference_blobs = list(crop_keys)  # the engines take the face crops as reference images
        social_cameos.set_status(s, cameo_id, verdict.status)
        v.video_blob = None
        notify(s, cameo.owner_id, "cameo_verification", {"cameo_id": cameo_id, "status": verdict.status,
                                                         "code": v.rejection_code})
        # Blobs are content-addressed: the same bytes uploaded for another cameo share the key.
        shared = s.scalar(select(func.count()).select_from(CameoVerification)
                          .where(CameoVerification.video_blob == video_key)) or 0
    if not shared:
        rt.blobs.delete(video_key)  # the clip itself is not kept: only the references derived from it
    if verdict.status == "rejected":
        for k in crop_keys:
            rt.blobs.delete(k)
    return verdict.status


class Verifier:
    """One background thread per process that runs verifications in submission order."""

    def __init__(self, rt: Any) -> None:
        self.rt = rt
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cameo-verify")

    def submit(self, cameo_id: str) -> Future[str]:
        """Queue a verification."""
        return self._pool.submit(run_verification, self.rt, cameo_id)

    def shutdown(self) -> None:
        """Stop after the running verification (queued ones are resumed at the next start)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def verifier(rt: Any) -> Verifier:
    """The process's verifier (created on first use and kept in the runtime)."""
    return rt.shared("cameo_verifier", lambda: Verifier(rt))


def resume_orphans(rt: Any, older_than: float = STALE_VERIFYING_S) -> list[str]:
    """Queue verifications that a crash left `verifying` (older than `older_than` seconds); returns their ids."""
    cutoff = int(time.time() - older_than)
    with rt.db.session() as s:
        ids = list(s.scalars(select(CameoVerification.cameo_id).where(CameoVerification.status == "verifying",
                                                                      CameoVerification.started_at <= cutoff)))
    for cid in ids:
        verifier(rt).submit(cid)
    return ids


def private_blobs(s: Session, cameo_id: str) -> list[str]:
    """Blob keys a cameo's verification holds beyond its reference blobs (an unverified clip), for deletion."""
    v = s.get(CameoVerification, cameo_id)
    if v is None or not v.video_blob:
        return []
    others = s.scalar(select(func.count()).select_from(CameoVerification)
                      .where(CameoVerification.video_blob == v.video_blob, CameoVerification.cameo_id != cameo_id))
    return [] if others else [v.video_blob]


def export(s: Session, cameo_id: str) -> dict[str, Any] | None:
    """What the verification kept about a person (for the account data export)."""
    v = s.get(CameoVerification, cameo_id)
    if v is None:
        return None
    return {"status": v.status, "rejection_code": v.rejection_code, "finished_at": v.finished_at,
            "descriptors": v.descriptors, "estimated_descriptors": v.estimated, "voice": v.voice,
            "face_embedding": v.face_embedding, "voice_embedding": v.voice_embedding, "turns_seen": v.turns_seen}


# ---------------------------------------------------------------- review of borderline faces

def review_queue(s: Session) -> list[tuple[Cameo, CameoVerification]]:
    """Cameos whose face is borderline-close to another user's verified cameo, oldest first."""
    rows = s.execute(select(Cameo, CameoVerification).join(CameoVerification, CameoVerification.cameo_id == Cameo.id)
                     .where(Cameo.status == "in_review").order_by(CameoVerification.finished_at, Cameo.id)).all()
    return [(c, v) for c, v in rows]


def review(s: Session, operator: User, cameo_id: str, decision: str, note: str = "") -> Cameo:
    """An operator approves (`active`) or rejects (`duplicate_identity`) a cameo in review; audited, owner notified."""
    if decision not in ("approve", "reject"):
        raise SocialError(400, "'decision' must be 'approve' or 'reject'.", param="decision", code="invalid_value")
    cameo = s.get(Cameo, cameo_id)
    v = s.get(CameoVerification, cameo_id)
    if cameo is None or v is None or cameo.status != "in_review":
        raise not_found("Cameo in review", cameo_id, "cameo_id")
    now = int(time.time())
    v.reviewed_by, v.reviewed_at = operator.id, now
    if decision == "approve":
        v.status = "active"
        social_cameos.set_status(s, cameo_id, "active")
    else:
        _finish_rejected(v, rules.reject("duplicate_identity", "confirmed by an operator"), now)
        social_cameos.set_status(s, cameo_id, "rejected")
    audit(s, operator.id, f"cameo.review.{decision}", "cameo", cameo_id, note or decision,
          {"nearest_cameo_id": v.nearest_cameo_id, "nearest_distance": v.nearest_distance})
    notify(s, cameo.owner_id, "cameo_verification", {"cameo_id": cameo_id, "status": cameo.status})
    s.flush()
    return cameo
