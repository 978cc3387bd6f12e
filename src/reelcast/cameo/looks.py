"""A verified person's look and voice for the engines: descriptors and pitch become plan entity attributes."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from reelcast.prompt.plan import ScenePlan
from reelcast.store.cameo_models import CameoVerification

FEMALE_PITCH_HZ = 165.0  # median speaking pitch above this: a higher (female-range) TTS voice


def attributes_of(descriptors: dict[str, object], voice: dict[str, object]) -> dict[str, str]:
    """Plan entity attributes (strings) for a cameo's descriptors and voice parameters."""
    out: dict[str, str] = {}
    if isinstance(descriptors.get("skin_rgb"), str):
        out["skin_rgb"] = str(descriptors["skin_rgb"])
    if descriptors.get("hair_colour") not in (None, "none") and isinstance(descriptors.get("hair_rgb"), str):
        out["hair_rgb"] = str(descriptors["hair_rgb"])
    for key in ("hair_length", "facial_hair"):
        if isinstance(descriptors.get(key), str):
            out[key] = str(descriptors[key])
    if isinstance(descriptors.get("glasses"), bool):
        out["glasses"] = "yes" if descriptors["glasses"] else "no"
    pitch = voice.get("pitch_median_hz")
    if isinstance(pitch, int | float):
        out["voice_pitch_hz"] = f"{float(pitch):.0f}"
    return out


def looks_for(s: Session, handles: Iterable[str]) -> dict[str, dict[str, str]]:
    """`@handle` → entity attributes for every verified person cameo among the handles (owner corrections applied)."""
    from reelcast.social.cameos import by_handle

    out: dict[str, dict[str, str]] = {}
    for handle in handles:
        cameo = by_handle(s, handle)
        if cameo is None or cameo.kind != "person":
            continue
        v = s.get(CameoVerification, cameo.id)
        if v is not None and v.face_embedding is not None:
            attrs = attributes_of(dict(v.descriptors or {}), dict(v.voice or {}))
            if attrs:
                out[handle.lower()] = attrs
    return out


def apply_cameo_looks(plan: ScenePlan, looks: dict[str, dict[str, str]]) -> None:
    """Give every entity showing a verified cameo its look and voice; words in the prompt still win."""
    for ent in plan.entities:
        if ent.cameo is None or ent.cameo.lower() not in looks:
            continue
        for key, value in looks[ent.cameo.lower()].items():
            ent.attributes.setdefault(key, value)
        plan.notes.append(f"{ent.cameo}: rendered with the verified cameo's appearance and voice pitch")


def espeak_pitch(f0_hz: float) -> int:
    """The espeak-ng pitch setting (0–99) for a median speaking pitch in Hz (80 Hz → 0, 250 Hz → 99)."""
    return int(round(min(99.0, max(0.0, (f0_hz - 80.0) / 170.0 * 99.0))))
