"""The policy applied to requests: registered users as real people, refusals, and the audit log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reelcast.cameo import identity
from reelcast.domain.ids import new_id
from reelcast.domain.likeness import unconsented
from reelcast.domain.video_rules import RuleError
from reelcast.safety.models import SafetyAudit
from reelcast.safety.output import OutputVerdict, check_frames, face_matches, likeness_verdict, sample_frames
from reelcast.safety.people import PersonHit, mentions, name_candidates
from reelcast.safety.policy import Decision, PolicyConfig, PromptPolicy
from reelcast.store.db import Database
from reelcast.store.models import User
from reelcast.store.social_models import Cameo

log = logging.getLogger("reelcast.safety")


class ModerationBlocked(RuleError):
    """A prompt the policy refuses: `400 moderation_blocked`, `param: prompt`, naming the category."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.message, param="prompt", code="moderation_blocked")
        self.decision = decision


def audit(s: Session, *, action: str, outcome: str, actor_id: str | None = None, target_type: str | None = None,
          target_id: str | None = None, category: str | None = None, detail: dict | None = None) -> SafetyAudit:
    """Append one entry to the safety audit log."""
    row = SafetyAudit(id=new_id("audit"), created_at=int(time.time()), actor_id=actor_id, action=action,
                      target_type=target_type, target_id=target_id, outcome=outcome, category=category,
                      detail=detail or {})
    s.add(row)
    s.flush()
    return row


def _cameo_handles(s: Session, handles: list[str]) -> set[str]:
    """Handles that are cameos (their use is decided by the cameo access rules, not here)."""
    try:
        from reelcast.store.social_models import Cameo  # the social core's cameos, when installed
    except ImportError:
        return set()
    rows = s.scalars(select(Cameo.handle).where(func.lower(Cameo.handle).in_(handles))).all()
    return {h.lower() for h in rows}


def registered_people(s: Session, requester: User | None) -> Callable[[str], list[PersonHit]]:
    """A resolver of registered users a prompt names: by @handle without a cameo, or by a full display name."""

    def resolve(text: str) -> list[PersonHit]:
        hits: list[PersonHit] = []
        own = requester.id if requester is not None else None
        handles = mentions(text)
        if handles:
            cameos = _cameo_handles(s, handles)
            users = s.scalars(select(User).where(func.lower(User.handle).in_(handles))).all()
            for u in users:
                if u.id != own and u.handle.lower() not in cameos:
                    hits.append(PersonHit(f"@{u.handle}", "real_person", f"@{u.handle}"))
        names = [n for n in name_candidates(text) if " " in n]
        if names:
            users = s.scalars(select(User).where(func.lower(User.display_name).in_(names))).all()
            for u in users:
                if u.id != own:
                    hits.append(PersonHit(u.display_name, "real_person", u.display_name.lower()))
        return hits

    return resolve


_policies: dict[tuple, PromptPolicy] = {}


def policy_for(settings: object) -> PromptPolicy:
    """The prompt policy configured by these settings (one per distinct configuration)."""
    cfg = PolicyConfig.from_settings(settings)
    key = (tuple(sorted(cfg.thresholds.items())), cfg.allowed, cfg.estates, cfg.semantic)
    if key not in _policies:
        _policies[key] = PromptPolicy(cfg)
    return _policies[key]


def check_prompt(db: Database, settings: object, user: User | None, text: str, *, kind: str) -> Decision:
    """Run the policy on a generation prompt, audit the decision, and raise ModerationBlocked on a refusal."""
    started = time.perf_counter()
    with db.session() as s:
        decision = policy_for(settings).check(text, registered_people(s, user))
        took_ms = round((time.perf_counter() - started) * 1000, 1)
        detail = {"kind": kind, "prompt": text[:500], "ms": took_ms, **decision.to_dict()}
        audit(s, action="prompt_check", outcome="allowed" if decision.allowed else "blocked",
              actor_id=user.id if user is not None else None, category=decision.category, detail=detail)
    if not decision.allowed:
        log.info("prompt blocked (%s via %s) for %s", decision.category, decision.layer, user.id if user else "-")
        raise ModerationBlocked(decision)
    return decision


def check_output(db: Database, settings: object, job_id: str, user_id: str | None, path: Path,
                 granted_handles: Iterable[str] = ()) -> OutputVerdict:
    """Check sampled frames of a finished video (when enabled) and audit the result.

    Nudity first; then, when verified person cameos of other users exist, every face in the frames is matched
    against them and a verified person who did not grant this video (`granted_handles`: the job's cameos) fails it.
    """
    if not getattr(settings, "safety_output_check", True):
        return OutputVerdict(True)
    started = time.perf_counter()
    idx, imgs = sample_frames(path, max(1, int(getattr(settings, "safety_output_frames", 6))))
    verdict = check_frames(idx, imgs, float(getattr(settings, "safety_nudity_threshold", 0.45)))
    faces_checked = False
    if verdict.passed and getattr(settings, "safety_face_check", True) and imgs:
        with db.session() as s:
            others = identity.references(s, exclude_owner_id=user_id)
            if others:
                faces_checked = True
                verdict = _likeness(s, imgs, idx, user_id, granted_handles, others)
    detail = {"frames": verdict.frames_checked, "label": verdict.label, "score": round(verdict.score, 4),
              "frame": verdict.frame, "faces_checked": faces_checked, "cameo_id": verdict.cameo_id,
              "ms": round((time.perf_counter() - started) * 1000, 1)}
    with db.session() as s:
        audit(s, action="output_check", outcome="passed" if verdict.passed else "failed", actor_id=user_id,
              target_type="video", target_id=job_id, category=None if verdict.passed else verdict.category,
              detail=detail)
    if not verdict.passed:
        log.warning("video %s failed the output check: %s %.2f", job_id, verdict.label, verdict.score)
    return verdict


def _likeness(s: Session, imgs: list, idx: list[int], user_id: str | None, granted_handles: Iterable[str],
              refs: list[tuple[str, np.ndarray]]) -> OutputVerdict:
    """Match the frames' faces against the verified cameos of other users (`refs`)."""
    ids = [cid for cid, _ in refs]
    owners = {c.id: (c.owner_id, c.handle) for c in s.scalars(select(Cameo).where(Cameo.id.in_(ids)))}

    def nearest(emb: np.ndarray) -> tuple[str, str, str, float] | None:
        hit = identity.nearest_of(refs, emb)
        if hit is None:
            return None
        owner, handle = owners.get(hit[0], ("", ""))
        return hit[0], owner, handle, hit[1]

    matches = face_matches(imgs, idx, nearest)
    return likeness_verdict(unconsented(matches, user_id or "", granted_handles), len(idx))
