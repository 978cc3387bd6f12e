"""ScenePlan + seed → SimTimeline: build one world, simulate it once for the whole clip, sample frames, aim cameras."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from reelcast.engines.sim.scene import Part, SimTimeline
from reelcast.engines.sim.world.actors import Actor, BodyActor, stable_rng
from reelcast.engines.sim.world.archetypes import BuildContext, build_entity
from reelcast.engines.sim.world.basketball import (
    CROWD_AMBIENCES,
    WIDE_VIEW_TURN,
    HoopActor,
    ShotController,
    crowd_reaction,
    outcome_time,
    search_release,
    through_ring,
)
from reelcast.engines.sim.world.camera import ShotSpan, default_camera_for, shot_cameras
from reelcast.engines.sim.world.conversation import (
    PEOPLE,
    conversation_director,
    conversation_spots,
    talking_pair,
)
from reelcast.engines.sim.world.humanoid import HumanoidActor, Kinematics
from reelcast.engines.sim.world.motions import SHOOT_RELEASE
from reelcast.engines.sim.world.physics import PhysicsWorld
from reelcast.engines.sim.world.places import (
    PLACES,
    build_environment,
    interior_bounds,
    place_spec,
    scenery_actor,
)
from reelcast.engines.sim.world.skating import attach_riders
from reelcast.engines.sim.world.water import water_actor
from reelcast.prompt.plan import Camera, Entity, ScenePlan, Shot

BALLS = ("basketball", "ball", "tennis_ball", "soccer_ball", "football", "beach_ball")
STEPS_PER_SECOND = 240


@dataclass
class ShotInfo:
    """A basketball shot wired into the world."""

    action: int
    shooter: str
    ball: str
    hoop: HoopActor
    want: str
    release_step: int


@dataclass
class SimResult:
    """A simulated plan: the timeline plus what the tests and the engine may want to inspect."""

    timeline: SimTimeline
    outcomes: dict[int, str] = field(default_factory=dict)  # action index → "make" | "miss" | "airball"
    notes: list[str] = field(default_factory=list)
    focus: dict[str, np.ndarray] = field(default_factory=dict)  # entity → (n_frames, 3)
    paths: dict[str, np.ndarray] = field(default_factory=dict)  # ball entity → (n_steps + 1, 3) at 240 Hz
    shots: list[ShotInfo] = field(default_factory=list)


def _primary(plan: ScenePlan) -> str | None:
    if plan.primary_target and plan.entity(plan.primary_target):
        return plan.primary_target
    if plan.actions:
        return plan.actions[0].actor
    return plan.entities[0].id if plan.entities else None


def _layout(plan: ScenePlan, anchors: dict[str, tuple[float, float]]) -> dict[str, tuple[np.ndarray, float]]:
    """Place entities: shooters on their mark facing the hoop, hoops on the court's spot, others in a row."""
    spots: dict[str, tuple[np.ndarray, float]] = {}
    hoop_xy = np.array(anchors.get("hoop", (5.2, 0.0)))
    shooters = {a.actor for a in plan.actions if a.verb == "shoot"}
    pair = talking_pair(plan)
    talkers = conversation_spots(pair) if pair else {}
    n_free = 0
    for e in plan.entities:
        if e.id in talkers:  # two people in a conversation stand face to face
            spots[e.id] = talkers[e.id]
        elif e.archetype == "hoop":
            spots[e.id] = (np.array([hoop_xy[0], hoop_xy[1], 0.0]), 0.0)
        elif e.id in shooters:
            sx, sy = anchors.get("shooter", (0.0, 0.0))
            spots[e.id] = (np.array([sx, sy, 0.0]), math.atan2(hoop_xy[1] - sy, hoop_xy[0] - sx))
        else:
            k = n_free
            n_free += 1
            row = (k + 1) // 2 * (1 if k % 2 else -1)
            if e.archetype in BALLS or e.archetype in ("box", "crate", "lantern"):
                spots[e.id] = (np.array([1.0, 1.2 * row + 0.6, 0.0]), 0.0)
            elif e.archetype in PEOPLE:
                spots[e.id] = (np.array([0.0, 1.4 * row, 0.0]), 0.0)
            else:
                spots[e.id] = (np.array([0.8, 1.4 * row - 0.5, 0.0]), 0.0)
    return spots


