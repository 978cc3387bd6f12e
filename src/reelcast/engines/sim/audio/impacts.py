"""Impact sounds for contact events: material-pair timbres placed on the exact event sample."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from reelcast.engines.base import ContactEvent
from reelcast.engines.sim.audio.dsp import (
    add_at,
    bandpass,
    exp_decay,
    highpass,
    lowpass,
    pan_gains,
    partials,
    pitch_drop,
    rng_for,
)
from reelcast.engines.sim.scene import CameraPose, SimTimeline

N_VARIANTS = 4

# material words → material family
_FAMILIES: dict[str, tuple[str, ...]] = {
    "blast": ("firework", "explosive", "calving", "blast"),
    "membrane": ("membrane", "wing", "sail", "canvas"),
    "water": ("water", "liquid", "pool", "sea", "lake", "river"),
    "ice": ("ice", "frost"),
    "metal": ("metal", "steel", "iron", "aluminium", "aluminum", "chrome", "tin", "rim", "brass", "copper"),
    "glass": ("glass", "acrylic", "plexiglass", "perspex", "backboard", "crystal"),
    "rubber": ("rubber", "leather", "ball", "basketball", "tyre", "tire"),
    "body": ("skin", "body", "flesh", "fur", "cloth", "person", "hair", "fabric"),
    "soft": ("grass", "dirt", "soil", "sand", "mud", "snow", "earth", "turf", "ground", "moss", "hay"),
    "hard": ("concrete", "asphalt", "stone", "tile", "rock", "brick", "marble", "pavement"),
    "wood": ("wood", "parquet", "hardwood", "court", "plank", "timber", "floor"),
}


def material_family(material: str) -> str:
    """Map a free-form material name to one of the families the synthesiser knows ("default" if none)."""
    m = (material or "default").lower()
    for fam, words in _FAMILIES.items():
        if any(w in m for w in words):
            return fam
    return "default"


def classify(material_a: str, material_b: str) -> str:
    """Impact timbre for a pair of materials (order-independent)."""
    pair = {material_family(material_a), material_family(material_b)}
    if "blast" in pair:
        return "boom"
    if "membrane" in pair:
        return "wing_flap"
    if "water" in pair:
        return "splash"
    if "ice" in pair:
        return "ice"
    if pair == {"metal"}:
        return "metal_metal"
    if "metal" in pair:
        return "rim_clang" if pair & {"rubber", "body", "default"} else "metal_metal"
    if "glass" in pair:
        return "backboard_bang"
    if "body" in pair:
        return "body_thud"
    if "rubber" in pair and pair & {"wood", "hard"}:
        return "floor_bounce"
    if "soft" in pair:
        return "soft_thump"
    if "wood" in pair or "hard" in pair:
        return "wood_knock"
    return "default"


@dataclass(frozen=True)
class Timbre:
    """How loud a category is and what impulse counts as a full-strength hit."""

    ref_impulse: float  # N·s giving gain 1
    level: float  # peak-ish level at gain 1
    click: float  # level of the broadband contact transient
    length_s: float


TIMBRES: dict[str, Timbre] = {
    "floor_bounce": Timbre(6.0, 0.55, 0.35, 0.45),
    "rim_clang": Timbre(5.0, 0.40, 0.45, 1.3),
    "backboard_bang": Timbre(6.0, 0.60, 0.45, 0.6),
    "soft_thump": Timbre(6.0, 0.55, 0.25, 0.35),
    "body_thud": Timbre(120.0, 0.75, 0.25, 0.6),
    "ice": Timbre(25.0, 0.45, 0.40, 0.5),
    "splash": Timbre(30.0, 0.50, 0.30, 1.0),
    "metal_metal": Timbre(10.0, 0.40, 0.45, 1.6),
    "wood_knock": Timbre(5.0, 0.50, 0.35, 0.4),
    "default": Timbre(8.0, 0.45, 0.30, 0.4),
    "boom": Timbre(40.0, 0.85, 0.15, 1.8),  # a firework or calving boom: low thump and a long rumble
    "wing_flap": Timbre(60.0, 0.6, 0.05, 0.5),  # a big membrane wing's downstroke: a soft low whoomp
}


def _noise_burst(rng: np.random.Generator, n: int, tau: float, sr: int) -> np.ndarray:
    return rng.standard_normal(n) * exp_decay(n, tau, sr)


def _splash(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    """Noise burst through a low-pass whose cutoff sweeps down, plus a low plunk and a few bubbles."""
    noise = rng.standard_normal(n) * (exp_decay(n, 0.25, sr) * 0.7 + exp_decay(n, 0.05, sr) * 0.3)
    out = np.zeros(n)
    zi = None
    from scipy import signal  # local: only the splash needs per-block filter state

    edges = np.unique(np.geomspace(1, n, 24).astype(int))
    edges = np.concatenate(([0], edges))
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        t = a / sr
        fc = 500 + 7000 * np.exp(-t / 0.12)
        sos = signal.butter(2, min(fc / (sr / 2), 0.99), output="sos")
        if zi is None:
            zi = np.zeros((sos.shape[0], 2))
        out[a:b], zi = signal.sosfilt(sos, noise[a:b], zi=zi)
    out += 0.6 * pitch_drop(190, 90, 0.05, 0.07, n, sr)
    t = np.arange(n) / sr
    for _ in range(5):  # bubbles: rising sine blips with soft edges
        start = int(rng.uniform(0.08, 0.6) * sr)
        m = int(rng.uniform(0.03, 0.07) * sr)
        if start + m >= n:
            continue
        f0 = rng.uniform(500, 1100)
        tt = t[:m]
        blip = np.sin(2 * np.pi * (f0 * tt + 0.5 * f0 * 3 * tt * tt)) * np.sin(np.pi * tt / tt[-1]) ** 2
        out[start : start + m] += 0.15 * blip
    return out


@lru_cache(maxsize=128)
def grain(category: str, variant: int, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Precomputed (body, bright) mono layers of one impact category/variant, full level at sample 0."""
    sr = sample_rate
    rng = rng_for(0x5EED, "grain", category, variant)
    tim = TIMBRES[category]
    n = int(tim.length_s * sr)
    d = 1.0 + (variant - (N_VARIANTS - 1) / 2) * 0.025  # small detune per variant
    ph = list(rng.uniform(0, 2 * np.pi, 12))
    if category == "floor_bounce":
        body = pitch_drop(205 * d, 95 * d, 0.03, 0.07, n, sr) + 0.25 * lowpass(_noise_burst(rng, n, 0.02, sr), 900, sr)
        bright = partials([430 * d, 1180 * d], [0.45, 0.12], [0.09, 0.03], n, sr, ph[:2])
    elif category == "rim_clang":
        f = [587 * d, 1412 * d, 2390 * d, 3521 * d, 4867 * d]
        body = partials(f[:2], [0.6, 0.45], [0.55, 0.4], n, sr, ph[:2]) + 0.3 * pitch_drop(180, 110, 0.02, 0.05, n, sr)
        bright = partials(f[2:], [0.35, 0.25, 0.15], [0.25, 0.16, 0.1], n, sr, ph[2:5])
    elif category == "backboard_bang":
        body = partials([118 * d, 311 * d], [0.8, 0.5], [0.12, 0.08], n, sr, ph[:2])
        body += 0.5 * lowpass(_noise_burst(rng, n, 0.04, sr), 1500, sr)
        bright = partials([702 * d, 1630 * d], [0.2, 0.1], [0.05, 0.03], n, sr, ph[2:4])
        bright += 0.3 * bandpass(_noise_burst(rng, n, 0.015, sr), 1500, 6000, sr)
    elif category == "soft_thump":
        body = 0.8 * pitch_drop(130 * d, 70 * d, 0.03, 0.05, n, sr)
        body += 0.6 * lowpass(_noise_burst(rng, n, 0.05, sr), 450, sr)
        bright = 0.25 * bandpass(_noise_burst(rng, n, 0.03, sr), 1500, 5000, sr)  # grass rustle
    elif category == "body_thud":
        body = pitch_drop(95 * d, 48 * d, 0.05, 0.14, n, sr) + 0.8 * lowpass(_noise_burst(rng, n, 0.05, sr), 700, sr)
        bright = 0.3 * bandpass(_noise_burst(rng, n, 0.07, sr), 900, 4000, sr)  # cloth
    elif category == "ice":
        body = 0.6 * pitch_drop(140 * d, 80 * d, 0.02, 0.05, n, sr)
        body += partials([2150 * d, 3320 * d], [0.3, 0.2], [0.04, 0.025], n, sr, ph[:2])
        bright = 0.35 * bandpass(_noise_burst(rng, n, 0.1, sr), 3000, 9000, sr)  # blade scrape
    elif category == "splash":
        body = _splash(rng, n, sr)
        bright = 0.3 * highpass(_noise_burst(rng, n, 0.03, sr), 3000, sr)
    elif category == "metal_metal":
        ratios = [1.0, 2.76, 5.40, 8.93, 13.34]  # free bar modes
        f = [430 * d * r for r in ratios]
        body = partials(f[:3], [0.6, 0.4, 0.3], [0.9, 0.6, 0.4], n, sr, ph[:3])
        bright = partials(f[3:], [0.25, 0.15], [0.25, 0.15], n, sr, ph[3:5])
    elif category == "wood_knock":
        body = partials([380 * d, 960 * d, 1720 * d], [0.6, 0.35, 0.2], [0.06, 0.04, 0.025], n, sr, ph[:3])
        body += 0.4 * pitch_drop(160 * d, 100 * d, 0.02, 0.04, n, sr)
        bright = 0.3 * bandpass(_noise_burst(rng, n, 0.01, sr), 2000, 7000, sr)
    elif category == "boom":
        body = pitch_drop(75 * d, 32 * d, 0.08, 0.35, n, sr)
        body += 0.9 * lowpass(rng.standard_normal(n) * (exp_decay(n, 0.5, sr) * 0.6 + exp_decay(n, 0.06, sr)), 220, sr)
        bright = 0.35 * bandpass(_noise_burst(rng, n, 0.25, sr), 900, 4000, sr)  # crackle of the shell
    elif category == "wing_flap":
        body = 0.9 * lowpass(rng.standard_normal(n) * exp_decay(n, 0.09, sr), 260, sr)
        body += 0.5 * pitch_drop(70 * d, 45 * d, 0.04, 0.1, n, sr)
        bright = 0.15 * bandpass(_noise_burst(rng, n, 0.05, sr), 500, 2500, sr)
    else:
        body = 0.6 * pitch_drop(180 * d, 110 * d, 0.02, 0.05, n, sr)
        body += partials([520 * d, 1300 * d], [0.3, 0.15], [0.05, 0.03], n, sr, ph[:2])
        bright = 0.25 * bandpass(_noise_burst(rng, n, 0.012, sr), 1500, 6000, sr)
    # end the grain smoothly (the start stays sharp)
    fade = min(n, int(0.02 * sr))
    ramp = np.linspace(1.0, 0.0, fade)
    body[-fade:] *= ramp
    bright[-fade:] *= ramp
    peak = max(np.max(np.abs(body + bright)), 1e-9)
    return (body / peak).astype(np.float32), (bright / peak).astype(np.float32)


