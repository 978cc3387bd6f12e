"""Style presets: looks, colour grades, surface materials and ground patterns, as plain numbers for uniforms."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reelcast.prompt.plan import Style

LOOKS = ("cinematic", "anime", "cartoon", "noir")

# material -> (specular strength, shininess)
MATERIALS: dict[str, tuple[float, float]] = {
    "default": (0.25, 32.0),
    "rubber": (0.12, 12.0),
    "wood": (0.15, 20.0),
    "metal": (0.9, 90.0),
    "glass": (1.0, 160.0),
    "ice": (0.8, 120.0),
    "water": (0.9, 140.0),
    "skin": (0.12, 14.0),
    "fur": (0.04, 6.0),
    "cloth": (0.05, 8.0),
    "grass": (0.04, 8.0),
    "concrete": (0.08, 10.0),
    "plastic": (0.5, 60.0),
    "stone": (0.1, 14.0),
    "leather": (0.25, 24.0),
    "paper": (0.05, 8.0),
    "snow": (0.2, 20.0),
    "sand": (0.05, 8.0),
}

# ground material -> (grid spacing m, line strength, checker strength, noise strength,
#                     noise scale 1/m, specular, shininess, stripe strength)
GROUNDS: dict[str, tuple[float, float, float, float, float, float, float, float]] = {
    "default": (1.0, 0.10, 0.04, 0.20, 0.6, 0.05, 12.0, 0.0),
    "grass": (2.0, 0.05, 0.0, 0.35, 0.45, 0.03, 8.0, 0.07),
    "wood": (0.25, 0.18, 0.05, 0.22, 1.6, 0.25, 40.0, 0.0),
    "concrete": (2.0, 0.14, 0.03, 0.18, 0.8, 0.06, 12.0, 0.0),
    "stone": (1.0, 0.2, 0.06, 0.3, 1.2, 0.08, 14.0, 0.0),
    "ice": (4.0, 0.05, 0.0, 0.10, 0.3, 0.7, 120.0, 0.0),
    "snow": (4.0, 0.03, 0.0, 0.12, 0.5, 0.15, 20.0, 0.0),
    "water": (4.0, 0.0, 0.0, 0.25, 0.35, 0.9, 150.0, 0.0),
    "sand": (3.0, 0.03, 0.0, 0.25, 1.0, 0.04, 8.0, 0.0),
    "dirt": (2.0, 0.04, 0.0, 0.35, 0.9, 0.03, 8.0, 0.0),
    "metal": (1.0, 0.2, 0.08, 0.08, 1.0, 0.5, 60.0, 0.0),
    "tile": (0.5, 0.25, 0.06, 0.1, 1.0, 0.2, 40.0, 0.0),
}


@dataclass(frozen=True)
class Grade:
    """Colour grade applied in the post pass (display space)."""

    lift: tuple[float, float, float] = (0.0, 0.0, 0.0)
    gamma: tuple[float, float, float] = (1.0, 1.0, 1.0)
    gain: tuple[float, float, float] = (1.0, 1.0, 1.0)
    saturation: float = 1.0
    contrast: float = 1.0
    shadow_tint: tuple[float, float, float] = (0.0, 0.0, 0.0)
    highlight_tint: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _mul(a: tuple[float, float, float], b: tuple[float, float, float]) -> tuple[float, float, float]:
    """Component-wise product."""
    return (a[0] * b[0], a[1] * b[1], a[2] * b[2])


def _add(a: tuple[float, float, float], b: tuple[float, float, float]) -> tuple[float, float, float]:
    """Component-wise sum."""
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


# Base grade per look.
LOOK_GRADES: dict[str, Grade] = {
    "cinematic": Grade(lift=(0.01, 0.012, 0.02), gamma=(1.0, 1.0, 1.0), saturation=1.08, contrast=1.08),
    "anime": Grade(lift=(0.02, 0.02, 0.035), saturation=1.18, contrast=1.04, gain=(1.02, 1.02, 1.0)),
    "cartoon": Grade(lift=(0.03, 0.03, 0.03), saturation=1.38, contrast=1.0, gamma=(1.06, 1.06, 1.06)),
    "noir": Grade(saturation=0.0, contrast=1.45, gamma=(0.95, 0.95, 0.95), lift=(0.0, 0.0, 0.0)),
}

# Grade words: each adjusts the look's base grade (several words combine).
GRADE_WORDS: dict[str, dict[str, object]] = {
    "warm": {"gain": (1.06, 1.0, 0.9), "highlight_tint": (0.02, 0.01, -0.01)},
    "golden": {"gain": (1.08, 1.0, 0.84), "highlight_tint": (0.03, 0.015, -0.02), "saturation": 1.05},
    "cool": {"gain": (0.92, 0.99, 1.08), "shadow_tint": (-0.01, 0.0, 0.02)},
    "cold": {"gain": (0.9, 0.98, 1.1), "shadow_tint": (-0.01, 0.0, 0.03)},
    "teal_orange": {
        "shadow_tint": (-0.03, 0.015, 0.04),
        "highlight_tint": (0.04, 0.01, -0.03),
        "saturation": 1.1,
        "contrast": 1.05,
    },
    "desaturated": {"saturation": 0.55, "contrast": 1.03},
    "muted": {"saturation": 0.7},
    "vibrant": {"saturation": 1.3},
    "pastel": {"saturation": 0.8, "lift": (0.06, 0.06, 0.07), "contrast": 0.9},
    "noir": {"saturation": 0.0, "contrast": 1.4},
    "bleach_bypass": {"saturation": 0.45, "contrast": 1.3},
    "vintage": {"lift": (0.05, 0.035, 0.02), "gain": (1.0, 0.96, 0.86), "saturation": 0.8, "contrast": 0.95},
    "sepia": {"saturation": 0.0, "highlight_tint": (0.06, 0.02, -0.04), "shadow_tint": (0.03, 0.01, -0.02)},
    "moody": {"contrast": 1.15, "gamma": (0.92, 0.92, 0.95), "saturation": 0.85},
    "bright": {"gain": (1.08, 1.08, 1.08), "gamma": (1.06, 1.06, 1.06)},
    "dark": {"gain": (0.88, 0.88, 0.9), "gamma": (0.92, 0.92, 0.92)},
    "neon": {"saturation": 1.4, "contrast": 1.1, "shadow_tint": (0.02, -0.01, 0.04)},
}


def normalize_look(look: str | None) -> str:
    """Map a style look to one of the rendered looks (claymation renders as cartoon; unknown as cinematic)."""
    key = (look or "cinematic").strip().lower()
    if key in LOOKS:
        return key
    if key in ("claymation", "toon", "pixar", "3d_cartoon"):
        return "cartoon"
    if key in ("manga", "cel", "cel_shaded"):
        return "anime"
    if key in ("black_and_white", "bw", "b&w"):
        return "noir"
    return "cinematic"


def grade_for(style: Style) -> Grade:
    """The grade of a style: the look's base, adjusted by each known word of `style.grade`."""
    g = LOOK_GRADES[normalize_look(style.look)]
    words = [w.replace("-", "_") for w in re.split(r"[\s,;+/]+", (style.grade or "").lower()) if w]
    joined = "_".join(words)
    if "teal" in words and "orange" in words or "teal_and_orange" in joined:
        words.append("teal_orange")
    for word in words:
        adj = GRADE_WORDS.get(word)
        if adj is None:
            continue
        g = replace(
            g,
            lift=_add(g.lift, adj.get("lift", (0.0, 0.0, 0.0))),  # type: ignore[arg-type]
            gamma=_mul(g.gamma, adj.get("gamma", (1.0, 1.0, 1.0))),  # type: ignore[arg-type]
            gain=_mul(g.gain, adj.get("gain", (1.0, 1.0, 1.0))),  # type: ignore[arg-type]
            saturation=g.saturation * float(adj.get("saturation", 1.0)),  # type: ignore[arg-type]
            contrast=g.contrast * float(adj.get("contrast", 1.0)),  # type: ignore[arg-type]
            shadow_tint=_add(g.shadow_tint, adj.get("shadow_tint", (0.0, 0.0, 0.0))),  # type: ignore[arg-type]
            highlight_tint=_add(g.highlight_tint, adj.get("highlight_tint", (0.0, 0.0, 0.0))),  # type: ignore[arg-type]
        )
    return g


def material(name: str) -> tuple[float, float]:
    """(specular strength, shininess) of a surface material name."""
    return MATERIALS.get((name or "default").lower(), MATERIALS["default"])


def ground_pattern(name: str) -> tuple[float, float, float, float, float, float, float, float]:
    """Procedural ground parameters for a ground material name."""
    return GROUNDS.get((name or "default").lower(), GROUNDS["default"])