def _wire_shots(ctx: BuildContext, plan: ScenePlan) -> list[ShotInfo]:
    """Find each shoot action's shooter, ball and hoop (adding missing ones)."""
    shots: list[ShotInfo] = []
    used: set[str] = set()
    for idx, a in enumerate(plan.actions):
        if a.verb != "shoot":
            continue
        shooter = ctx.actors.get(a.actor)
        if not isinstance(shooter, HumanoidActor):
            ctx.note(f"sim: shoot by {a.actor!r} needs a person; ignored")
            continue
        hoop = ctx.actors.get(a.target or "")
        if not isinstance(hoop, HoopActor):
            hoop = next((h for h in ctx.actors.values() if isinstance(h, HoopActor)), None)
        if hoop is None:
            e = Entity(id="hoop", archetype="hoop")
            hoop = build_entity(ctx, e, np.array([*ctx.anchors.get("hoop", (5.2, 0.0)), 0.0]), 0.0)
            ctx.actors[e.id] = hoop
            ctx.note("sim: added a hoop for the shot")
        ball_id = next((e.id for e in plan.entities if e.archetype in BALLS and e.id not in used), None)
        if ball_id is None:
            e = Entity(id="ball" if "ball" not in ctx.actors else f"ball{idx}", archetype="basketball")
            ctx.actors[e.id] = build_entity(ctx, e, np.zeros(3), 0.0)
            ball_id = e.id
            ctx.note("sim: added a basketball for the shot")
        used.add(ball_id)
        start, _ = ctx.timings.get(idx, (0.3, 2.3))
        # "the ball bounces off the backboard/rim" (an action of the ball) means the shot misses
        rebound = any(b.actor == ball_id and b.verb in ("bounce", "rebound", "deflect", "hit") for b in plan.actions)
        want = a.outcome if a.outcome in ("make", "miss") else "miss" if rebound or a.outcome == "fail" else (
            "make" if stable_rng(ctx.seed, "outcome", str(idx)).random() < 0.5 else "miss")
        release_step = int(math.ceil((start + SHOOT_RELEASE) * STEPS_PER_SECOND - 1e-9))
        shots.append(ShotInfo(idx, a.actor, ball_id, hoop, want, release_step))
    return shots


