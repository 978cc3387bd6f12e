"""The measurements behind the cameo verification thresholds (docs/cameo-verification.md), on synthetic data.

Prints markdown tables: digit recognition by voice and noise, the yaw ratio by head turn, face-embedding distances
within one face and between two, and voice similarities. Deterministic (seeded).
"""

from __future__ import annotations

import itertools

import numpy as np
from tests.cameo.clips import face_still, speak_digits, yaw_warp

from reelcast.cameo import faces, speech, voice
from reelcast.domain.cameo_verification import digit_errors

VOICES = ("en-us", "en", "en-us+f2", "en-us+m3", "en-gb-scotland")


def asr_table(n: int = 8) -> list[str]:
    """Exact and within-one-digit recognition per voice and noise level, and how often other digits pass."""
    rng = np.random.default_rng(7)
    strings = ["".join(str(d) for d in rng.integers(0, 10, 5)) for _ in range(n)]
    rows = ["| voice | SNR | exact | ≤1 digit wrong | other digits accepted |", "|---|---|---|---|---|"]
    for v, snr in itertools.product(VOICES, (30.0, 20.0, 10.0)):
        exact = near = impostor = 0
        for i, digits in enumerate(strings):
            heard = speech.recognise_digits(speak_digits(digits, voice=v, seed=i, snr_db=snr), 5)
            exact += heard == digits
            near += digit_errors(digits, heard) <= 1
            other = strings[(i + 1) % n]
            impostor += digit_errors(other, heard) <= 1
        rows.append(f"| {v} | {snr:.0f} dB | {exact}/{n} | {near}/{n} | {impostor}/{n} |")
    return rows


def yaw_table() -> list[str]:
    """The yaw ratio r by synthetic head turn (positive: the subject's left)."""
    yaws = (-30, -20, -10, -5, 0, 5, 10, 20, 30)
    rows = ["| face | " + " | ".join(f"{y:+d}°" for y in yaws) + " |", "|---|" + "---|" * len(yaws)]
    for name in ("astronaut", "hopper"):
        still = face_still(name)
        vals = []
        for y in yaws:
            found = faces.detect(yaw_warp(still, y))
            vals.append(f"{found[0].yaw_ratio:.3f}" if found else "–")
        rows.append(f"| {name} | " + " | ".join(vals) + " |")
    return rows


def embedding_table() -> list[str]:
    """Face-embedding distances within one face (across small turns) and between the two faces."""
    emb = {}
    for name in ("astronaut", "hopper"):
        for y in (-20, -10, -3, 0, 3, 10, 20):
            f = yaw_warp(face_still(name), y)
            emb[(name, y)] = faces.embed(f, faces.detect(f)[0].box)

    def spread(name: str, ys: tuple[int, ...]) -> float:
        return max(float(np.linalg.norm(emb[(name, a)] - emb[(name, b)])) for a in ys for b in ys)

    between = [float(np.linalg.norm(emb[("astronaut", a)] - emb[("hopper", b)]))
               for a in (-3, 0, 3) for b in (-3, 0, 3)]
    rows = ["| comparison | max (or min) distance |", "|---|---|"]
    for name in ("astronaut", "hopper"):
        rows.append(f"| {name}, near-frontal frames (±3°) | max {spread(name, (-3, 0, 3)):.3f} |")
        rows.append(f"| {name}, frames up to ±10° | max {spread(name, (-10, -3, 0, 3, 10)):.3f} |")
        rows.append(f"| {name}, frames up to ±20° | max {spread(name, (-20, -10, 0, 10, 20)):.3f} |")
    rows.append(f"| astronaut vs Hopper, near-frontal | min {min(between):.3f} |")
    return rows


def voice_table() -> list[str]:
    """Cosine similarity of voice embeddings: same espeak voice with other digits vs different voices."""
    embs = {(v, d): voice.embed(speak_digits(d, voice=v, seed=3)) for v in VOICES for d in ("31415", "27182")}
    same = [voice.similarity(embs[(v, "31415")], embs[(v, "27182")]) for v in VOICES]
    diff = [voice.similarity(embs[(a, "31415")], embs[(b, "27182")]) for a in VOICES for b in VOICES if a != b]
    return ["| pair | mean | min | max |", "|---|---|---|---|",
            f"| same voice, other digits | {np.mean(same):.2f} | {min(same):.2f} | {max(same):.2f} |",
            f"| different voices | {np.mean(diff):.2f} | {min(diff):.2f} | {max(diff):.2f} |"]


def main() -> None:
    """Print every table."""
    for title, fn in (("Digits (pocketsphinx, exactly-5-digits grammar)", asr_table),
                      ("Yaw ratio r by head turn", yaw_table), ("Face-embedding distances", embedding_table),
                      ("Voice similarity (Resemblyzer)", voice_table)):
        print(f"\n### {title}\n")
        print("\n".join(fn()), flush=True)


if __name__ == "__main__":
    main()
