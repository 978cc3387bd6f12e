"""Shot structure: timecoded shot lists, free-text cuts, and tiling shots over [0, duration]."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reelcast.prompt.vocabulary import CUT_PHRASES, SINGLE_SHOT_PHRASES, THEN_SHOT_WORDS

_TIME = r"(\d+:\d{2}(?:\.\d+)?|\d+(?:\.\d+)?)"
_TIMECODE_RE = re.compile(
    rf"(?<![\w.:/]){_TIME}\s*s?\s*(?:–|—|-|to)\s*{_TIME}\s*s?(?![\w/%])"
    r"(?P<sep>\s*[—–:\-]+)?"
    r"(?:\s*[\"“](?P<title>[^\"”\n]{1,120})[\"”])?"
    r"(?:\s*\((?P<paren>[^)\n]{0,200})\))?",
    re.IGNORECASE,
)
_SHOT_LABEL_RE = re.compile(r"(?:^|(?<=[\s.;]))shot\s+(\d{1,2})\s*[:—–\-.]", re.IGNORECASE)
_FOCAL_RE = re.compile(r"(?<![\w.])(\d{2,3})\s?mm\b", re.IGNORECASE)


def _phrase_re(phrases: list[str]) -> re.Pattern[str]:
    alts = sorted((re.escape(p).replace(r"\ ", r"[\s\-]+") for p in phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.IGNORECASE)


_CUT_RE = _phrase_re(CUT_PHRASES)
_SINGLE_RE = _phrase_re(SINGLE_SHOT_PHRASES)
_THEN_RE = re.compile(r"(?:^|(?<=[.!?;]\s)|(?<=[.!?;]))\s*then\b,?\s*(\w+)", re.IGNORECASE | re.MULTILINE)


@dataclass
class ShotSpec:
    """A shot as written in the prompt, before tiling."""

    start: float | None  # seconds as written; None for free-text shots
    end: float | None
    text_start: int  # character span of the shot's description
    text_end: int
    title: str | None = None
    paren: str | None = None  # camera notes in brackets after the title
    marker: tuple[int, int] | None = None  # span of the timecode / cut words (understood, not content)


def _seconds(s: str) -> float:
    if ":" in s:
        m, sec = s.split(":", 1)
        return int(m) * 60 + float(sec)
    return float(s)


def find_timecoded_shots(text: str, region: tuple[int, int] | None = None) -> list[ShotSpec]:
    """Parse `0.0–2.5 — "Title" (50mm, …) description` items; `region` limits the search (a shot-list section)."""
    lo, hi = region if region else (0, len(text))
    hits = []
    for m in _TIMECODE_RE.finditer(text, lo, hi):
        # outside a shot-list section a bare range ("2-3 horses") is not a timecode
        if region is None and not (m.group("sep") or m.group("title") or m.group("paren")):
            continue
        t0, t1 = _seconds(m.group(1)), _seconds(m.group(2))
        if t1 <= t0:
            continue
        hits.append((m, t0, t1))
    specs = []
    for i, (m, t0, t1) in enumerate(hits):
        end = hits[i + 1][0].start() if i + 1 < len(hits) else hi
        # the marker (understood, not content) stops before the camera notes in brackets, which are read later
        marker_end = m.start("paren") if m.group("paren") is not None else m.end()
        specs.append(ShotSpec(t0, t1, m.end(), end, m.group("title"), m.group("paren"), (m.start(), marker_end)))
    return specs


def is_single_shot(text: str) -> re.Match[str] | None:
    """The "single shot" request, if present."""
    return _SINGLE_RE.search(text)


def split_free_text(text: str) -> list[ShotSpec]:
    """Split free text at cut words ("cut to", "the shot then changes", "Shot 2:", "Then a close-up …")."""
    markers: list[tuple[int, int]] = []
    for m in _CUT_RE.finditer(text):
        markers.append((m.start(), m.end()))
    for m in _SHOT_LABEL_RE.finditer(text):
        markers.append((m.start(), m.end()))
    for m in _THEN_RE.finditer(text):
        if m.group(1).lower() in THEN_SHOT_WORDS or m.group(1).lower() in ("a", "an", "the"):
            nxt = text[m.start(1):m.start(1) + 40].lower().split()
            words = {w.strip(",.;:") for w in nxt[:4]}
            if words & THEN_SHOT_WORDS or any(w.startswith("close") for w in words):
                markers.append((m.start(), m.start(1)))
    markers.sort()
    specs: list[ShotSpec] = []
    pos = 0
    marker: tuple[int, int] | None = None
    for a, b in markers:
        if a < pos:
            continue
        if text[pos:a].strip(" \t\n.,;:—–-"):
            specs.append(ShotSpec(None, None, pos, a, marker=marker))
        elif specs:
            pass
        marker = (a, b)
        pos = b
    specs.append(ShotSpec(None, None, pos, len(text), marker=marker))
    # a label that opens the prompt ("Shot 1: …") leaves no empty first shot
    return [s for s in specs if text[s.text_start:s.text_end].strip(" \t\n.,;:—–-")] or [
        ShotSpec(None, None, 0, len(text))
    ]


def focal_lengths(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, float]]:
    """All "35mm" / "50 mm" focal lengths in a span as (start, end, millimetres)."""
    return [(m.start(), m.end(), float(m.group(1))) for m in _FOCAL_RE.finditer(text, start, end or len(text))]


def tile(specs: list[ShotSpec], duration: float, fps: int, notes: list[str]) -> list[tuple[float, float]]:
    """Shot times that cover [0, duration] exactly, cut on frame boundaries; timecodes are scaled to fit."""
    n = len(specs)
    if n == 0:
        return [(0.0, duration)]
    if all(s.start is not None and s.end is not None for s in specs):
        starts = [float(s.start) for s in specs]  # type: ignore[arg-type]
        total = max(float(s.end) for s in specs)  # type: ignore[arg-type]
        if abs(total - duration) > 1e-6:
            notes.append(
                f"shot list spans {total:g}s but {duration:g}s were requested: timecodes scaled by "
                f"{duration / total:.3g}"
            )
        if starts[0] > 0:
            notes.append(f"shot list starts at {starts[0]:g}s: first shot extended back to 0")
        scale = duration / total
        raw = [t * scale for t in starts]
    else:
        raw = [duration * i / n for i in range(n)]
    frame = 1.0 / fps
    bounds = [0.0]
    for t in raw[1:]:
        b = round(t * fps) / fps
        b = min(max(b, bounds[-1] + frame), duration - frame)
        bounds.append(b)
    bounds.append(duration)
    return [(bounds[i], bounds[i + 1]) for i in range(n)]
