"""The cameo access rule over the full matrix: access levels × relationships × ages × actions."""

from __future__ import annotations

import pytest

from reelcast.domain.cameo_access import ACCESS_LEVELS, ACTIONS, Facts, decide

# Relationship of the actor to the cameo's owner. "blocked" rows also carry an approval and would-be follows
# to show that a block wins over both.
RELATIONS: dict[str, dict[str, bool]] = {
    "owner": dict(is_owner=True),
    "approved": dict(approved=True),
    "approval_revoked": dict(approved=False),
    "mutual": dict(actor_follows_owner=True, owner_follows_actor=True),
    "follows_only": dict(actor_follows_owner=True),
    "followed_only": dict(owner_follows_actor=True),
    "stranger": dict(),
    "blocked_by_owner": dict(blocked=True, approved=True),
    "blocking_owner": dict(blocked=True, approved=True, actor_follows_owner=True, owner_follows_actor=True),
}
R = list(RELATIONS)

# generate: which relations may use the cameo, per access level (adult owner, or any owner with a minor actor).
GENERATE = {
    "only_me": {"owner"},
    "approved": {"owner", "approved"},
    "mutuals": {"owner", "approved", "mutual"},
    "everyone": {"owner", "approved", "approval_revoked", "mutual", "follows_only", "followed_only", "stranger"},
}
# A minor's cameo is never open to adult strangers: "everyone" acts as "mutuals" for adults.
GENERATE_MINOR_OWNER_ADULT_ACTOR = {**GENERATE, "everyone": GENERATE["mutuals"]}

AGES = {  # (owner is minor, actor is minor)
    "adult_owner_adult_actor": (False, False),
    "adult_owner_teen_actor": (False, True),
    "teen_owner_teen_actor": (True, True),
    "teen_owner_adult_actor": (True, False),
}


def expected(action: str, access: str, relation: str, ages: str, is_creator: bool) -> bool:
    """The matrix, written out independently of the implementation."""
    if action == "generate":
        table = GENERATE_MINOR_OWNER_ADULT_ACTOR if ages == "teen_owner_adult_actor" else GENERATE
        return relation in table[access]
    if action == "view_draft":
        return relation == "owner" or is_creator
    if action == "view_post":
        return relation == "owner" or is_creator or not relation.startswith("blocked") and relation != "blocking_owner"
    return relation == "owner"  # take_down, list_appearances


CASES = [
    pytest.param(action, access, rel, ages, creator,
                 id=f"{action}-{access}-{rel}-{ages}{'-creator' if creator else ''}")
    for action in ACTIONS for access in ACCESS_LEVELS for rel in R for ages in AGES
    for creator in ((False, True) if action in ("view_draft", "view_post") and rel != "owner" else (False,))
]


@pytest.mark.parametrize(("action", "access", "relation", "ages", "is_creator"), CASES)
def test_matrix(action: str, access: str, relation: str, ages: str, is_creator: bool) -> None:
    owner_minor, actor_minor = AGES[ages]
    f = Facts(access=access, owner_is_minor=owner_minor, actor_is_minor=actor_minor, is_creator=is_creator,
              **RELATIONS[relation])
    assert decide(action, f).allowed is expected(action, access, relation, ages, is_creator)


def test_matrix_covers_every_combination() -> None:
    assert len(CASES) == (3 * 4 * 9 * 4) + 2 * (4 * (8 * 2 + 1) * 4)


def test_denied_generate_says_why() -> None:
    assert decide("generate", Facts(access="only_me")).reason == "only_me"
    assert decide("generate", Facts(access="everyone", blocked=True)).reason == "blocked"
    assert decide("generate", Facts(access="approved")).reason == "not_approved"


def test_unknown_action_is_an_error() -> None:
    with pytest.raises(ValueError):
        decide("edit", Facts())


def test_unknown_access_level_is_an_error() -> None:
    with pytest.raises(ValueError):
        decide("generate", Facts(access="friends"))