def _click(rng: np.random.Generator, sr: int) -> np.ndarray:
    """Broadband contact transient: full level on the first sample, gone within ~4 ms."""
    n = int(0.004 * sr)
    x = rng.standard_normal(n) * exp_decay(n, 0.0008, sr)
    x[0] = (1.0 if x[0] >= 0 else -1.0) * np.max(np.abs(x)) * 1.5  # the hit itself: the loudest sample
    return x / np.max(np.abs(x))


def camera_pan(position: tuple[float, float, float], cam: CameraPose, aspect: float) -> tuple[float, float]:
    """(pan in [-1, 1], distance gain) of a world point seen from this camera."""
    eye = np.asarray(cam.eye, dtype=float)
    fwd = np.asarray(cam.target, dtype=float) - eye
    norm = np.linalg.norm(fwd)
    fwd = fwd / norm if norm > 1e-9 else np.array([0.0, 1.0, 0.0])
    right = np.cross(fwd, np.asarray(cam.up, dtype=float))
    rn = np.linalg.norm(right)
    right = right / rn if rn > 1e-9 else np.array([1.0, 0.0, 0.0])
    rel = np.asarray(position, dtype=float) - eye
    depth = max(float(rel @ fwd), 0.3)
    half_width = depth * np.tan(np.radians(cam.fov_y) / 2) * aspect
    pan = float(np.clip((rel @ right) / max(half_width, 1e-6), -1.0, 1.0)) * 0.85
    dist = float(np.linalg.norm(rel))
    dist_gain = float(np.clip(6.0 / max(dist, 1e-3), 0.3, 1.0) ** 0.5)
    return pan, dist_gain


