"""Appearance descriptors from the bundled stills, and the owner's corrections."""

from __future__ import annotations

import pytest

from reelcast.cameo import descriptors, faces
from tests.cameo.clips import face_still


def _estimate(name: str) -> dict[str, object]:
    still = face_still(name)
    return descriptors.estimate(still, faces.detect(still)[0].landmarks)


def test_glasses_are_seen_on_hopper_only() -> None:
    assert _estimate("hopper")["glasses"] is True
    assert _estimate("astronaut")["glasses"] is False


def test_descriptors_use_known_values() -> None:
    d = _estimate("astronaut")
    assert d["skin_tone"] in descriptors.SKIN_TONES
    assert d["hair_colour"] in descriptors.HAIR_COLOURS
    assert d["hair_length"] in descriptors.HAIR_LENGTHS
    assert d["facial_hair"] in descriptors.FACIAL_HAIR
    assert str(d["skin_rgb"]).startswith("#")


def test_the_astronauts_light_brown_hair_is_not_black_and_her_face_has_no_beard() -> None:
    d = _estimate("astronaut")
    assert d["hair_colour"] in ("blonde", "brown") and d["facial_hair"] == "none"


@pytest.mark.parametrize("change", [{"hair_colour": "red"}, {"glasses": True}, {"skin_rgb": "#A0B1C2"},
                                    {"hair_length": "long", "facial_hair": "beard"}])
def test_valid_corrections_are_accepted(change: dict[str, object]) -> None:
    out = descriptors.validate(change)
    assert set(out) == set(change)


@pytest.mark.parametrize("change", [{"hair_colour": "purple"}, {"glasses": "yes"}, {"eye_colour": "blue"},
                                    {"skin_rgb": "red"}])
def test_invalid_corrections_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        descriptors.validate(change)
