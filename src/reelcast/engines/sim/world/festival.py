"""Festival night: fireworks as particle bursts (a few large emissive parts each, expanding and fading) whose booms
arrive distance / 343 m/s after the flash, and strings of glowing paper lanterns over the square.
"""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.scene import Part
from reelcast.engines.sim.world.actors import Actor, stable_rng
from reelcast.engines.sim.world.archetypes import BuildContext, register
from reelcast.engines.sim.world.humanoid import HumanoidActor
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.quat import rot_x, rot_z, translate
from reelcast.prompt.plan import Entity, ScenePlan

SPEED_OF_SOUND = 343.0  # m/s
SPARKS = 24  # particles per burst
BURST_LIFE = 1.8  # seconds a burst glows
BURST_EVERY = 0.4  # seconds between bursts (on average)
SPREAD_DEG = 22.0  # bursts lie within this many degrees of the street's axis
ELEVATION_DEG = (7.0, 16.0)
LISTENER = np.array([0.0, 0.0, 1.6])  # the characters' ears: they stand around the origin
COLORS = [(1.0, 0.45, 0.3), (0.5, 0.8, 1.0), (1.0, 0.85, 0.35), (0.75, 0.5, 1.0), (0.5, 1.0, 0.6)]
LANTERN_STRINGS = 3
LANTERNS_PER_STRING = 9


class FireworksActor(Actor):
    """Bursts at seeded times and places in the sky; each spark flies out radially, droops and fades."""

    def __init__(self, entity: str, seed: int, duration: float) -> None:
        self.entity = entity
        self.size = 50.0  # sky: cameras do not frame it
        rng = stable_rng(seed, "fireworks", entity)
        n = max(2, int(round(duration / BURST_EVERY)))
        self.times = np.sort(rng.uniform(0.0, max(0.2, duration - 0.4), n))
        # over both ends of the street (the x axis, where the camera looks past the characters), alternating so
        # each end has a burst about every 2·BURST_EVERY seconds; 60-100 m away, low in the sky behind the heads
        az = np.where(np.arange(n) % 2 == 0, 0.0, math.pi) + np.radians(rng.uniform(-SPREAD_DEG, SPREAD_DEG, n))
        dist = rng.uniform(60, 100, n)
        elev = np.radians(rng.uniform(*ELEVATION_DEG, n))
        self.centers = np.stack([dist * np.cos(az), dist * np.sin(az), 1.6 + dist * np.tan(elev)], 1)
        dirs = rng.normal(size=(n, SPARKS, 3))
        self.dirs = dirs / np.linalg.norm(dirs, axis=2, keepdims=True)
        self.speed = rng.uniform(22, 32, n)  # m/s: a burst opens 10-15 m wide
        self.parts = []
        for b in range(n):
            col = COLORS[int(rng.integers(len(COLORS)))]
            self.parts += [Part(f"{entity}/burst{b}_{k}", entity, "sphere", (2.2,), col, "spark", emissive=1.0,
                                casts_shadow=False) for k in range(SPARKS)]

    def boom_times(self) -> list[float]:
        """When each burst's boom reaches the listener: flash time + distance / speed of sound."""
        return [float(t + np.linalg.norm(c - LISTENER) / SPEED_OF_SOUND) for t, c in zip(self.times, self.centers,
                                                                                          strict=True)]

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Sparks are hidden (scale 0) before their burst, then expand, droop under gravity and shrink away."""
        n = len(self.times)
        out = np.zeros((n, SPARKS, 4, 4))
        reach, k, drop = np.empty(n), np.empty(n), np.zeros((n, 3))
        for b, tb in enumerate(self.times):  # per burst: its age's scalars (math.exp, as before)
            age = t - tb
            alive = 0.0 <= age <= BURST_LIFE
            reach[b] = self.speed[b] * (1 - math.exp(-2.2 * max(age, 0.0))) / 2.2
            k[b] = (1.0 - age / BURST_LIFE) ** 0.7 if alive else 0.0
            drop[b, 2] = -1.5 * max(age, 0.0) ** 2
        # every spark of every burst at once, with the same sums in the same order as one burst at a time
        out[:, :, :3, 3] = self.centers[:, None, :] + self.dirs * reach[:, None, None] + drop[:, None, :]
        out[:, :, 0, 0] = out[:, :, 1, 1] = out[:, :, 2, 2] = k[:, None]
        out[:, :, 3, 3] = 1.0
        return out.reshape(n * SPARKS, 4, 4)

    def sound_events(self) -> list[ContactEvent]:
        """One boom per burst, delayed by the sound's travel time to the listener."""
        return [ContactEvent(t=tb, body_a=f"{self.entity}/burst{b}_0", body_b="air", impulse=40.0,
                             position=tuple(float(v) for v in self.centers[b]), material_a="firework",
                             material_b="air")
                for b, tb in enumerate(self.boom_times())]


