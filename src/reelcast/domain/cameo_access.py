"""Who may use, see and take down a cameo's appearances: one pure decision over relationship facts."""

from __future__ import annotations

from dataclasses import dataclass

ACCESS_LEVELS = ("only_me", "approved", "mutuals", "everyone")
ACTIONS = ("generate", "view_draft", "view_post", "take_down", "list_appearances")


@dataclass(frozen=True)
class Facts:
    """What is true between the acting user and a cameo's owner (the subject), and about the video if any."""

    access: str = "only_me"
    is_owner: bool = False  # the actor is the cameo's subject/owner
    approved: bool = False  # the actor is on the cameo's approved list right now
    actor_follows_owner: bool = False
    owner_follows_actor: bool = False
    blocked: bool = False  # either of them blocked the other
    owner_is_minor: bool = False
    actor_is_minor: bool = False
    is_creator: bool = False  # the actor made the video (view_draft / view_post)

    @property
    def mutual(self) -> bool:
        """Both follow each other."""
        return self.actor_follows_owner and self.owner_follows_actor


@dataclass(frozen=True)
class Decision:
    """Allowed or not, with a machine-readable reason."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def _generate(f: Facts) -> Decision:
    if f.is_owner:
        return Decision(True, "owner")
    if f.blocked:
        return Decision(False, "blocked")
    access = f.access
    # A minor's cameo is never open to adult strangers: "everyone" acts as "mutuals" for adults.
    if f.owner_is_minor and not f.actor_is_minor and access == "everyone":
        access = "mutuals"
    if access == "only_me":
        return Decision(False, "only_me")
    if access == "approved":
        return Decision(True, "approved") if f.approved else Decision(False, "not_approved")
    if access == "mutuals":
        if f.approved:
            return Decision(True, "approved")
        return Decision(True, "mutual") if f.mutual else Decision(False, "not_mutual")
    return Decision(True, "everyone")


def decide(action: str, f: Facts) -> Decision:
    """Decide whether the actor may perform `action` with respect to the cameo described by `f`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if f.access not in ACCESS_LEVELS:
        raise ValueError(f"unknown access level {f.access!r}")
    if action == "generate":
        return _generate(f)
    if action == "view_draft":
        # Drafts are private to their creator and to every subject shown in them, whatever else holds.
        if f.is_owner:
            return Decision(True, "subject")
        return Decision(True, "creator") if f.is_creator else Decision(False, "draft")
    if action == "view_post":
        if f.is_owner:
            return Decision(True, "subject")
        if f.is_creator:
            return Decision(True, "creator")
        return Decision(False, "blocked") if f.blocked else Decision(True, "posted")
    # take_down and list_appearances belong to the subject alone (co-ownership).
    return Decision(True, "subject") if f.is_owner else Decision(False, "not_subject")
