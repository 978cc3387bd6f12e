"""The likeness rule of the output check: verified people appear only with their consent."""

from __future__ import annotations

import pytest

from reelcast.domain.likeness import SAME_PERSON_BELOW, FaceMatch, unconsented


def _m(owner: str = "u_alice", handle: str = "alice", distance: float = 0.3) -> FaceMatch:
    return FaceMatch("cameo_1", owner, handle, distance, 0)


@pytest.mark.parametrize(("match", "creator", "granted", "blocked"), [
    (_m(), "u_bob", [], True),  # someone else's verified face, no grant
    (_m(), "u_alice", [], False),  # your own face
    (_m(), "u_bob", ["@alice"], False),  # the job was granted @alice's cameo
    (_m(handle="Alice"), "u_bob", ["@ALICE"], False),  # handles compare without case or @
    (_m(), "u_bob", ["@carol"], True),  # a grant for someone else does not cover alice
    (_m(distance=SAME_PERSON_BELOW), "u_bob", [], False),  # not close enough to be that person
    (_m(distance=SAME_PERSON_BELOW - 0.01), "u_bob", [], True),
])
def test_unconsented_likeness(match: FaceMatch, creator: str, granted: list[str], blocked: bool) -> None:
    assert (unconsented([match], creator, granted) == [match]) is blocked


def test_no_faces_nothing_to_refuse() -> None:
    assert unconsented([], "u_bob", []) == []