class LanternStrings(Actor):
    """Strings of glowing paper lanterns sagging across the festival street."""

    def __init__(self, seed: int) -> None:
        self.entity = "lanterns"
        self.size = 20.0
        rng = stable_rng(seed, "lantern_strings")
        self.parts, poses = [], []
        for s in range(LANTERN_STRINGS):
            x = -6.0 + 6.0 * s
            for k in range(LANTERNS_PER_STRING):
                u = k / (LANTERNS_PER_STRING - 1)
                y = -6.0 + 12.0 * u
                z = 4.2 - 1.2 * math.sin(math.pi * u)  # the string sags in the middle
                col = (1.0, 0.35, 0.2) if (k + s) % 3 else (1.0, 0.8, 0.4)
                self.parts.append(Part(f"lanterns/{s}_{k}", "lanterns", "capsule", (0.22, 0.12), col, "paper",
                                       emissive=0.9, casts_shadow=False))
                poses.append(translate(x + rng.uniform(-0.2, 0.2), y, z))
        self._poses = np.array(poses)

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Lanterns sway a little in the evening breeze."""
        sway = 0.04 * np.sin(1.3 * t + np.arange(len(self._poses)))
        poses = self._poses.copy()
        poses[:, 0, 3] += sway
        return poses


# ------------------------------------------------------------------------------ talking characters (anime)
def speech_envelopes(plan: ScenePlan, n_frames: int, fps: int) -> dict[str, np.ndarray]:
    """Per-speaker mouth opening 0..1 per frame from the very speech the soundtrack will contain.

    Each line is synthesised with the same voice and placed with the same rule as `audio.speech.render_dialogue`
    (its start, or after the previous line), and its loudness per frame becomes the jaw opening: lips move exactly
    while, and as much as, that character's voice sounds.
    """
    from reelcast.engines.sim.audio.speech import FIRST_LINE_S, LINE_GAP_S, speak, speaker_voices

    sr = 16000
    out: dict[str, np.ndarray] = {}
    if not plan.sound.dialogue:
        return out
    voices = speaker_voices(plan)
    cursor = FIRST_LINE_S
    hop = sr / fps
    for line in plan.sound.dialogue:
        if not line.text.strip():
            continue
        pcm = speak(line.text, line.language or "en", voices[line.speaker], sr)
        start = line.start if line.start is not None else cursor
        cursor = start + pcm.size / sr + LINE_GAP_S
        env = out.setdefault(line.speaker, np.zeros(n_frames, np.float32))
        n = int(pcm.size // hop)
        if n == 0:
            continue
        rms = np.sqrt(np.mean(pcm[: int(n * hop)].reshape(n, -1) ** 2, axis=1)) if hop.is_integer() else np.array(
            [np.sqrt(np.mean(pcm[int(i * hop): int((i + 1) * hop)] ** 2)) for i in range(n)])
        level = np.clip(rms / (0.6 * max(float(rms.max()), 1e-6)), 0.0, 1.0)
        f0 = int(round(start * fps))
        for i, v in enumerate(level):
            if 0 <= f0 + i < n_frames:
                env[f0 + i] = max(env[f0 + i], float(v))
    return out


# hair styles in the humanoid's neck-link frame (x forward, y up the neck, z to the right), at height scale 1
HAIR_STYLES: dict[str, list[tuple[str, str, tuple[float, ...], tuple[float, float, float], tuple[float, float]]]] = {
    # (name, shape, size, position, (tilt about z, tilt about x))
    "spiky": [("cap", "sphere", (0.108,), (-0.01, 0.195, 0.0), (0.0, 0.0))]
    + [(f"spike{i}", "cone", (0.035, 0.055), (-0.04 + 0.03 * math.cos(a), 0.25, 0.06 * math.sin(a)),
        (0.6 + 0.5 * math.cos(a), 0.8 * math.sin(a))) for i, a in enumerate(np.linspace(0, 2 * math.pi, 7)[:-1])]
    # the fringe: a long middle lock between the brows, shorter side locks set higher so the brows show under them
    + [(f"bang{i}", "cone", (0.022, h), (0.09, y, z), (-2.3, 0.0))
       for i, (z, y, h) in enumerate(((-0.045, 0.26, 0.034), (0.0, 0.235, 0.04), (0.045, 0.26, 0.034)))],
    "long": [("cap", "sphere", (0.108,), (-0.01, 0.195, 0.0), (0.0, 0.0)),
             ("back", "capsule", (0.085, 0.09), (-0.06, 0.09, 0.0), (0.15, 0.0)),
             ("bun", "sphere", (0.05,), (-0.1, 0.26, 0.0), (0.0, 0.0)),
             ("flower", "sphere", (0.028,), (0.0, 0.25, 0.1), (0.0, 0.0))]
    + [(f"bang{i}", "cone", (0.025, 0.045), (0.09, 0.23, z), (-2.4, 0.0)) for i, z in enumerate((-0.05, 0.0, 0.05))],
}
HAIR_COLORS = [(0.07, 0.07, 0.16), (0.6, 0.22, 0.14)]
IRIS_COLORS = [(0.2, 0.35, 0.8), (0.6, 0.32, 0.12)]
HEAD_CENTER = np.array([0.012, 0.17, 0.0])  # the humanoid's head sphere in the neck-link frame (height scale 1)
HEAD_RADIUS = 0.1
EYE_AT = (0.008, 0.04)  # eye centres: this far above the head's centre and to each side (metres)
SKIN_FILL = 0.32  # self-light on the talkers' skin: warm lantern fill, so darker skin tones read against the night
BROW_TILT = 0.3  # radians the brows' inner ends are raised: the melancholy the prompt asks for
# (name, shape, size, colour or None for the character's own, emissive, (up, side, out) on the face, scale of the
# sphere or capsule in the face's (out, up, side) frame, roll in the face plane times the side's sign)
FACE: list[tuple[str, str, tuple[float, ...], tuple[float, float, float] | None, float,
                 tuple[float, float, float], tuple[float, float, float], float]] = [
    ("sclera", "sphere", (0.03,), (0.97, 0.96, 0.98), 0.3, (0.0, 0.0, -0.003), (0.25, 0.95, 0.8), 0.0),
    ("iris", "sphere", (0.021,), None, 0.2, (-0.002, -0.002, -0.0005), (0.3, 1.15, 0.85), 0.0),
    ("pupil", "sphere", (0.012,), (0.03, 0.02, 0.06), 0.0, (-0.001, -0.002, 0.0005), (0.35, 1.2, 0.85), 0.0),
    ("catchlight", "sphere", (0.0065,), (1.0, 1.0, 1.0), 1.0, (0.011, 0.007, 0.005), (0.5, 1.0, 1.0), 0.0),
    ("lash", "capsule", (0.0045, 0.022), (0.05, 0.03, 0.05), 0.0, (0.027, 0.0, 0.002), (1.0, 1.0, 1.0), 0.2),
    ("brow", "capsule", (0.0038, 0.016), None, 0.0, (0.043, 0.003, 0.003), (1.0, 1.0, 1.0), BROW_TILT),
]
MOUTH_AT = -0.045  # the mouth: this far below the head's centre
MOUTH_SIZE = 0.012


def on_face(up: float, side: float, out: float) -> np.ndarray:
    """A frame on the head sphere's front, `up`/`side` from its centre and `out` off its surface (neck-link frame,
    height scale 1): x along the surface normal, y up the face, z to the character's right, so flat features
    (eyes, brows, mouth) lie on the curved face instead of sticking out of it."""
    n = np.array([math.sqrt(max(HEAD_RADIUS ** 2 - up ** 2 - side ** 2, 1e-8)), up, side]) / HEAD_RADIUS
    y = np.array([0.0, 1.0, 0.0]) - n[1] * n
    y /= np.linalg.norm(y)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2] = n, y, np.cross(n, y)
    m[:3, 3] = HEAD_CENTER + (HEAD_RADIUS + out) * n
    return m
YUKATA = [((0.15, 0.22, 0.45), (0.9, 0.75, 0.3)), ((0.9, 0.55, 0.65), (0.6, 0.15, 0.25))]  # (robe, obi)


# constant factors of the decor's part chains (built once, not per frame)
_UPRIGHT = rot_x(-math.pi / 2)
_ROBE = (translate(0.0, 0.05, 0.0), np.diag([0.82, 1.05, 1.0, 1.0]))
_COLLARS = [(translate(0.115, 0.1, side * 0.035), rot_x(side * 0.45)) for side in (1, -1)]
_OBI = translate(0.0, 0.05, 0.0)
_SKIRT = translate(0.0, -0.07, 0.0)


class TalkerDecor(Actor):
    """Anime styling and lip sync for a talking humanoid: hair, yukata collar + obi, and a mouth that opens with
    the character's own speech. Follows the humanoid's link frames (it is sampled right after it)."""

    def __init__(self, ctx: BuildContext, entity_id: str, k: int, mouth: np.ndarray) -> None:
        self.entity = entity_id
        self.ctx = ctx
        self.size = 1.7
        self.mouth = mouth
        style = list(HAIR_STYLES)[k % len(HAIR_STYLES)]
        hair = HAIR_COLORS[k % len(HAIR_COLORS)]
        robe, obi = YUKATA[k % len(YUKATA)]
        self.hair = HAIR_STYLES[style]
        # each lock's constant factors, built once (the chain is still multiplied left to right, so the same bits)
        self._hair_factors = [(translate(*pos), rot_z(tz), rot_x(tx)) for _, _, _, pos, (tz, tx) in self.hair]
        self.parts = []
        for name, shape, size, _, _ in self.hair:
            col = (0.95, 0.3, 0.4) if name == "flower" else hair
            self.parts.append(Part(f"{entity_id}/hair_{name}", entity_id, shape, size, col, "hair"))
        self.parts += [
            Part(f"{entity_id}/mouth", entity_id, "sphere", (MOUTH_SIZE,), (0.3, 0.06, 0.08), "skin"),
            Part(f"{entity_id}/robe", entity_id, "capsule", (0.155, 0.16), robe, "cloth"),
            Part(f"{entity_id}/collar_l", entity_id, "box", (0.012, 0.09, 0.03), (0.95, 0.95, 0.92), "cloth"),
            Part(f"{entity_id}/collar_r", entity_id, "box", (0.012, 0.09, 0.03), (0.95, 0.95, 0.92), "cloth"),
            Part(f"{entity_id}/obi", entity_id, "cylinder", (0.16, 0.05), obi, "cloth"),
            Part(f"{entity_id}/skirt", entity_id, "cone", (0.24, 0.42), robe, "cloth"),
        ]
        own = {"iris": IRIS_COLORS[k % len(IRIS_COLORS)], "brow": hair}
        for side in ("l", "r"):  # anime eyes: white, a tall iris, pupil, catch-light, lash line; sad brows above
            self.parts += [Part(f"{entity_id}/{name}_{side}", entity_id, shape, size, col or own[name],
                                "eye" if shape == "sphere" else "hair", emissive=glow, casts_shadow=False)
                           for name, shape, size, col, glow, _, _, _ in FACE]
        self._styled = False
        up, across = EYE_AT  # side offsets point outwards (away from the nose) on both eyes
        # the neck frame's z points to the character's right: l is −z
        self._face = np.array([on_face(up + du, side * (across + ds), do) @ rot_x(side * roll) @ np.diag([*sc, 1.0])
                               for side in (-1, 1) for _, _, _, _, _, (du, ds, do), sc, roll in FACE])
        self._mouth_at = on_face(MOUTH_AT, 0.0, -0.001)

    def mouth_open(self, t: float) -> float:
        """Jaw opening 0..1 at time t (from the speech envelope)."""
        fps = self.ctx.plan.fps
        i = min(max(int(round(t * fps)), 0), len(self.mouth) - 1)
        return float(self.mouth[i]) if len(self.mouth) else 0.0

    def sample(self, world: PhysicsWorld, t: float) -> np.ndarray:
        """Hair and mouth ride on the neck link; robe on the chest; obi and skirt on the pelvis."""
        person = self.ctx.actors.get(self.entity)
        frames = getattr(person, "last_frames", None) or {}
        k = float(getattr(person, "scale", 1.0))
        if not frames:
            return np.zeros((len(self.parts), 4, 4))
        if not self._styled and isinstance(person, HumanoidActor):
            # the anime face replaces the humanoid's round nose, eyes and lips: a tiny nose, the rest gone
            person.resize_part("nose", 0.006 * k)
            for name in ("eye_l", "eye_r", "lips"):
                person.resize_part(name, 1e-4)
            person.fill_skin(SKIN_FILL)
            self._styled = True
        S = np.diag([k, k, k, 1.0])
        neck, chest, root = frames["neck"] @ S, frames["chest"] @ S, frames["root"] @ S
        out = [neck @ tr @ rz @ rx @ _UPRIGHT for tr, rz, rx in self._hair_factors]
        m = self.mouth_open(t)
        # a thin line when closed; talking opens it into a small oval that narrows as it opens
        out.append(neck @ self._mouth_at @ np.diag([0.3, 0.15 + 0.85 * m, 1.0 - 0.3 * m, 1.0]))
        out.append(chest @ _ROBE[0] @ _UPRIGHT @ _ROBE[1])
        for collar, tilt in _COLLARS:
            out.append(chest @ collar @ tilt)
        out.append(root @ _OBI @ _UPRIGHT)
        out.append(root @ _SKIRT @ _UPRIGHT)  # apex up: flares to the calves
        return np.concatenate([np.array(out), neck @ self._face])

    def focus(self, poses: np.ndarray) -> np.ndarray:
        """Aim at the mouth (the face)."""
        return poses[len(self.hair), :3, 3]


@register("fireworks", "firework")
def fireworks(ctx: BuildContext, e: Entity, pos: np.ndarray, yaw: float) -> Actor:
    """Fireworks over the scene; at the festival town also lantern strings and anime-styled talking characters."""
    if ctx.plan.setting.place == "festival_town":
        ctx.extra.append(LanternStrings(ctx.seed))
        n_frames = max(1, int(round(ctx.plan.duration * ctx.plan.fps)))
        env = speech_envelopes(ctx.plan, n_frames, ctx.plan.fps)
        talkers = [x.id for x in ctx.plan.entities if x.archetype in ("person", "man", "woman", "child")]
        for k, eid in enumerate(talkers):
            ctx.extra.append(TalkerDecor(ctx, eid, k, env.get(eid, np.zeros(n_frames, np.float32))))
        if talkers:
            ctx.note("sim: festival characters wear yukata and anime hair; their mouths follow their own speech")
            ctx.note("sim: the two talk face to face; close shots alternate over-the-shoulder and close-ups of "
                     "whoever speaks, looking up a little so the fireworks burst behind them")
    return FireworksActor(e.id, ctx.seed, ctx.plan.duration)
