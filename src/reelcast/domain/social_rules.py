"""Pure account rules: handles, ages, passwords, captions, and cameo restriction conflicts."""

from __future__ import annotations

import re
from datetime import date

from reelcast.domain.video_rules import RuleError

HANDLE_RE = re.compile(r"^[a-z0-9_.]{3,30}$")
RESERVED_HANDLES = frozenset({
    "admin", "administrator", "root", "system", "api", "v1", "me", "you", "reelcast", "support", "help", "settings",
    "login", "logout", "signup", "register", "everyone", "moderator", "mod", "official", "staff", "null", "none",
    "undefined", "www", "about", "explore", "feed", "notifications", "cameos", "videos", "posts", "users", "search",
    "security", "privacy", "terms", "openai", "sora",
})
MIN_AGE = 13
ADULT_AGE = 18
MIN_PASSWORD = 8
MAX_PASSWORD = 256
INVITES_PER_USER = 4
MAX_CAMEOS_PER_PROMPT = 4
MAX_CAPTION = 2200
MAX_COMMENT = 2000
MAX_BIO = 500
MAX_DISPLAY_NAME = 64
MAX_CAMEO_TEXT = 1000


class RuleViolation(RuleError):
    """A value breaks an account rule; `code` and `param` go into the 400."""

    def __init__(self, message: str, param: str, code: str = "invalid_value") -> None:
        super().__init__(message, param, code)


def normalize_handle(raw: object, param: str = "handle") -> str:
    """Lower-case a handle (with or without `@`) and check its shape; reserved words are refused too."""
    if not isinstance(raw, str) or not raw.strip():
        raise RuleViolation(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")
    h = raw.strip().lstrip("@").lower()
    if not HANDLE_RE.match(h):
        raise RuleViolation("A handle is 3–30 characters of a–z, 0–9, '_' and '.'.", param, "invalid_handle")
    if h in RESERVED_HANDLES:
        raise RuleViolation(f"The handle '{h}' is reserved.", param, "handle_reserved")
    return h


def parse_birthdate(raw: object) -> date:
    """Parse `YYYY-MM-DD`; a date in the future is refused."""
    if not isinstance(raw, str):
        raise RuleViolation("Missing required parameter: 'birthdate' (YYYY-MM-DD).", "birthdate",
                            "missing_required_parameter")
    try:
        d = date.fromisoformat(raw)
    except ValueError as exc:
        raise RuleViolation("'birthdate' must be a date as YYYY-MM-DD.", "birthdate") from exc
    return d


def age_on(birthdate: date, today: date) -> int:
    """Completed years between birthdate and today."""
    years = today.year - birthdate.year
    if (today.month, today.day) < (birthdate.month, birthdate.day):
        years -= 1
    return years


def check_signup_age(birthdate: date, today: date) -> None:
    """Refuse birthdates in the future or under the minimum age."""
    if birthdate > today:
        raise RuleViolation("'birthdate' is in the future.", "birthdate")
    if age_on(birthdate, today) < MIN_AGE:
        raise RuleViolation(f"You must be at least {MIN_AGE} to use reelcast.", "birthdate", "age_requirement")


def is_minor(birthdate: date | None, today: date) -> bool:
    """Under 18 (an account without a birthdate, like the operator's admin, counts as an adult)."""
    return birthdate is not None and age_on(birthdate, today) < ADULT_AGE


def check_password(raw: object) -> str:
    """A password of 8–256 characters."""
    if not isinstance(raw, str) or not raw:
        raise RuleViolation("Missing required parameter: 'password'.", "password", "missing_required_parameter")
    if not MIN_PASSWORD <= len(raw) <= MAX_PASSWORD:
        raise RuleViolation(f"A password is {MIN_PASSWORD}–{MAX_PASSWORD} characters.", "password", "weak_password")
    return raw


def check_text(raw: object, param: str, limit: int, *, required: bool = False) -> str:
    """A plain text field up to `limit` characters (stripped)."""
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()):
        raise RuleViolation(f"'{param}' must be a non-empty string." if required else f"'{param}' must be a string.",
                            param, "missing_required_parameter" if raw is None else "invalid_value")
    text = raw.strip()
    if len(text) > limit:
        raise RuleViolation(f"'{param}' is longer than {limit} characters.", param)
    return text


# ---- restrictions ------------------------------------------------------------------------------------------------

_NEGATIONS = frozenset({"no", "not", "never", "dont", "don't", "without", "avoid", "nothing", "any", "ever"})
_FILLER = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "with", "and", "or", "me", "my", "i", "is", "be", "being", "am",
    "content", "contents", "stuff", "things", "thing", "anything", "videos", "video", "scenes", "scene", "shown",
    "showing", "show", "please", "should", "must", "allowed", "related", "kind", "type", "depicted", "doing", "do",
    "use", "used", "using", "appear", "appearing", "it", "this", "that", "them", "him", "her", "like", "for", "as",
})
# A few families so "never drinking alcohol" also catches "beer"; plain stems catch the rest.
_FAMILIES: dict[str, frozenset[str]] = {
    "alcohol": frozenset({"alcohol", "alcoholic", "beer", "wine", "vodka", "whiskey", "whisky", "cocktail", "booze",
                          "champagne", "rum", "tequila", "gin", "drunk", "bar"}),
    "polit": frozenset({"politic", "political", "politics", "election", "vote", "voting", "president", "senator",
                        "campaign", "protest", "parliament", "congress"}),
    "smok": frozenset({"smoke", "smoking", "cigarette", "cigar", "vape", "vaping"}),
    "weapon": frozenset({"weapon", "gun", "rifle", "pistol", "knife", "sword"}),
    "swim": frozenset({"swim", "swimming", "swimsuit", "bikini", "pool"}),
}
_WORD = re.compile(r"[a-z0-9']+")


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "er", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) >= 4 and word[-1] == word[-2]:  # "swimm" → "swim"
        word = word[:-1]
    return word


def _family(word: str) -> str:
    stem = _stem(word)
    for key, members in _FAMILIES.items():
        if word in members or stem in {_stem(m) for m in members} or stem.startswith(key):
            return key
    return stem


def restriction_clauses(restrictions: str) -> list[str]:
    """Split restriction text into clauses (one per line, sentence, comma or semicolon)."""
    parts = re.split(r"[\n;,.]+", restrictions.lower())
    return [p.strip() for p in parts if p.strip()]


def restriction_conflict(restrictions: str, prompt: str) -> str | None:
    """The first restriction clause the prompt conflicts with (shares a content word or its family), or None."""
    prompt_keys = {_family(w) for w in _WORD.findall(prompt.lower())}
    for clause in restriction_clauses(restrictions):
        words = [w for w in _WORD.findall(clause) if w not in _NEGATIONS and w not in _FILLER and len(w) > 2]
        if any(_family(w) in prompt_keys for w in words):
            return clause
    return None