def _run(plan: ScenePlan, seed: int, skip: dict[int, int]) -> SimResult:
    fps = plan.fps
    n_frames = max(1, int(round(plan.duration * fps)))
    total_steps = int(round(n_frames * STEPS_PER_SECOND / fps))
    frame_steps = [int(round(k * STEPS_PER_SECOND / fps)) for k in range(n_frames)]
    setting = plan.setting
    world = PhysicsWorld(setting.gravity)
    kin = Kinematics()
    try:
        spec = place_spec(setting.place)
        ground = spec.ground
        world.add_ground(ground.material, ground.restitution, ground.friction)
        ctx = BuildContext(plan, seed, world, kin, dict(spec.anchors))
        if setting.place not in PLACES:
            ctx.note(f"sim: place {setting.place!r} has no model; using the studio")
        env = build_environment(setting.place, setting.time_of_day, setting.weather, setting.indoor,
                                setting.gravity)
        spots = _layout(plan, ctx.anchors)
        pair = talking_pair(plan)
        if pair is not None:
            ctx.directors.append(conversation_director(pair))
        # hoops and other static colliders first, then movers: body creation order is part of determinism
        order = sorted(plan.entities, key=lambda e: (e.archetype != "hoop", e.archetype in BALLS))
        for e in order:
            if e.id in ctx.actors:  # built already by another entity's builder (the horses under a rider)
                continue
            pos, yaw = spots[e.id]
            actor = build_entity(ctx, e, pos, yaw)
            ctx.actors[e.id] = actor
            for k in range(1, max(1, e.count)):
                twin = Entity(id=f"{e.id}#{k}", archetype=e.archetype, attributes=e.attributes, source=e.source)
                offset = np.array([0.0, 0.9 * k, 0.0])
                ctx.extra.append(build_entity(ctx, twin, pos + offset, yaw))
        attach_riders(ctx)
        shots = _wire_shots(ctx, plan)
        controllers: list[Actor] = []
        for s in shots:
            shooter = ctx.actors[s.shooter]
            ball = ctx.actors[s.ball]
            assert isinstance(shooter, HumanoidActor) and isinstance(ball, BodyActor)
            release_t = s.release_step / STEPS_PER_SECOND
            p0 = shooter.hands_point(release_t)
            rng = stable_rng(seed, "shot", str(s.action))
            v, _flight = search_release(p0, s.hoop.hoop, s.want, rng, setting.gravity,
                                        (ground.restitution, ground.friction), skip.get(s.action, 0))
            controllers.append(ShotController(shooter, ball, release_t, v, shooter.hands_point, s.hoop.hoop.rim_center))
        if setting.gravity <= 1e-6:
            for actor in list(ctx.actors.values()) + ctx.extra:
                if isinstance(actor, BodyActor) and not any(actor is c.ball for c in controllers):
                    r = stable_rng(seed, "drift", actor.entity)
                    drift = np.array([*r.uniform(-0.15, 0.15, 2), 0.0])
                    world.set_state(actor.body, world.position(actor.body), drift,
                                    ang_vel=tuple(r.uniform(-0.5, 0.5, 3)))
        scenery = scenery_actor(setting.place, seed)
        water = water_actor(setting.place, np.zeros(3))
        if water is not None:
            scenery_and_water = ([scenery] if scenery else []) + [water]
        else:
            scenery_and_water = [scenery] if scenery else []
        actors: list[Actor] = scenery_and_water + [ctx.actors[e.id] for e in order] + ctx.extra
        movers = actors + controllers
        parts: list[Part] = [p for a in actors for p in a.parts]
        poses = np.zeros((n_frames, len(parts), 4, 4), dtype=np.float32)
        slices: list[slice] = []
        k = 0
        for a in actors:
            slices.append(slice(k, k + len(a.parts)))
            k += len(a.parts)
        entity_ids = [e.id for e in plan.entities if e.id in ctx.actors]
        focus = {eid: np.zeros((n_frames, 3)) for eid in ctx.actors}
        balls = {s.ball: ctx.actors[s.ball] for s in shots}
        paths = {b: np.zeros((total_steps + 1, 3)) for b in balls}
        # only actors that override a step hook are called each step (the base hooks do nothing; ~20 movers × 240
        # steps a second of no-op calls was a visible share of a clip's simulation), in the same order as before
        befores = [a.before_step for a in movers if type(a).before_step is not Actor.before_step]
        afters = [a.after_step for a in movers if type(a).after_step is not Actor.after_step]
        fi = 0
        for step in range(total_steps + 1):
            t = step * world.dt
            # scripted placement first (a held ball sits in the hands), then sample, then step
            for before in befores:
                before(world, t)
            for b, actor in balls.items():
                assert isinstance(actor, BodyActor)
                paths[b][step] = world.position(actor.body)
            while fi < n_frames and frame_steps[fi] == step:
                for a, sl in zip(actors, slices, strict=True):
                    m = a.sample(world, t)
                    poses[fi, sl] = m
                    if a.entity in focus and a is ctx.actors.get(a.entity):
                        focus[a.entity][fi] = a.focus(m)
                fi += 1
            if step == total_steps:
                break
            world.step()
            t_end = world.t
            for after in afters:
                after(world, t_end)
        events = list(world.flush())
        loops: dict[str, np.ndarray] = {}
        for a in movers:  # sounds of kinematic actors (skate blades, splashes) join the physics events
            events += a.sound_events()
            loops.update(a.sound_loops(fps, n_frames))
        events.sort(key=lambda e: (e.t, e.body_a, e.body_b))
        outcomes: dict[int, str] = {}
        for s in shots:
            path = paths[s.ball][s.release_step:]
            rim = s.hoop.hoop.rim_center
            through = any(through_ring(path[i], path[i + 1], rim) for i in range(len(path) - 1))
            hit = any(e.body_a == s.ball and e.body_b in ("rim", "backboard") for e in events)
            outcomes[s.action] = "make" if through else ("miss" if hit else "airball")
            when = outcome_time(outcomes[s.action], paths[s.ball], s.release_step, rim, events, s.ball, world.dt)
            if when is not None and plan.sound.ambience in CROWD_AMBIENCES:
                loops.update(crowd_reaction(outcomes[s.action], when, fps, n_frames))
        index = {p.name: i for i, p in enumerate(parts)}

        def part_path(name: str) -> np.ndarray | None:
            return poses[:, index[name], :3, 3].astype(float) if name in index else None

        cameras, cuts = _cameras(plan, seed, n_frames, focus, actors, ctx, entity_ids, part_path)
        timeline = SimTimeline(fps=fps, n_frames=n_frames, parts=parts, poses=poses, cameras=cameras, env=env,
                               events=events, cuts=cuts, loops=loops,
                               shutter_angle=plan.shots[0].camera.shutter_angle if plan.shots else 180.0)
        for note in ctx.notes:
            if note not in plan.notes:
                plan.notes.append(note)
        return SimResult(timeline, outcomes, list(ctx.notes), focus, paths, shots)
    finally:
        world.close()
        kin.close()


