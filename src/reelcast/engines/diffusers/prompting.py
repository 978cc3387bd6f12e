"""Rewrite a ScenePlan shot into the descriptive prompt text-to-video models are trained on."""

from __future__ import annotations

from dataclasses import dataclass

from reelcast.prompt.plan import Action, Entity, ScenePlan, Shot

LOOKS: dict[str, str] = {
    "cinematic": "cinematic photorealistic film footage",
    "anime": "Japanese anime, cel shading, clean line art, hand-drawn animation",
    "cartoon": "3D cartoon animation, soft rounded shapes, vibrant colours",
    "noir": "black and white film noir, high contrast",
    "claymation": "claymation stop-motion, plasticine textures",
}
FRAMING: dict[str, str] = {"wide": "wide shot", "medium": "medium shot", "close_up": "close-up"}
MOVES: dict[str, str] = {
    "static": "static camera", "pan": "slow pan", "tilt": "tilt", "dolly": "dolly push-in",
    "track": "tracking shot alongside the subject", "orbit": "orbiting camera", "handheld": "handheld camera shake",
    "aerial": "aerial drone shot", "crane": "crane shot",
}
LIGHT: dict[str, str] = {
    "day": "natural daylight", "night": "night, artificial lights", "golden_hour": "warm golden hour light",
    "dusk": "dusk, blue hour light", "dawn": "soft dawn light",
}
VERBS: dict[str, str] = {
    "shoot": "shoots at", "bounce": "bounces off", "throw": "throws", "kick": "kicks", "grab": "grabs",
    "stand_on": "stands on", "ride": "rides", "spin_jump": "does a spinning jump", "backflip": "does a backflip",
    "frontflip": "does a front flip", "cartwheel": "does a cartwheel", "propel": "propels through the air",
    "float": "floats", "fall": "falls", "sit": "sits", "wave": "waves", "skate": "skates", "swim": "swims",
}
OUTCOMES: dict[str, str] = {"miss": "and misses", "make": "and scores", "land": "and lands it",
                            "fail": "and fails, crashing down"}


@dataclass
class CameoCue:
    """A cameo as the engine sees it: its handle, plain-language preferences and an optional reference image."""

    handle: str  # "@mina"
    preferences: str = ""  # "always wearing a red cap"
    image: object | None = None  # (H, W, 3) uint8 RGB reference, conditions image-to-video where supported


def _words(key: str) -> str:
    return key.replace("_", " ")


def describe_entity(e: Entity) -> str:
    """'two golden retrievers named Sora wearing a jet pack' from an entity."""
    attrs = [v for k, v in e.attributes.items() if k not in ("part", "preferences") and isinstance(v, str)]
    noun = _words(e.archetype)
    plural = "people" if noun == "person" else f"{noun}s"
    head = f"{e.count} {plural}" if e.count > 1 else f"a {noun}"
    if e.cameo:
        head = f"the person {e.cameo}"
    if attrs:
        head += " (" + ", ".join(_words(a) for a in attrs) + ")"
    if e.name:
        head += f" named {e.name}"
    return head


def describe_action(plan: ScenePlan, a: Action) -> str:
    """'the player shoots at the hoop and misses' from an action."""
    actor = plan.entity(a.actor)
    subject = f"the {_words(actor.archetype)}" if actor else f"the {_words(a.actor)}"
    if actor and actor.cameo:
        subject = actor.cameo
    verb = VERBS.get(a.verb, _words(a.verb) + "s")
    text = f"{subject} {verb}"
    target = plan.entity(a.target) if a.target else None
    if target is not None:
        text += f" the {_words(target.archetype)}"
    if a.outcome in OUTCOMES:
        text += " " + OUTCOMES[a.outcome]
    if a.attributes.get("intensity") == "hard":
        text += ", hard"
    return text


def _overlaps(a: Action, shot: Shot) -> bool:
    start = a.start if a.start is not None else shot.start
    end = a.end if a.end is not None else max(start, shot.end)
    return start < shot.end and (end > shot.start or start >= shot.start)


def shot_prompt(plan: ScenePlan, shot: Shot, cameos: list[CameoCue] | None = None) -> str:
    """The model prompt of one shot: style, subject, action, setting, camera and lighting, then cameo preferences."""
    style = plan.style
    parts = [LOOKS.get(style.look, _words(style.look))]
    if style.grade:
        parts.append(f"{_words(style.grade)} colour grade")
    if style.grain > 0.2:
        parts.append("film grain")
    if style.slow_motion:
        parts.append("slow motion")
    subjects = [describe_entity(e) for e in plan.entities if e.archetype not in ("place",)]
    if subjects:
        parts.append("featuring " + ", ".join(subjects[:6]))
    actions = [describe_action(plan, a) for a in plan.actions if _overlaps(a, shot)]
    if actions:
        parts.append("; ".join(actions))
    if shot.description:
        parts.append(shot.description.strip().rstrip("."))
    s = plan.setting
    place = _words(shot.place or s.place)
    indoor = s.indoor if shot.indoor is None else shot.indoor
    parts.append(f"{'inside' if indoor else 'at'} a {place}")
    if s.weather != "clear":
        parts.append(_words(s.weather))
    gravity = s.gravity if shot.gravity is None else shot.gravity
    if gravity < 1.0:
        parts.append("zero gravity, things float weightlessly")
    cam = shot.camera
    parts.append(f"{FRAMING.get(cam.framing, _words(cam.framing))}, {int(cam.focal_length_mm)}mm lens, "
                 f"{MOVES.get(cam.move, _words(cam.move))}")
    if cam.height != "eye":
        parts.append(f"{cam.height} angle")
    parts.append(LIGHT.get(s.time_of_day, _words(s.time_of_day)))
    handles = shot_handles(plan, shot)
    prefs = {e.cameo: str(e.attributes["preferences"]) for e in plan.entities
             if e.cameo and e.attributes.get("preferences")}  # set by the cameo service from the owner's text
    for cue in cameos or []:
        if cue.preferences.strip():
            prefs.setdefault(cue.handle, cue.preferences)
    for handle, text in prefs.items():
        if handle in handles and text.strip():
            parts.append(f"{handle}: {text.strip().rstrip('.')}")
    return ". ".join(p for p in parts if p) + "."


def shot_handles(plan: ScenePlan, shot: Shot) -> list[str]:
    """Cameo handles that appear in a shot (named in it, or the plan's only shot)."""
    handles = [h for h in plan.cameos if h in shot.description]
    if not handles and len(plan.shots) <= 1:
        handles = list(plan.cameos)
    return handles
