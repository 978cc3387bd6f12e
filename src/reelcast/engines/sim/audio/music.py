"""Procedural score by mood: chord progression, bass, pad, arpeggio and soft drums; tempo and key from the seed.

Every instrument has an attack of a few milliseconds and little energy above ~5 kHz, so the score never produces the
sharp high-frequency onsets that mark impacts (the onset QA in onsets.py relies on that).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelcast.engines.sim.audio.dsp import add_at, bandpass, lowpass, normalise_rms, oscillator, rng_for

MUSIC_RMS_DB = -21.0

_QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "sus2": (0, 2, 7),
    "dim": (0, 3, 6),
}


@dataclass(frozen=True)
class Mood:
    """Recipe of one score style."""

    progression: tuple[tuple[int, str], ...]  # (semitones above tonic, chord quality) per bar
    tempo: tuple[int, int]
    pad: str  # wave shape
    pad_cutoff: float
    bass: str  # "whole" | "quarter" | "eighth" | "octave8"
    arp: str  # "none" | "quarter" | "eighth" | "sixteenth"
    arp_wave: str
    drums: str  # "none" | "pop" | "four" | "taiko" | "pulse"


MOODS: dict[str, Mood] = {
    "upbeat": Mood(((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")), (112, 128), "saw", 1800, "eighth", "eighth",
                   "triangle", "pop"),
    "calm": Mood(((0, "maj7"), (5, "maj7"), (9, "min7"), (7, "sus2")), (68, 82), "triangle", 1400, "whole", "quarter",
                 "sine", "none"),
    "tense": Mood(((0, "min"), (8, "maj"), (1, "maj"), (7, "maj")), (92, 108), "saw", 900, "eighth", "sixteenth",
                  "triangle", "pulse"),
    "melancholy": Mood(((0, "min"), (5, "min"), (8, "maj"), (7, "min")), (64, 78), "triangle", 1200, "whole",
                       "eighth", "sine", "none"),
    "retro": Mood(((0, "min7"), (8, "maj7"), (3, "maj"), (10, "maj")), (96, 112), "saw", 2200, "octave8",
                  "sixteenth", "square", "four"),
    "epic": Mood(((0, "min"), (8, "maj"), (3, "maj"), (10, "maj")), (80, 96), "saw", 1600, "octave8", "eighth",
                 "saw", "taiko"),
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "retro": ("retro", "synth", "80s", "eighties", "vapor", "cyber", "chiptune", "neon", "outrun", "future"),
    "epic": ("epic", "heroic", "triumph", "orchestral", "dramatic", "cinematic", "grand", "adventur", "victor"),
    "tense": ("tense", "suspens", "dark", "ominous", "thrill", "horror", "scary", "danger", "mysterious", "eerie"),
    "melancholy": ("melanchol", "sad", "nostalg", "wistful", "somber", "sombre", "bittersweet", "lonely"),
    "calm": ("calm", "peace", "relax", "dream", "ambient", "serene", "gentle", "chill", "lofi", "lo-fi", "soft"),
    "upbeat": ("upbeat", "happy", "energ", "fun", "playful", "cheer", "joy", "bright", "pop"),
}


def mood_name(music_mood: str | None) -> str:
    """Canonical mood key for a free-form mood word (upbeat when unknown or None)."""
    m = (music_mood or "").lower()
    for name, words in _ALIASES.items():
        if any(w in m for w in words):
            return name
    return "upbeat"


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _adsr(n: int, sr: int, attack: float, release: float) -> np.ndarray:
    env = np.ones(n)
    a = min(n, max(1, int(attack * sr)))
    env[:a] = np.sin(0.5 * np.pi * np.arange(a) / a) ** 2
    r = min(n - a, int(release * sr))
    if r > 0:
        env[n - r :] *= np.cos(0.5 * np.pi * np.arange(r) / r) ** 2
    return env


class _Score:
    """Accumulates instrument tracks (stereo) for one clip."""

    def __init__(self, n: int, sr: int) -> None:
        self.n, self.sr = n, sr
        self.out = np.zeros((n, 2))

    def note(self, t: float, dur: float, midi: float, amp: float, wave: str, attack: float, decay: float | None,
             pan: float = 0.0, detune: float = 0.0, max_h: int = 16) -> None:
        sr = self.sr
        m = int((dur + 0.05) * sr)
        if m <= 0:
            return
        f = _hz(midi + detune)
        x = oscillator(wave, f, m, sr, phase0=(midi * 0.137) % 1.0, max_h=max_h)
        env = _adsr(m, sr, attack, min(0.25, dur * 0.5))
        if decay is not None:
            env *= np.exp(-np.arange(m) / (decay * sr))
        x = x * env * amp
        left, right = np.sqrt(0.5 * (1 - pan)), np.sqrt(0.5 * (1 + pan))
        add_at(self.out, np.stack([x * left, x * right], axis=1), int(t * sr))


def _drum_hits(score: _Score, kind: str, beat: float, n_beats: int, rng: np.random.Generator) -> np.ndarray:
    sr, n = score.sr, score.n
    out = np.zeros(n)
    m = int(0.4 * sr)
    tt = np.arange(m) / sr
    soft = np.clip(tt / 0.004, 0, 1)  # 4 ms attacks
    kick = np.sin(2 * np.pi * (50 * tt + 70 * 0.04 * (1 - np.exp(-tt / 0.04)))) * np.exp(-tt / 0.13) * soft
    snare_noise = bandpass(rng.standard_normal(m), 150, 1200, sr)
    snare = (0.6 * snare_noise / np.std(snare_noise) * np.exp(-tt / 0.07)
             + np.sin(2 * np.pi * 185 * tt) * np.exp(-tt / 0.05)) * np.sin(0.5 * np.pi * np.clip(tt / 0.02, 0, 1)) ** 2
    taiko = np.sin(2 * np.pi * (55 * tt + 30 * 0.05 * (1 - np.exp(-tt / 0.05)))) * np.exp(-tt / 0.3) * soft
    shaker_noise = bandpass(rng.standard_normal(m), 2000, 5000, sr)
    shaker = shaker_noise / np.std(shaker_noise) * np.sin(np.pi * np.clip(tt / 0.06, 0, 1)) ** 2
    for b in range(n_beats):
        t = b * beat
        s = int(t * sr)
        if kind == "pop":
            if b % 4 in (0, 2) or (b % 4 == 3 and b % 8 == 7):
                add_at(out, kick, s)
            if b % 4 in (1, 3):
                add_at(out, 0.5 * snare, s)
            add_at(out, 0.05 * shaker, int((t + beat / 2) * sr))
        elif kind == "four":
            add_at(out, kick, s)
            if b % 2 == 1:
                add_at(out, 0.55 * snare, s)
            add_at(out, 0.05 * shaker, int((t + beat / 2) * sr))
        elif kind == "taiko":
            if b % 4 == 0 or b % 8 == 6:
                add_at(out, 1.2 * taiko, s)
            if b % 4 == 2:
                add_at(out, 0.8 * taiko, s)
                add_at(out, 0.6 * taiko, int((t + beat / 2) * sr))
        elif kind == "pulse":
            add_at(out, 0.6 * kick, s)
    return lowpass(out, 3500, sr, order=4)


def render_music(mood: str | None, seed: int, n_samples: int, sample_rate: int) -> np.ndarray:
    """Stereo score for the clip in the given mood; tempo, key and voicing come from the seed."""
    sr = sample_rate
    spec = MOODS[mood_name(mood)]
    rng = rng_for(seed, "music", mood_name(mood))
    bpm = float(rng.integers(spec.tempo[0], spec.tempo[1] + 1))
    beat = 60.0 / bpm
    tonic = 45 + int(rng.integers(0, 12))  # A2 … G#3
    if tonic > 50:
        tonic -= 12
    shift = int(rng.integers(0, len(spec.progression)))  # start somewhere in the loop for variety
    score = _Score(n_samples, sr)
    duration = n_samples / sr
    n_bars = int(np.ceil(duration / (4 * beat))) + 1
    for bar in range(n_bars):
        root, quality = spec.progression[(bar + shift * (bar // 4 > 0)) % len(spec.progression)]
        t0 = bar * 4 * beat
        if t0 >= duration:
            break
        chord = [tonic + 12 + root + iv for iv in _QUALITIES[quality]]
        chord = [c if c <= tonic + 24 else c - 12 for c in chord]
        # pad: two detuned voices per chord tone, slow attack
        for i, c in enumerate(chord):
            for det, pan in ((-0.08, -0.5), (0.08, 0.5)):
                score.note(t0, 4 * beat + 0.2, c + 12 * (spec.pad == "triangle"), 0.12, spec.pad, 0.25, None,
                           pan=pan * (0.5 + 0.15 * i), detune=det, max_h=10)
        # bass
        bass_note = tonic + root - (12 if root > 6 else 0)
        if spec.bass == "whole":
            score.note(t0, 4 * beat, bass_note, 0.5, "triangle", 0.02, 1.5)
        elif spec.bass == "quarter":
            for k in range(4):
                score.note(t0 + k * beat, beat * 0.9, bass_note, 0.45, "triangle", 0.01, 0.4)
        else:
            for k in range(8):
                octave = 12 if (spec.bass == "octave8" and k % 2) else 0
                score.note(t0 + k * beat / 2, beat * 0.45, bass_note + octave, 0.4, "saw", 0.006, 0.25)
        # arpeggio
        step = {"quarter": beat, "eighth": beat / 2, "sixteenth": beat / 4}.get(spec.arp)
        if step:
            tones = [*chord, chord[0] + 12, chord[1] + 12] if spec.arp != "quarter" else [*chord, chord[0] + 12]
            order = rng.permutation(len(tones)) if rng.random() < 0.3 else np.arange(len(tones))
            k = 0
            while k * step < 4 * beat - 1e-6:
                tone = tones[order[k % len(tones)]] + 12
                amp = 0.16 if k % 2 == 0 else 0.12
                score.note(t0 + k * step, step * 1.6, tone, amp, spec.arp_wave, 0.005, 0.18,
                           pan=0.35 * np.sin(k * 0.9))
                k += 1
    music = lowpass(score.out, min(spec.pad_cutoff * 2.0, 3500.0), sr, order=4)
    if spec.drums != "none":
        drums = _drum_hits(score, spec.drums, beat, int(np.ceil(duration / beat)) + 1, rng)
        music += 0.6 * drums[:, None]
    # already playing when the clip starts (short fade-in); fade out over the last second (or fifth of the clip)
    fade_in = min(n_samples, int(0.15 * sr))
    music[:fade_in] *= np.linspace(0.0, 1.0, fade_in)[:, None] ** 2
    fade = int(min(1.0, duration * 0.2) * sr)
    if fade > 0:
        music[-fade:] *= np.linspace(1.0, 0.0, fade)[:, None] ** 2
    return normalise_rms(music, MUSIC_RMS_DB).astype(np.float32)
