"""Archetype registry: archetype key → builder that adds bodies and drawable parts for an Entity."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, BodyActor, StaticActor, stable_rng
from reelcast.engines.sim.world.basketball import (
    BALL_RADIUS,
    HoopActor,
    add_ball_body,
    basketball_parts,
)
from reelcast.engines.sim.world.camera import Director
from reelcast.engines.sim.world.conversation import conversation_spans, talking_pair
from reelcast.engines.sim.world.humanoid import (
    HAIR,
    NATIVE_HEIGHT,
    SKIN_TONES,
    HumanoidActor,
    Kinematics,
    color_of,
)
from reelcast.engines.sim.world.motions import VERB_CLIPS, MotionTrack, load_clip
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.prompt.plan import Action, Entity, ScenePlan


@dataclass
class BuildContext:
    """Everything archetype builders share: the plan, seed, physics world, FK client and layout."""

    plan: ScenePlan
    seed: int
    world: PhysicsWorld
    kin: Kinematics
    anchors: dict[str, tuple[float, float]]
    actors: dict[str, Actor] = field(default_factory=dict)  # entity id → main actor
    extra: list[Actor] = field(default_factory=list)  # more actors (count > 1, controllers)
    notes: list[str] = field(default_factory=list)
    timings: dict[int, tuple[float, float]] = field(default_factory=dict)  # action index → (start, end)
    directors: list[Director] = field(default_factory=list)  # world-specific shot staging, asked before the rigs

    @property
    def gravity(self) -> float:
        """Gravity of the world (m/s²)."""
        return self.world.gravity

    def actions_of(self, entity_id: str) -> list[tuple[int, Action]]:
        """Return (index, action) pairs whose actor is this entity."""
        return [(i, a) for i, a in enumerate(self.plan.actions) if a.actor == entity_id]

    def note(self, text: str) -> None:
        """Record a decision for the plan's notes."""
        if text not in self.notes:
            self.notes.append(text)


Builder = Callable[[BuildContext, Entity, np.ndarray, float], Actor]
BALL_ARCHETYPES = ("basketball", "ball", "tennis_ball", "soccer_ball", "football", "beach_ball")
ARCHETYPES: dict[str, Builder] = {}


def register(*keys: str) -> Callable[[Builder], Builder]:
    """Register a builder under one or more archetype keys."""
    def deco(fn: Builder) -> Builder:
        for k in keys:
            ARCHETYPES[k] = fn
        return fn
    return deco


