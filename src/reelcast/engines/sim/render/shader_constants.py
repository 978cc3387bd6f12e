"""Per-clip constants the renderer compiles into its shaders as K_* #defines, and the numbers behind them.

llvmpipe loads a uniform at each use in each pixel block and folds no arithmetic on uniforms (nor skips either side of
a branch), so what is fixed for a whole clip — the environment, the look, the grade, the frame size — is cheaper as
literals in the shader source than as uniforms (main pass 14-27 % and post pass ~30 % less CPU a frame at 854x480;
docs/decisions.md). A new clip environment compiles its own programs; Mesa's shader cache keeps them across clips.
"""

from __future__ import annotations

import math

import numpy as np

from reelcast.engines.sim.render.looks import Grade, ground_pattern
from reelcast.engines.sim.scene import Environment

# Shadow-map texture space from light clip space: x, y, z in -1..1 -> 0..1.
TEXTURE_FROM_CLIP = np.array(
    [[0.5, 0.0, 0.0, 0.5], [0.0, 0.5, 0.0, 0.5], [0.0, 0.0, 0.5, 0.5], [0.0, 0.0, 0.0, 1.0]], np.float64
)
# Rim light strength per look (times the linear horizon colour).
RIM_STRENGTH = {"anime": 0.35}
RIM_DEFAULT = 0.12