def _cameras(plan: ScenePlan, seed: int, n_frames: int, focus: dict[str, np.ndarray], actors: list[Actor],
             ctx: BuildContext, entity_ids: list[str],
             part_path: Callable[[str], np.ndarray | None] | None = None) -> tuple[list, list[int]]:
    """Aim each shot's rig; returns per-frame poses and the cut frames."""
    fps = plan.fps
    shots = plan.shots or [Shot(index=0, start=0.0, end=plan.duration, camera=Camera())]
    bounds = []
    for i, s in enumerate(shots):
        a = 0 if i == 0 else int(round(s.start * fps))
        b = n_frames if i == len(shots) - 1 else int(round(shots[i + 1].start * fps))
        a, b = min(max(a, 0), n_frames), min(max(b, 0), n_frames)
        if b > a:
            bounds.append((s, a, b))
    primary = _primary(plan)
    aspect = plan.width / plan.height
    # the action's axis: from the primary subject towards what it acts on (e.g. shooter → hoop)
    axis = np.array([1.0, 0.0, 0.0])
    act = next((a for a in plan.actions if a.target and a.target in focus and a.actor in focus), None)
    if act is not None:
        d = focus[act.target][0] - focus[act.actor][0]
        if np.hypot(d[0], d[1]) > 1e-6:
            axis = np.array([d[0], d[1], 0.0]) / np.hypot(d[0], d[1])
    elif ctx.actors:
        hoop = next((a for a in ctx.actors.values() if isinstance(a, HoopActor)), None)
        if hoop is not None and primary in focus:
            d = focus[hoop.entity][0] - focus[primary][0]
            if np.hypot(d[0], d[1]) > 1e-6:
                axis = np.array([d[0], d[1], 0.0]) / np.hypot(d[0], d[1])
    if any(isinstance(a, HoopActor) for a in ctx.actors.values()):
        c, sn = math.cos(WIDE_VIEW_TURN), math.sin(WIDE_VIEW_TURN)
        axis = np.array([c * axis[0] - sn * axis[1], sn * axis[0] + c * axis[1], 0.0])
    cameras: list = []
    cuts: list[int] = []
    for k, (s, a, b) in enumerate(bounds):
        if k > 0:
            cuts.append(a)
        target = s.camera.target if s.camera.target in focus else primary
        if target is None or target not in focus:
            sub = np.tile(np.array([0.0, 0.0, 1.0]), (b - a, 1))
            size = 2.0
        else:
            sub = focus[target][a:b]
            size = ctx.actors[target].size
        others = [focus[eid][a:b] for eid in focus if eid != target and eid in ctx.actors
                  and ctx.actors[eid].size < 5]
        context = np.concatenate(others) if others else np.zeros((0, 3))
        # a default camera follows a travelling subject, except around a building whose interior another shot
        # uses (the door/through-the-wall staging there is framed wide on purpose)
        follow_ok = target == primary and interior_bounds(s.place or plan.setting.place) is None
        span = ShotSpan(k, s, a, b, fps, aspect, focus, part_path)
        cams = next((c for d in ctx.directors if (c := d(span)) is not None), None)
        if cams is None:
            cam = default_camera_for(s.camera, sub, size, fps) if follow_ok else s.camera
            cams = shot_cameras(cam, b - a, sub, size, context, aspect, fps, seed, k, axis)
        cameras += shot_interior(plan, s, cams)
    return cameras, cuts


def shot_interior(plan: ScenePlan, shot: Shot, cams: list) -> list:
    """Honour a shot's place/indoor override: an indoor shot of a place with an interior keeps its camera inside."""
    place = shot.place or plan.setting.place
    indoor = shot.indoor if shot.indoor is not None else plan.setting.indoor
    bounds = interior_bounds(place)
    if not indoor or bounds is None:
        return cams
    lo, hi = bounds
    out = []
    for c in cams:
        eye, tgt = np.array(c.eye, dtype=float), np.clip(np.array(c.target, dtype=float), lo, hi)
        d = eye - tgt
        # pull the eye in along its line of sight until it is inside the walls (a little short of them)
        with np.errstate(divide="ignore", invalid="ignore"):
            lim = np.where(d > 1e-9, (hi - tgt) / d, np.where(d < -1e-9, (lo - tgt) / d, np.inf))
        k = min(1.0, 0.92 * float(np.min(lim)))
        out.append(replace(c, eye=tuple(float(v) for v in tgt + k * d), target=tuple(float(v) for v in tgt)))
    return out


def simulate(plan: ScenePlan, seed: int) -> SimResult:
    """Simulate a plan; shots whose outcome in the full world differs from the search are re-searched."""
    skip: dict[int, int] = {}
    res = _run(plan, seed, skip)
    for _ in range(3):
        wrong = [s for s in res.shots if res.outcomes.get(s.action) != s.want]
        if not wrong:
            break
        for s in wrong:
            skip[s.action] = skip.get(s.action, 0) + 1
        res = _run(plan, seed, skip)
    return res


def build_timeline(plan: ScenePlan, seed: int) -> SimTimeline:
    """Return the SimTimeline of a plan (deterministic for a given plan and seed)."""
    return simulate(plan, seed).timeline
