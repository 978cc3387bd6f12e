"""A verified cameo's descriptors and pitch reach the sim engine's character colours and TTS voice."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from reelcast.cameo import looks
from reelcast.engines.sim.audio.speech import speaker_voices
from reelcast.engines.sim.world.archetypes import person_colors
from reelcast.jobs.pipeline import RenderRequest, build_plan

DESCRIPTORS = {"skin_tone": "light", "skin_rgb": "#c08060", "hair_colour": "red", "hair_rgb": "#a02010",
               "hair_length": "long", "glasses": True, "facial_hair": "none"}
VOICE = {"pitch_low_hz": 180.0, "pitch_median_hz": 210.0, "pitch_high_hz": 240.0}
PROMPT = '@ana says "hello there" in the park'


def _plan(attrs: dict[str, str]) -> object:
    req = RenderRequest(prompt=PROMPT, seconds=2.0, width=320, height=180, seed=3,
                        cameo_looks={"@ana": attrs})
    return build_plan(req)


def test_descriptors_become_entity_attributes() -> None:
    attrs = looks.attributes_of(DESCRIPTORS, VOICE)
    assert attrs == {"skin_rgb": "#c08060", "hair_rgb": "#a02010", "hair_length": "long", "facial_hair": "none",
                     "glasses": "yes", "voice_pitch_hz": "210"}


def test_no_hair_colour_is_given_when_there_is_no_hair() -> None:
    assert "hair_rgb" not in looks.attributes_of({**DESCRIPTORS, "hair_colour": "none"}, {})


def test_the_render_plan_carries_the_cameos_look() -> None:
    plan = _plan(looks.attributes_of(DESCRIPTORS, VOICE))
    ana = plan.entity("ana")  # type: ignore[attr-defined]
    assert ana.attributes["skin_rgb"] == "#c08060" and ana.attributes["glasses"] == "yes"
    assert any("verified cameo" in n for n in plan.notes)  # type: ignore[attr-defined]


def test_the_sim_character_uses_the_measured_skin_and_hair_colours() -> None:
    plan = _plan(looks.attributes_of(DESCRIPTORS, VOICE))
    colors = person_colors(SimpleNamespace(seed=3, plan=plan), plan.entity("ana"))  # type: ignore[arg-type]
    assert colors["skin"] == pytest.approx((0xC0 / 255, 0x80 / 255, 0x60 / 255))
    assert colors["hair"] == pytest.approx((0xA0 / 255, 0x20 / 255, 0x10 / 255))


def test_the_tts_voice_follows_the_measured_pitch() -> None:
    high = speaker_voices(_plan(looks.attributes_of(DESCRIPTORS, VOICE)))["ana"]  # type: ignore[arg-type]
    low = speaker_voices(_plan(looks.attributes_of(DESCRIPTORS, {"pitch_median_hz": 100.0})))["ana"]  # type: ignore[arg-type]
    assert high[0].startswith("f") and low[0].startswith("m")
    assert high[1] == looks.espeak_pitch(210.0) > low[1] == looks.espeak_pitch(100.0)


@pytest.mark.parametrize(("hz", "pitch"), [(60.0, 0), (80.0, 0), (165.0, 50), (250.0, 99), (400.0, 99)])
def test_espeak_pitch_mapping(hz: float, pitch: int) -> None:
    assert looks.espeak_pitch(hz) == pitch
