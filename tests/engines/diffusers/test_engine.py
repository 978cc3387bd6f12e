"""DiffusersEngine with tiny random-weight Wan and LTX-Video pipelines on CPU."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.engines import get_engine
from reelcast.engines.base import EngineError
from reelcast.engines.diffusers import loader
from reelcast.prompt.compiler import compile_prompt

PROMPT = "a dog runs across a park. cut to a close-up of the dog"


def _plan(seconds: float = 1.0):  # type: ignore[no-untyped-def]
    return compile_prompt(PROMPT, seconds, 160, 90)


_CACHE: dict[tuple[str, int], tuple[np.ndarray, object, object]] = {}


def _frames(tiny_models, model: str, seed: int = 3) -> tuple[np.ndarray, object]:  # type: ignore[no-untyped-def]
    """Frames and clip of one generation, shared between tests (generation is the slow part on a busy CPU)."""
    if (model, seed) not in _CACHE:
        engine = get_engine("diffusers", model=model, models_dir=tiny_models)
        clip = engine.generate(_plan(), seed)
        _CACHE[(model, seed)] = (np.stack(list(clip.frames)), clip, engine)
    frames, clip, _ = _CACHE[(model, seed)]
    return frames, clip


@pytest.mark.parametrize("model", ["wan-t2v", "ltx-video"])
def test_clip_has_the_plans_size_rate_and_length(tiny_models, model):  # type: ignore[no-untyped-def]
    frames, clip = _frames(tiny_models, model)
    assert frames.shape == (24, 90, 160, 3) and frames.dtype == np.uint8
    assert clip.fps == 24 and clip.audio.shape == (48000, 2) and clip.audio.dtype == np.float32


def test_one_generation_per_shot_with_its_own_prompt(tiny_models):
    _frames(tiny_models, "wan-t2v")
    calls = _CACHE[("wan-t2v", 3)][2].log.calls  # type: ignore[attr-defined]
    assert [c.shot for c in calls] == [0, 1] and "close-up" in calls[1].prompt and "close-up" not in calls[0].prompt


def test_same_seed_gives_the_same_frames(tiny_models):
    a, _ = _frames(tiny_models, "wan-t2v", seed=3)
    engine = get_engine("diffusers", model="wan-t2v", models_dir=tiny_models)
    assert np.array_equal(a, np.stack(list(engine.generate(_plan(), 3).frames)))


def test_different_seed_gives_different_frames(tiny_models):
    a, _ = _frames(tiny_models, "wan-t2v", seed=3)
    b, _ = _frames(tiny_models, "wan-t2v", seed=4)
    assert not np.array_equal(a, b)


def test_reference_image_conditions_image_to_video(tiny_models):
    ref = np.zeros((90, 160, 3), np.uint8)
    ref[..., 0] = 255
    engine = get_engine("diffusers", model="ltx-video", models_dir=tiny_models, reference=ref)
    with_ref = np.stack(list(engine.generate(_plan(), 3).frames))
    plain, _ = _frames(tiny_models, "ltx-video", seed=3)
    assert engine.log.calls[0].image is not None and not np.array_equal(with_ref, plain)


def test_image_only_model_opens_later_shots_from_the_cut(tiny_models):  # type: ignore[no-untyped-def]
    ref = np.full((90, 160, 3), 200, np.uint8)
    engine = get_engine("diffusers", model="wan-i2v", models_dir=tiny_models, reference=ref)
    frames = np.stack(list(engine.generate(_plan(), 3).frames))
    assert frames.shape == (24, 90, 160, 3) and [c.shot for c in engine.log.calls] == [0, 1]


def test_image_only_model_without_an_image_is_refused(tiny_models):  # type: ignore[no-untyped-def]
    with pytest.raises(EngineError) as err:
        get_engine("diffusers", model="wan-i2v", models_dir=tiny_models).generate(_plan(), 3)
    assert err.value.code == "reference_required"


def test_one_pipeline_stays_warm_per_process(tiny_models):
    engine = get_engine("diffusers", model="wan-t2v", models_dir=tiny_models)
    first = engine.load()
    assert engine.load() is first
    get_engine("diffusers", model="ltx-video", models_dir=tiny_models).load()
    assert loader.warm_key() != first.key and engine.load() is not first


def test_missing_weights_name_the_expected_directory(tmp_path):
    engine = get_engine("diffusers", model="wan-t2v", models_dir=tmp_path)
    with pytest.raises(EngineError) as err:
        engine.generate(_plan(), 1)
    assert err.value.code == "model_weights_missing" and str(tmp_path / "wan-t2v") in err.value.message
    assert "never downloads" in err.value.message


def test_weights_of_another_pipeline_are_refused(tiny_models, tmp_path):
    (tmp_path / "wan-t2v").symlink_to(tiny_models / "ltx-video")
    with pytest.raises(EngineError) as err:
        get_engine("diffusers", model="wan-t2v", models_dir=tmp_path).load()
    assert err.value.code == "model_weights_invalid"


def test_unconfigured_engine_is_unavailable():
    with pytest.raises(EngineError) as err:
        get_engine("diffusers", model="wan-t2v", models_dir=None)
    assert err.value.code == "engine_unavailable"
