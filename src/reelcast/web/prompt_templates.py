"""The Create page's prompt templates, one per level of the prompt guide (basic, intermediate, advanced)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PromptTemplate:
    """A starting prompt the Create page inserts into the prompt box."""

    key: str
    label: str
    hint: str
    text: str


BASIC = PromptTemplate(
    "basic", "Basic", "One sentence: who does what, where.",
    "a basketball player shoots and misses, the ball bounces off the backboard",
)

INTERMEDIATE = PromptTemplate(
    "intermediate", "Intermediate", "Style, subject, action, setting, camera, mood and sound.",
    "Cinematic 35mm film look. A golden retriever in a tiny astronaut suit floats through a space station, "
    "grabbing a tennis ball in zero gravity. Wide shot, slow dolly in. Playful, wondrous mood. "
    "Sound: soft station hum, retro synth music.",
)

# The 11 labelled sections of the advanced format (PRODUCT.md §1), each mapped to plan fields by the compiler.
ADVANCED = PromptTemplate(
    "advanced", "Advanced", "The 11 labelled sections; each one sets part of the plan.",
    "Primary Target & Visuals A dragon slicing past serrated ice spires over a cobalt fjord.\n"
    "Format & Look 5.0s; 4K; 180° shutter; very fine grain.\n"
    "Lenses & Filtration 50mm spherical, aerial platform tracking alongside.\n"
    "Grade / Palette Cool ice whites, steel-blue mids, warm amber rim light.\n"
    "Lighting & Atmosphere Late-afternoon low sun; thin frozen haze for depth.\n"
    "Location & Framing Serac field and knife-edged ridgeline; camera tracks alongside at mid-altitude.\n"
    "Wardrobe / Props / Vehicle Notes N/A (creature).\n"
    "Sound Wind shear, wing thunder each downstroke, distant calving boom. No score.\n"
    "Optimized Shot List (1 shot / 5.0s) 0.0–5.0 — \"Parallel Ridge Carve\" (50mm, aerial track) The dragon "
    "threads the ice spires, then banks toward the fjord.\n"
    "Camera Notes 50mm keeps creature and landscape in scale; the parallel track sells speed.\n"
    "Finishing Fine grain; minimal halation on snow speculars.",
)

TEMPLATES: tuple[PromptTemplate, ...] = (BASIC, INTERMEDIATE, ADVANCED)

# Style chips append a phrase the prompt compiler understands (the look comes from words in the prompt).
STYLES: tuple[tuple[str, str], ...] = (
    ("cinematic", "cinematic, 35mm film"),
    ("anime", "in the style of a japanese anime"),
    ("cartoon", "3D cartoon style"),
    ("noir", "black and white film noir"),
)
