"""Whose face is this? Nearest verified cameo for a face embedding (duplicate identities, the safety output check)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from reelcast.domain import cameo_verification as rules
from reelcast.store.cameo_models import CameoVerification
from reelcast.store.social_models import Cameo


def references(s: Session, *, statuses: Sequence[str] = ("active",),
               exclude_owner_id: str | None = None) -> list[tuple[str, np.ndarray]]:
    """(cameo_id, mean face embedding) of person cameos in the given statuses."""
    q = (select(Cameo.id, CameoVerification.face_embedding)
         .join(CameoVerification, CameoVerification.cameo_id == Cameo.id)
         .where(Cameo.kind == "person", Cameo.status.in_(list(statuses)),
                CameoVerification.face_embedding.is_not(None)))
    if exclude_owner_id is not None:
        q = q.where(Cameo.owner_id != exclude_owner_id)
    return [(cid, np.asarray(emb, dtype=np.float64)) for cid, emb in s.execute(q).all() if emb]


def nearest(s: Session, embedding: Sequence[float] | np.ndarray, *, statuses: Sequence[str] = ("active",),
            exclude_owner_id: str | None = None) -> tuple[str, float] | None:
    """The closest reference (cameo_id, Euclidean distance), whatever the distance; None if there are none."""
    return nearest_of(references(s, statuses=statuses, exclude_owner_id=exclude_owner_id), embedding)


def nearest_of(refs: Sequence[tuple[str, np.ndarray]],
               embedding: Sequence[float] | np.ndarray) -> tuple[str, float] | None:
    """The closest of already loaded references (cameo_id, Euclidean distance); None if there are none."""
    if not refs:
        return None
    mat = np.stack([e for _, e in refs])
    d = np.linalg.norm(mat - np.asarray(embedding, dtype=np.float64)[None, :], axis=1)
    k = int(np.argmin(d))
    return refs[k][0], float(d[k])


def match_face(s: Session, embedding: Sequence[float] | np.ndarray,
               threshold: float = rules.REVIEW_BELOW) -> tuple[str, float] | None:
    """The active person cameo this face belongs to, as (cameo_id, distance), or None if none is within threshold."""
    hit = nearest(s, embedding)
    return hit if hit is not None and hit[1] < threshold else None


def embeddings_in_frame(rgb: np.ndarray) -> list[np.ndarray]:
    """128-D embeddings of the faces in an RGB frame (largest first), comparable with `match_face`."""
    from reelcast.cameo import faces

    return faces.embeddings_in_frame(rgb)