def build_entity(ctx: BuildContext, entity: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """Build one entity with its archetype's builder (a labelled generic prop when the archetype is unknown)."""
    fn = ARCHETYPES.get(entity.archetype)
    if fn is None:
        ctx.note(f"sim: no model for archetype {entity.archetype!r} ({entity.id}); drawn as a generic prop")
        fn = generic_prop
    return fn(ctx, entity, pos, yaw)


# --------------------------------------------------------------------------------------------- people
def person_colors(ctx: BuildContext, e: Entity) -> dict[str, tuple[float, ...]]:
    """Return skin, hair and clothing colours from the entity's attributes (seeded where unspecified)."""
    rng = stable_rng(ctx.seed, "person", e.id)
    a = {k.lower(): v for k, v in e.attributes.items()}
    basketball = ctx.plan.setting.place == "basketball_court"
    shirt_default = tuple(float(v) for v in rng.choice([(0.78, 0.1, 0.1), (0.12, 0.25, 0.75), (0.95, 0.6, 0.1),
                                                        (0.15, 0.5, 0.25), (0.92, 0.92, 0.9)]))
    shirt = color_of(a.get("shirt") or a.get("jersey") or a.get("top") or a.get("clothing") or a.get("color"),
                     shirt_default)
    shorts = color_of(a.get("shorts") or a.get("pants") or a.get("trousers"),
                      shirt if basketball else (0.15, 0.18, 0.3))
    skin = SKIN_TONES[int(rng.integers(len(SKIN_TONES)))]
    hair = HAIR[int(rng.integers(len(HAIR)))]
    # A verified cameo's measured colours (attributes "skin_rgb"/"hair_rgb") replace the seeded ones.
    skin = _hex_rgb(a.get("skin_rgb")) or skin
    hair = _hex_rgb(a.get("hair_rgb")) or hair
    return {
        "skin": skin, "hair": color_of(a.get("hair"), hair), "shirt": shirt, "shorts": shorts,
        "shoes": color_of(a.get("shoes"), (0.1, 0.1, 0.12)), "sock": (0.93, 0.93, 0.93), "eye": (0.04, 0.04, 0.05),
    }


def _hex_rgb(value: str | None) -> tuple[float, float, float] | None:
    """An "#rrggbb" attribute as RGB in 0..1, or None."""
    if not value or len(value) != 7 or not value.startswith("#"):
        return None
    try:
        return tuple(int(value[i:i + 2], 16) / 255.0 for i in (1, 3, 5))  # type: ignore[return-value]
    except ValueError:
        return None


def action_window(ctx: BuildContext, idx: int, a: Action, clip_len: float, after: float) -> tuple[float, float]:
    """Return (start, end) of an action: the plan's times, else after the previous action for its natural length."""
    start = a.start if a.start is not None else max(after, 0.3 if after == 0 else after)
    end = a.end if a.end is not None else start + clip_len
    end = min(end, ctx.plan.duration + 0.5)
    ctx.timings[idx] = (start, end)
    return start, end


@register("person", "man", "woman", "child", "player", "skater", "astronaut", "dancer")
def person(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A humanoid that plays motion clips for its verbs; "fall" makes it a ragdoll."""
    spans: list[tuple[float, float, str]] = []
    fall_at = None
    fall_push = (0.0, 0.0, 0.0)
    t = 0.0
    for idx, a in ctx.actions_of(e.id):
        if a.verb == "fall":
            start, _ = action_window(ctx, idx, a, 2.0, t)
            fall_at = start
            rng = stable_rng(ctx.seed, "fall", e.id)
            ang = yaw + math.pi + rng.uniform(-0.6, 0.6)  # mostly backwards
            fall_push = (1.2 * math.cos(ang), 1.2 * math.sin(ang), 0.0)
            break
        clip_name = VERB_CLIPS.get(a.verb)
        if clip_name is None:
            ctx.note(f"sim: verb {a.verb!r} has no motion yet; {e.id} idles instead")
            clip_name = "idle"
        clip = load_clip(clip_name)
        natural = clip.duration if clip_name not in ("idle", "talk") else ctx.plan.duration - t
        if clip_name in ("walk", "run", "dance_a", "spin") and a.end is None:
            natural = max(clip.duration, ctx.plan.duration - max(t, 0.3))
        start, end = action_window(ctx, idx, a, natural, t)
        spans.append((start, end, clip_name))
        t = end
    height = NATIVE_HEIGHT
    h = e.attributes.get("height")
    if h:
        try:
            height = float(str(h).rstrip("m "))
        except ValueError:
            height = {"tall": 1.9, "short": 1.5}.get(str(h).lower(), NATIVE_HEIGHT)
    if e.archetype == "child":
        height = 1.2
    if ctx.plan.setting.place == "basketball_court" and not h:
        height = 1.9
    from reelcast.engines.sim.world.horses import build_standing_rider, stands_on_horses
    from reelcast.engines.sim.world.water import board_under, build_board_rider

    board = board_under(ctx, e)
    if board is not None:
        return build_board_rider(ctx, e, pos, yaw, person_colors(ctx, e), height, board)
    mount = stands_on_horses(ctx, e)
    if mount is not None:
        return build_standing_rider(ctx, e, pos, yaw, person_colors(ctx, e), height, mount)
    if any(a.verb == "spin_jump" for _, a in ctx.actions_of(e.id)):
        from reelcast.engines.sim.world.skating import build_skater

        return build_skater(ctx, e, pos, yaw, person_colors(ctx, e), height)
    pair = talking_pair(ctx.plan)
    if pair is not None and e.id in pair:  # a face-to-face conversation: gesture while speaking, still listening
        spans = conversation_spans(ctx.plan, e.id, pair)
    track = MotionTrack(spans, ctx.plan.duration, (float(pos[0]), float(pos[1])), yaw, height / NATIVE_HEIGHT)
    actor = HumanoidActor(e.id, track, ctx.kin, person_colors(ctx, e), height, fall_at, fall_push)
    # balls bounce off people; a shooter is left out so the searched shot is not deflected by the follow-through
    has_balls = any(x.archetype in BALL_ARCHETYPES for x in ctx.plan.entities)
    if has_balls and not any(a.verb == "shoot" for _, a in ctx.actions_of(e.id)):
        actor.add_colliders(ctx.world)
    if any(line.speaker == e.id for line in ctx.plan.sound.dialogue):
        from reelcast.engines.sim.world.lips import speech_curves

        curves = speech_curves(ctx.plan, ctx.plan.fps, int(round(ctx.plan.duration * ctx.plan.fps)) + 1)
        actor.mouth_curve, actor.mouth_fps = curves.get(e.id), ctx.plan.fps
    return actor


# --------------------------------------------------------------------------------------------- props
def _ball(ctx: BuildContext, e: Entity, pos: np.ndarray, radius: float, mass: float, color: tuple[float, ...],
          restitution: float, parts: list[tuple[Part, np.ndarray]] | None = None) -> Actor:
    z = radius if ctx.gravity > 0 else 1.2
    p = np.array([pos[0], pos[1], max(pos[2], z)])
    if parts is None:
        body = ctx.world.add_sphere(e.id, radius, tuple(p), mass, "rubber", restitution, 0.7, 0.002)
        parts = [(Part(e.id, e.id, "sphere", (radius,), color, "rubber"), np.eye(4))]
    else:
        body = add_ball_body(ctx.world, e.id, p)
    return BodyActor(e.id, body, parts, size=max(0.5, radius * 4))


@register("basketball")
def basketball(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """An orange basketball with seams."""
    color = color_of(e.attributes.get("color"), (0.85, 0.38, 0.1))
    return _ball(ctx, e, pos, BALL_RADIUS, 0.62, color, 0.9, basketball_parts(e.id, color))


@register("ball", "soccer_ball", "football", "beach_ball")
def ball(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A generic ball (football size), coloured from its attributes."""
    color = color_of(e.attributes.get("color"), (0.9, 0.9, 0.88))
    return _ball(ctx, e, pos, 0.11, 0.43, color, 0.85)


@register("tennis_ball")
def tennis_ball(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A fuzzy yellow-green tennis ball (r 3.3 cm, 58 g)."""
    return _ball(ctx, e, pos, 0.033, 0.058, color_of(e.attributes.get("color"), (0.8, 0.9, 0.2)), 0.85)


@register("box", "crate")
def box(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A cardboard box resting on the ground (or floating in zero-g)."""
    half = (0.25, 0.2, 0.18)
    z = half[2] if ctx.gravity > 0 else 1.3
    body = ctx.world.add_box(e.id, half, (float(pos[0]), float(pos[1]), z), mass=2.0, material="cardboard",
                             restitution=0.2, friction=0.7)
    color = color_of(e.attributes.get("color"), (0.72, 0.55, 0.35))
    parts = [(Part(e.id, e.id, "box", half, color, "cardboard"), np.eye(4)),
             (Part(f"{e.id}/tape", e.id, "box", (0.255, 0.04, 0.183), (0.85, 0.78, 0.6), "paper"), np.eye(4))]
    return BodyActor(e.id, body, parts, size=0.6)


@register("lantern")
def lantern(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A glowing paper lantern hanging at head height."""
    color = color_of(e.attributes.get("color"), (1.0, 0.55, 0.2))
    z = 2.2 + stable_rng(ctx.seed, "lantern", e.id).uniform(0, 0.6)
    m = np.eye(4)
    m[:3, 3] = (pos[0], pos[1], z)
    parts = [(Part(e.id, e.id, "sphere", (0.2,), color, "paper", emissive=0.9, casts_shadow=False), m)]
    return StaticActor(e.id, parts, size=0.5)


@register("hoop")
def hoop(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A basketball hoop facing back towards the origin (the shooter's mark)."""
    rim = np.array([pos[0], pos[1], 3.05])
    facing = -np.array([math.cos(yaw), math.sin(yaw), 0.0])
    return HoopActor(e.id, ctx.world, rim, facing)


def generic_prop(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """A labelled stand-in for archetypes without a model: a coloured block on a plinth."""
    color = color_of(e.attributes.get("color"), (0.6, 0.5, 0.75))
    m = np.eye(4)
    m[:3, 3] = (pos[0], pos[1], 0.4)
    base = np.eye(4)
    base[:3, 3] = (pos[0], pos[1], 0.05)
    parts = [(Part(f"{e.id}/prop:{e.archetype}", e.id, "box", (0.3, 0.3, 0.3), color, "plastic"), m),
             (Part(f"{e.id}/plinth", e.id, "box", (0.4, 0.4, 0.05), (0.3, 0.3, 0.32), "plastic"), base)]
    return StaticActor(e.id, parts, size=0.8)


# creatures register themselves on import
from reelcast.engines.sim.world import creatures as _creatures  # noqa: E402,F401
from reelcast.engines.sim.world import horses as _horses  # noqa: E402,F401  (replaces the proxy horse)
from reelcast.engines.sim.world import water as _water  # noqa: E402,F401
