"""The advanced prompt format: 11 labelled sections, each routed to the plan fields it fills."""

from __future__ import annotations

import re
from dataclasses import dataclass

# key → (header as written in the guide, plan fields it feeds)
SECTIONS: dict[str, tuple[str, str]] = {
    "primary_target": ("Primary Target & Visuals", "entities, primary_target, actions"),
    "format": ("Format & Look", "duration hint, shutter_angle, motion_blur, grain, halation, letterbox"),
    "lenses": ("Lenses & Filtration", "camera focal length, move"),
    "grade": ("Grade / Palette", "style.grade"),
    "lighting": ("Lighting & Atmosphere", "time_of_day, weather, ambience"),
    "location": ("Location & Framing", "place, camera move and framing"),
    "wardrobe": ("Wardrobe / Props / Vehicle Notes", "entity attributes, props"),
    "sound": ("Sound", "ambience, music, vocalisations, dialogue"),
    "shot_list": ("Optimized Shot List", "shots"),
    "camera_notes": ("Camera Notes", "camera"),
    "finishing": ("Finishing", "grain, halation, vignette, grade"),
}


def _header_pattern(header: str) -> str:
    words = re.split(r"\s*[&/]\s*|\s+", header)
    seps = re.findall(r"\s*[&/]\s*|\s+", header)
    parts = [re.escape(words[0])]
    for sep, word in zip(seps, words[1:], strict=True):
        if sep.strip() in ("&", "/"):
            parts.append(r"\s*(?:&|/|and|,)?\s*")
        else:
            parts.append(r"\s+")
        parts.append(re.escape(word))
    return "".join(parts)


# Headers start a line (after optional "Prompt:", markdown bullets, numbers or bold markers), may carry a
# parenthetical like "(1 shot / 5.0s)" and may end with a colon.
_HEADER_RE = re.compile(
    r"^[ \t>*#_\-\d.)]*(?:prompt:\s*)?[*_]*(?P<header>"
    + "|".join(f"(?P<{k}>{_header_pattern(h)})" for k, (h, _) in SECTIONS.items())
    + r")[*_]*(?P<paren>\s*\([^)\n]*\))?[*_]*\s*:?[*_]*",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Section:
    """One labelled section of an advanced prompt."""

    key: str  # SECTIONS key
    title: str  # header as found in the prompt
    paren: str | None  # parenthetical after the header, e.g. "1 shot / 5.0s"
    header_start: int
    body_start: int
    body_end: int

    def body(self, text: str) -> str:
        """Return the section's text."""
        return text[self.body_start:self.body_end]


def parse_sections(text: str) -> list[Section]:
    """Find the labelled sections of an advanced prompt; [] when fewer than 3 headers are present."""
    found: list[tuple[re.Match[str], str]] = []
    seen: set[str] = set()
    for m in _HEADER_RE.finditer(text):
        key = next(k for k in SECTIONS if m.group(k))
        if key in seen:
            continue
        seen.add(key)
        found.append((m, key))
    if len(found) < 3:
        return []
    sections: list[Section] = []
    for i, (m, key) in enumerate(found):
        end = found[i + 1][0].start() if i + 1 < len(found) else len(text)
        paren = m.group("paren")
        sections.append(
            Section(key, m.group("header"), paren.strip()[1:-1] if paren else None, m.start(), m.end(), end)
        )
    return sections


def section_at(sections: list[Section], pos: int) -> str | None:
    """Key of the section containing character position `pos`, if any."""
    for s in sections:
        if s.header_start <= pos < s.body_end:
            return s.key
    return None
