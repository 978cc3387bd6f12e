"""Size, frame-count and time mapping rules of the diffusers engine (table-driven)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reelcast.engines.diffusers.models import SPECS, frame_count, load_spec, model_size, segments, source_index

WAN, LTX = SPECS["wan-t2v"], SPECS["ltx-video"]


@pytest.mark.parametrize(("spec", "size", "quality", "expected"), [
    (WAN, (1280, 720), "auto", (832, 480)),
    (WAN, (1280, 720), "high", (1280, 720)),
    (WAN, (720, 1280), "auto", (480, 832)),
    (WAN, (1024, 1792), "high", (720, 1280)),
    (WAN, (854, 480), "fast", (832, 480)),
    (LTX, (1280, 720), "auto", (768, 512)),
    (LTX, (1792, 1024), "high", (1216, 704)),
    (LTX, (480, 854), "auto", (512, 768)),
])
def test_request_size_maps_to_a_trained_resolution(spec, size, quality, expected):  # type: ignore[no-untyped-def]
    assert model_size(spec, *size, quality=quality) == expected


def test_model_size_is_a_multiple_of_the_models_block():
    spec = replace(LTX, resolutions=((700, 500),))
    w, h = model_size(spec, 1280, 720)
    assert w % 32 == 0 and h % 32 == 0


@pytest.mark.parametrize(("spec", "seconds", "expected"), [
    (WAN, 4.0, 65),  # 16 fps: 64 frames → 4n+1
    (WAN, 1.0, 17),
    (WAN, 0.1, 5),  # at least one step
    (WAN, 12.0, 81),  # capped at the longest generation
    (LTX, 4.0, 97),  # 24 fps: 96 → 8n+1
    (LTX, 2.5, 65),  # 60 → 64 + 1
])
def test_frame_count_follows_the_models_frame_rule(spec, seconds, expected):  # type: ignore[no-untyped-def]
    assert frame_count(spec, seconds) == expected


@pytest.mark.parametrize(("spec", "seconds", "expected"), [
    (WAN, 4.0, [65]),
    (WAN, 5.0, [81]),
    (WAN, 8.0, [81, 49]),  # 5 s + 3 s chained from the last frame
    (LTX, 12.0, [257, 33]),
])
def test_long_shots_are_split_into_chained_segments(spec, seconds, expected):  # type: ignore[no-untyped-def]
    assert segments(spec, seconds) == expected


@pytest.mark.parametrize(("t", "fps", "n", "expected"), [
    (0.0, 16, 65, 0), (1 / 24, 16, 65, 0), (2 / 24, 16, 65, 1), (1.0, 16, 65, 16), (9.0, 16, 65, 64),
])
def test_output_time_picks_the_generated_frame_showing_it(t, fps, n, expected):  # type: ignore[no-untyped-def]
    assert source_index(t, fps, n) == expected


def test_reelcast_json_overrides_the_spec(tmp_path):
    (tmp_path / "reelcast.json").write_text(json.dumps({"resolutions": [[64, 32]], "steps": 3, "fps": 8}))
    spec = load_spec("wan-t2v", tmp_path)
    assert (spec.resolutions, spec.steps, spec.fps, spec.max_frames) == (((64, 32),), 3, 8, WAN.max_frames)


def test_unknown_model_key_is_refused():
    with pytest.raises(KeyError):
        load_spec("sdxl")
