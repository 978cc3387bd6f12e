"""Ambience beds (room tone, crowd, wind, birds, crickets, hum, waves, city) chosen from the plan's sound or setting."""

from __future__ import annotations

import numpy as np

from reelcast.engines.sim.audio.dsp import (
    add_at,
    bandpass,
    highpass,
    lowpass,
    normalise_rms,
    rng_for,
    smooth_random,
)
from reelcast.prompt.plan import ScenePlan

AMBIENCE_RMS_DB = -30.0  # before the final loudness gain (which adds at most +6 dB)

# first match wins; words are matched as substrings of the ambience string or place key
_KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("none", ("none", "silence", "silent", "quiet")),
    ("space", ("space", "station", "orbit", "ship", "hum", "moon", "mars")),
    ("festival", ("festival", "carnival", "fair", "parade", "concert", "lantern", "market")),
    ("gym", ("gym", "arena", "stadium", "rink", "hall", "crowd")),
    ("sea", ("sea", "ocean", "beach", "coast", "harbo", "wave", "surf")),
    ("lake", ("lake", "river", "pond", "pool", "stream", "canal")),
    ("city", ("city", "street", "urban", "downtown", "traffic", "rooftop", "town", "road")),
    ("rain", ("rain", "storm")),
    ("wind", ("wind", "mountain", "cliff", "desert", "snow", "sky")),
    ("outdoors", ("outdoor", "forest", "park", "field", "meadow", "garden", "backyard", "countryside", "court",
                  "jungle", "farm", "bird", "day", "night", "cricket")),
    ("room", ("studio", "room", "office", "house", "kitchen", "bedroom", "indoor", "home", "tone")),
]


def _match(text: str) -> str | None:
    t = text.lower()
    for kind, words in _KINDS:
        if any(w in t for w in words):
            return kind
    return None


def scene_kind(plan: ScenePlan, place: str | None = None, indoor: bool | None = None) -> str:
    """Ambience/room kind: from plan.sound.ambience, else from the (shot's) place and indoor flag."""
    if plan.sound.ambience and place is None:
        kind = _match(plan.sound.ambience)
        if kind:
            return kind
    place = place if place is not None else plan.setting.place
    indoor = plan.setting.indoor if indoor is None else indoor
    kind = _match(place or "")
    if kind in ("gym", "outdoors") and "court" in (place or "").lower():
        kind = "gym" if indoor else "outdoors"
    if kind is None:
        kind = "room" if indoor else "outdoors"
    if kind in ("outdoors", "wind") and indoor:
        kind = "room"
    return kind


def _stereo_noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal((n, 2))