def _smoothstep(e0: float, e1: float, x: float) -> float:
    """GLSL smoothstep."""
    t = min(max((x - e0) / (e1 - e0), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


def _hue(c: np.ndarray) -> np.ndarray:
    """A colour scaled so its largest channel is 1 (as the shaders' hue_of was)."""
    return c / max(float(c.max()), 1e-3)


def hemi_ambient_terms(
    sky_horizon: tuple[float, ...], sky_zenith: tuple[float, ...], ground: tuple[float, ...], ambient: float
) -> tuple[np.ndarray, np.ndarray]:
    """The hemisphere ambient light as `base + n.z * z` (the shaders' K_AMB_BASE, K_AMB_Z): the sky's hue from above,
    the ground's dimmer hue from below, mixed by the normal's height. Uniform-only, so computed once here rather than
    per pixel (llvmpipe does not hoist it)."""
    h, z, g = (np.asarray(c[:3], np.float64) for c in (sky_horizon, sky_zenith, ground))
    sky = 0.4 + 0.6 * _hue(0.5 * (h + z))
    bounce = (0.4 + 0.6 * _hue(g)) * 0.45
    return (sky + bounce) * 0.5 * ambient, (sky - bounce) * 0.5 * ambient


LUMA = (0.299, 0.587, 0.114)  # POST_FS's luma weights
GRAIN_FRAME_MUL = 2654435761  # POST_FS's hash3 multiplier for the frame number


def grain_frame_hash(frame: int) -> int:
    """The frame's term of the post pass's grain hash (frame * multiplier, mod 2^32)."""
    return (int(frame) * GRAIN_FRAME_MUL) & 0xFFFFFFFF


def glsl_literal(v: float | tuple[float, ...]) -> str:
    """A GLSL float or vecN literal holding exactly the float32 value(s) a uniform would have held."""
    if isinstance(v, tuple):
        return f"vec{len(v)}(" + ", ".join(glsl_literal(float(x)) for x in v) + ")"
    text = repr(float(np.float32(v)))
    return text if any(ch in text for ch in ".en") else text + ".0"


def k_defines(values: dict[str, float | tuple[float, ...]]) -> list[str]:
    """`K_<NAME> <literal>` #define strings for a shader's compiled-in constants."""
    return [f"K_{name} {glsl_literal(v)}" for name, v in values.items()]


def post_constants(
    grade: Grade, vignette: float, grain: float, width: int, height: int, bar: float, gamma: bool
) -> list[str]:
    """The post pass's frame size, grade, vignette, grain and letterbox constants, as K_* #defines for POST_FS.

    Compiled in rather than uniforms: llvmpipe loads a uniform at each use in each pixel block and folds no arithmetic
    on them. Lift and gain are c * gain + lift * (1 - c) = c * (gain - lift) + lift, clamped to 0..1; contrast is
    c * k + (0.5 - 0.5 k), clamped. Without a gamma between them they compose into one multiply-add: for a monotonic
    f, clamp(f(clamp(y, 0, 1)), 0, 1) = clamp(f(y), lo, hi) with lo, hi = f(0), f(1) in order, clamped to 0..1.
    """
    lift, gain = np.asarray(grade.lift, np.float64), np.asarray(grade.gain, np.float64)
    k = float(grade.contrast)
    b = 0.5 - 0.5 * k
    mul, add = gain - lift, lift
    lo, hi = 0.0, 1.0
    if not gamma:
        mul, add = mul * k, add * k + b
        lo, hi = (float(np.clip(x, 0.0, 1.0)) for x in sorted((b, k + b)))
    values: dict[str, float | tuple[float, ...]] = {
        "SIZE": (float(width), float(height)),
        "RCP": (1.0 / width, 1.0 / height),
        "GRADE_MUL": tuple(float(x) for x in mul),
        "GRADE_ADD": tuple(float(x) for x in add),
        "GRADE_RANGE": (lo, hi),
        "INV_GAMMA": tuple(1.0 / float(g) for g in grade.gamma),
        "CONTRAST": (k, b),
        "SATURATION": float(grade.saturation),
        "SHADOW_TINT": tuple(float(x) for x in grade.shadow_tint),
        "HIGHLIGHT_TINT": tuple(float(x) for x in grade.highlight_tint),
        "TINT_LUMA": (float(np.dot(grade.shadow_tint, LUMA)), float(np.dot(grade.highlight_tint, LUMA))),
        "VIGNETTE": float(vignette),
        "GRAIN_AMP": (grain * 0.16 * 0.35 + 1.0 / 255.0, grain * 0.16 * 2.6),
        "BAR": float(bar),
    }
    return k_defines(values)


def scene_constants(env: Environment, look: str, halation: float, shadow_size: int) -> list[str]:
    """The clip's environment and style constants for the parts, glass and background programs, as K_* #defines.

    Compiled in rather than uniforms, like the post pass's (post_constants): llvmpipe loads a uniform at each use in
    each pixel block and folds no arithmetic on them (main pass ~21.0 -> ~19.5 ms a 854x480 frame on the paddleboard,
    ~23.8 -> ~19.5 on the dragon). A new environment compiles new programs (cached per renderer by their defines).
    """
    sun = np.asarray(env.sun_direction, np.float64)
    sun = sun / (np.linalg.norm(sun) or 1.0)
    amb_base, amb_z = hemi_ambient_terms(env.sky_horizon, env.sky_zenith, env.ground_color, env.ambient)
    horizon = np.asarray(env.sky_horizon[:3], np.float64)
    rim = RIM_STRENGTH.get(look, RIM_DEFAULT) * 0.5
    sun_up = _smoothstep(-0.05, 0.05, float(sun[2]))  # the sun's disc and glow fade out as it sets
    gp = ground_pattern(env.ground_material)
    values: dict[str, float | tuple[float, ...]] = {
        "SUN_DIR": tuple(float(x) for x in sun),
        "SUN_COL": tuple(float(c) * float(env.sun_intensity) for c in env.sun_color),
        "SKY_ZENITH": tuple(float(x) for x in env.sky_zenith),
        "SKY_HORIZON": tuple(float(x) for x in env.sky_horizon),
        "GROUND_COL": tuple(float(x) for x in env.ground_color),
        "FOG_COL": tuple(float(x) for x in env.fog_color),
        "FOG_DENSITY": float(env.fog_density),
        "SUN_GLOW": tuple(float(c) * float(env.sun_intensity) * 0.5 * sun_up for c in env.sun_color),
        "FOG_K": float(env.fog_density) ** 2 / math.log(2.0),
        "FOG_LIN": tuple(float(x) ** 2 for x in env.fog_color[:3]),
        "AMB_BASE": tuple(float(x) for x in amb_base),
        "AMB_Z": tuple(float(x) for x in amb_z),
        "RIM_COL": tuple(float(x) for x in horizon * horizon * rim),
        "SHADOW_STRENGTH": 1.0,
        "SHADOW_TEXEL": (1.0 / shadow_size, 1.0 / shadow_size),
        "HALATION": float(halation),
        "GPAT": tuple(float(x) for x in gp[:4]),
        "GPAT2": tuple(float(x) for x in gp[4:8]),
    }
    return k_defines(values)