def _materials(event: ContactEvent, timeline: SimTimeline) -> tuple[str, str]:
    by_name = {p.name: p.material for p in timeline.parts}
    out = []
    for body, declared in ((event.body_a, event.material_a), (event.body_b, event.material_b)):
        mat = by_name.get(body, "default")
        if mat == "default":
            mat = declared
        if mat == "default" and body.lower() in ("ground", "floor", "plane", "terrain"):
            mat = timeline.env.ground_material
        out.append(mat)
    return out[0], out[1]


def impact_gain(impulse: float, category: str) -> float:
    """Compressed loudness of a hit: (impulse / reference)^0.7, clamped."""
    ref = TIMBRES[category].ref_impulse
    return float(np.clip((max(impulse, 0.0) / ref) ** 0.7, 0.02, 1.5))


def render_impacts(timeline: SimTimeline, seed: int, n_samples: int, sample_rate: int, aspect: float) -> np.ndarray:
    """Stereo stem with one impact per contact event, each starting exactly at round(t * sample_rate)."""
    out = np.zeros((n_samples, 2), dtype=np.float32)
    for i, ev in enumerate(timeline.events):
        start = int(round(ev.t * sample_rate))
        if ev.t < 0 or start >= n_samples:
            continue
        cat = classify(*_materials(ev, timeline))
        tim = TIMBRES[cat]
        rng = rng_for(seed, "impact", i)
        gain = impact_gain(ev.impulse, cat)
        body, bright = grain(cat, int(rng.integers(N_VARIANTS)), sample_rate)
        hardness = float(np.clip(gain, 0.3, 1.2))
        mono = tim.level * gain * (body + hardness * bright)
        click = _click(rng, sample_rate) * (tim.click * gain * hardness)
        mono[: click.size] += click
        if timeline.cameras:
            frame = min(max(int(ev.t * timeline.fps), 0), len(timeline.cameras) - 1)
            pan, dist_gain = camera_pan(ev.position, timeline.cameras[frame], aspect)
        else:
            pan, dist_gain = 0.0, 1.0
        gl, gr = pan_gains(pan)
        add_at(out, np.stack([mono * (gl * dist_gain), mono * (gr * dist_gain)], axis=1), start)
    return out
