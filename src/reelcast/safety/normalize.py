"""Prompt normalisation for the safety policy: case, homoglyphs, leetspeak, spacing, invisible characters."""

from __future__ import annotations

import re
import unicodedata

# Letters from other scripts that look like Latin ones (Cyrillic, Greek, fullwidth is handled by NFKC).
HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "г": "r", "ѕ": "s", "т": "t", "у": "y", "х": "x", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ς": "s", "η": "n", "μ": "u", "ω": "w", "ɑ": "a", "ɡ": "g", "ı": "i", "ℓ": "l",
})
# Leetspeak: applied only inside tokens that also contain letters, so "2 horses" and "50mm" stay as they are.
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                      "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l"})
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\u180e]")
_TOKEN = re.compile(r"\S+")
_LEET_TOKEN = re.compile(r"^[a-z0-9@$!|+€£]*[a-z][a-z0-9@$!|+€£]*$")
_UNIT = re.compile(r"^\d+(mm|s|k|fps|x\d+|th|st|nd|rd|d|m|cm|kg|km|p|hz|khz|db|am|pm|yo|yr|yrs|ft|in)$")
# Runs of single letters split by spaces, dots, dashes, underscores or stars: "n u d e", "k.i.l.l", "s-e-x".
_SPACED = re.compile(r"(?<![a-z0-9])[a-z0-9@$](?P<sep>[ ._*\-]{1,3})[a-z0-9@$](?:(?P=sep)[a-z0-9@$])+(?![a-z0-9])")
# A letter repeated three or more times ("killlll") is squeezed to two.
_REPEAT = re.compile(r"([a-z])\1{2,}")


def _deleet(token: str) -> str:
    core = token.strip(".,;:?\"'()[]{}")
    if not core or core.startswith("@") or not _LEET_TOKEN.match(core) or _UNIT.match(core) or core.isalpha():
        return token
    return token.replace(core, core.translate(LEET))


def _join_spaced(m: re.Match[str]) -> str:
    run = m.group(0)
    letters = re.sub(r"[ ._*\-]", "", run)
    # "a n u d e" is the article and a spaced word, not the word "anude".
    if run[0] in "ai" and run[1] == " " and len(letters) >= 5:
        return run[0] + " " + letters[1:]
    return letters


def normalize(text: str) -> str:
    """Fold a prompt to lower-case ASCII-ish words so rules see through obfuscation."""
    t = unicodedata.normalize("NFKC", text)
    t = INVISIBLE.sub("", t)
    t = t.casefold().translate(HOMOGLYPHS)
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = _SPACED.sub(_join_spaced, t)
    t = " ".join(_deleet(tok) for tok in _TOKEN.findall(t))
    t = _REPEAT.sub(r"\1\1", t)
    return t


def words(text: str) -> str:
    """The normalised prompt reduced to space-separated words (punctuation dropped) for phrase rules."""
    return " ".join(re.findall(r"[a-z0-9']+", normalize(text))).replace("'", "")
