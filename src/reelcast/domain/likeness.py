"""Whose likeness may a finished video show? Pure rule for the safety output check (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A face this close (dlib ResNet, Euclidean) to a verified cameo's reference is that person: dlib's published
# same-person operating point, the same bound cameo verification uses for "another user's face" (REVIEW_BELOW).
SAME_PERSON_BELOW = 0.60


@dataclass(frozen=True)
class FaceMatch:
    """A face seen in an output frame and the verified person cameo it is nearest to."""

    cameo_id: str
    owner_id: str
    handle: str
    distance: float
    frame: int


def unconsented(matches: Iterable[FaceMatch], creator_id: str, granted_handles: Iterable[str]) -> list[FaceMatch]:
    """Matches of verified people who did not allow this video: not the creator, not a cameo the job was granted."""
    granted = {h.lstrip("@").lower() for h in granted_handles}
    return [m for m in matches
            if m.distance < SAME_PERSON_BELOW and m.owner_id != creator_id and m.handle.lower() not in granted]