def _room_tone(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    x = lowpass(np.cumsum(_stereo_noise(rng, n), axis=0) * 0.02, 300, sr)
    x = highpass(x, 30, sr)
    t = np.arange(n) / sr
    hum = 0.01 * np.sin(2 * np.pi * 60 * t) + 0.006 * np.sin(2 * np.pi * 120 * t + 1.0)
    return x / (np.std(x) + 1e-12) * 0.05 + hum[:, None]


def _crowd(rng: np.random.Generator, n: int, sr: int, excitement: float) -> np.ndarray:
    """Murmur of many distant voices: formant bands of noise with syllable-rate random envelopes."""
    out = np.zeros((n, 2))
    for lo, hi, w in ((250, 700, 1.0), (700, 1500, 0.7), (1500, 2800, 0.35)):
        band = bandpass(_stereo_noise(rng, n), lo, hi, sr)
        env = np.stack([smooth_random(rng, n, 4.0 + 2 * excitement, sr) for _ in range(2)], axis=1)
        swell = 1.0 + 0.3 * smooth_random(rng, n, 0.3, sr)[:, None]
        out += w * band * np.clip(0.8 + 0.35 * env, 0.2, None) * swell
    return lowpass(out, 3000, sr)


def _wind(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    low = bandpass(_stereo_noise(rng, n), 80, 500, sr)
    high = bandpass(_stereo_noise(rng, n), 400, 1400, sr)
    g1 = np.clip(1.0 + 0.6 * smooth_random(rng, n, 0.4, sr), 0.15, None)[:, None]
    g2 = np.clip(0.5 + 0.5 * smooth_random(rng, n, 0.6, sr), 0.0, None)[:, None]
    return low * g1 + 0.35 * high * g2


def _soft_bumps(n: int, sr: int) -> np.ndarray:
    return np.sin(np.pi * np.arange(n) / max(n - 1, 1)) ** 2


def _birds(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    """Sparse chirps: short frequency sweeps with soft (hann²) envelopes so they never read as impacts."""
    out = np.zeros((n, 2))
    t_cursor = rng.uniform(0.1, 0.8)
    dur = n / sr
    while t_cursor < dur:
        f0 = rng.uniform(2600, 4800)
        pan = rng.uniform(0.15, 0.85)
        for s in range(int(rng.integers(2, 5))):
            m = int(rng.uniform(0.05, 0.11) * sr)
            tt = np.arange(m) / sr
            sweep = rng.uniform(-4000, 6000)
            ph = 2 * np.pi * (f0 * tt + 0.5 * sweep * tt * tt) + 0.8 * np.sin(2 * np.pi * 35 * tt)
            chirp = np.sin(ph) * _soft_bumps(m, sr)
            start = int((t_cursor + s * rng.uniform(0.1, 0.16)) * sr)
            add_at(out, np.stack([chirp * (1 - pan), chirp * pan], axis=1), start)
        t_cursor += rng.exponential(1.2) + 0.4
    return out


def _crickets(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    """Trilling chirps: a ~4.5 kHz tone, pulsed at ~40 Hz, fading in and out over tens of milliseconds."""
    out = np.zeros((n, 2))
    t = np.arange(n) / sr
    for _ in range(3):
        carrier = np.sin(2 * np.pi * rng.uniform(4200, 4900) * t + rng.uniform(0, 6.3))
        trill = 0.55 + 0.45 * np.sin(2 * np.pi * rng.uniform(35, 45) * t)
        period, length = rng.uniform(0.45, 0.7), rng.uniform(0.09, 0.14)
        phase = ((t + rng.uniform(0, period)) % period) / length  # 0..1 inside a chirp
        chirp = np.where(phase < 1.0, np.sin(np.pi * np.clip(phase, 0, 1)) ** 2, 0.0)
        pan = rng.uniform(0.2, 0.8)
        x = carrier * trill * chirp * rng.uniform(0.5, 1.0)
        out += np.stack([x * (1 - pan), x * pan], axis=1)
    return out


def _hum(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    t = np.arange(n) / sr
    tone = (
        np.sin(2 * np.pi * 60 * t)
        + 0.6 * np.sin(2 * np.pi * 60.4 * t + 0.5)
        + 0.4 * np.sin(2 * np.pi * 120 * t)
        + 0.2 * np.sin(2 * np.pi * 180 * t + 1.3)
        + 0.02 * np.sin(2 * np.pi * 1000 * t)
    )
    air = lowpass(_stereo_noise(rng, n), 700, sr) * 0.5
    return 0.15 * tone[:, None] + air * (1.0 + 0.1 * smooth_random(rng, n, 0.2, sr))[:, None]


def _waves(rng: np.random.Generator, n: int, sr: int, period: tuple[float, float], wash: float) -> np.ndarray:
    """Swells of low-passed noise with a lagging high 'wash' layer."""
    body = highpass(lowpass(_stereo_noise(rng, n), 900, sr), 120, sr)
    hiss = bandpass(_stereo_noise(rng, n), 1500, 6000, sr)
    t = np.arange(n) / sr
    env = np.full(n, 0.15)
    k = -rng.uniform(0, period[1])
    while k < n / sr:
        T = rng.uniform(*period)
        x = (t - k) / T
        m = (x >= 0) & (x < 1.5)
        env[m] += np.sin(np.pi * np.clip(x[m], 0, 1) ** 0.6) ** 2 * np.exp(-np.clip(x[m] - 1, 0, None) * 4)
        k += T
    d = min(n, int(0.3 * sr))
    lag = np.concatenate([np.full(d, env[0]), env[: n - d]])  # the wash trails the swell (no wrap-around)
    return body * env[:, None] + wash * hiss * (lag**2)[:, None]


def _city(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    rumble = lowpass(np.cumsum(_stereo_noise(rng, n), axis=0), 200, sr)
    rumble = highpass(rumble, 25, sr)
    rumble /= np.std(rumble) + 1e-12
    traffic = bandpass(_stereo_noise(rng, n), 300, 1500, sr)
    passes = np.clip(0.5 + 0.6 * smooth_random(rng, n, 0.5, sr), 0.1, None)[:, None]
    return 0.6 * rumble + 0.5 * traffic * passes + 0.3 * _room_tone(rng, n, sr)


def _distant_drums(rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    bpm = rng.uniform(96, 120)
    beat = 60.0 / bpm
    m = int(0.35 * sr)
    tt = np.arange(m) / sr
    hit = np.sin(2 * np.pi * (60 * tt + 40 * 0.03 * (1 - np.exp(-tt / 0.03)))) * np.exp(-tt / 0.12)
    hit *= np.clip(tt / 0.01, 0, 1)  # soft attack: distant drums must not read as impacts
    out = np.zeros(n)
    pattern = (1.0, 0.0, 0.7, 0.5, 1.0, 0.0, 0.7, 0.0)
    k = 0
    while k * beat / 2 < n / sr:
        a = pattern[k % len(pattern)]
        if a:
            add_at(out, hit * a, int(k * beat / 2 * sr))
        k += 1
    out = lowpass(out, 250, sr)
    return np.stack([out, out], axis=1)


def _render_kind(kind: str, plan: ScenePlan, seed: int, n: int, sr: int) -> np.ndarray:
    rng = rng_for(seed, "ambience", kind)
    night = plan.setting.time_of_day in ("night", "dusk")
    if kind == "none":
        return np.zeros((n, 2))
    if kind == "gym":
        room = _room_tone(rng, n, sr)
        crowd = _crowd(rng, n, sr, 0.2)
        x = room / (np.std(room) + 1e-12) + 0.7 * crowd / (np.std(crowd) + 1e-12)
    elif kind == "room":
        x = _room_tone(rng, n, sr)
    elif kind == "space":
        x = _hum(rng, n, sr)
    elif kind == "festival":
        crowd = _crowd(rng, n, sr, 1.0)
        crowd /= np.std(crowd) + 1e-12
        drums = _distant_drums(rng, n, sr)
        drums /= np.std(drums) + 1e-12
        x = crowd + 0.7 * drums
    elif kind == "sea":
        x = _waves(rng, n, sr, (5.0, 8.0), 0.5)
    elif kind == "lake":
        x = _waves(rng, n, sr, (1.4, 2.6), 0.2) + 0.1 * _wind(rng, n, sr)
    elif kind == "city":
        x = _city(rng, n, sr)
    elif kind == "rain":
        x = bandpass(_stereo_noise(rng, n), 800, 7000, sr) + 0.4 * _wind(rng, n, sr)
    elif kind == "wind":
        x = _wind(rng, n, sr)
    else:  # outdoors
        w = _wind(rng, n, sr)
        w /= np.std(w) + 1e-12
        life = _crickets(rng, n, sr) if night else _birds(rng, n, sr)
        life /= np.std(life) + 1e-12
        x = w + (0.12 if night else 0.35) * life
    if plan.setting.weather == "rain" and kind not in ("rain", "space", "room", "gym"):
        rain = bandpass(_stereo_noise(rng, n), 800, 7000, sr)
        x = x / (np.std(x) + 1e-12) + 0.7 * rain / (np.std(rain) + 1e-12)
    return normalise_rms(x, AMBIENCE_RMS_DB)


def _shot_kinds(plan: ScenePlan, duration: float) -> list[tuple[float, float, str]]:
    """(start, end, kind) per shot, so a cut to another place changes the bed."""
    spans = []
    for shot in sorted(plan.shots, key=lambda s: s.start):
        place = getattr(shot, "place", None)
        indoor = getattr(shot, "indoor", None)
        kind = scene_kind(plan, place, indoor) if (place or indoor is not None) else scene_kind(plan)
        spans.append((max(0.0, shot.start), min(duration, shot.end), kind))
    if not spans:
        return [(0.0, duration, scene_kind(plan))]
    return spans


def render_ambience(plan: ScenePlan, seed: int, n_samples: int, sample_rate: int) -> np.ndarray:
    """Stereo ambience bed for the whole clip (crossfaded between shots that change place)."""
    duration = n_samples / sample_rate
    spans = _shot_kinds(plan, duration)
    kinds = sorted({k for _, _, k in spans})
    if len(kinds) == 1:
        return _render_kind(kinds[0], plan, seed, n_samples, sample_rate).astype(np.float32)
    t = np.arange(n_samples) / sample_rate
    out = np.zeros((n_samples, 2))
    xf = 0.08
    for kind in kinds:
        mask = np.zeros(n_samples)
        for a, b, k in spans:
            if k == kind:
                mask = np.maximum(mask, np.clip((t - a) / xf + 0.5, 0, 1) * np.clip((b - t) / xf + 0.5, 0, 1))
        out += _render_kind(kind, plan, seed, n_samples, sample_rate) * np.sqrt(mask)[:, None]
    return out.astype(np.float32)
