"""The CPU tier shades large frames at a capped scene size; the output size never changes."""

from reelcast.engines.sim.render.renderer import FAST_SCENE_PIXELS, scene_size


def test_small_frames_render_at_native_size():
    assert scene_size(854, 480, "fast") == (854, 480)


def test_large_frames_are_capped_on_the_cpu_tier_keeping_aspect():
    w, h = scene_size(1280, 720, "fast")
    assert w * h <= FAST_SCENE_PIXELS and abs(w / h - 1280 / 720) < 0.01 and w % 2 == h % 2 == 0


def test_gpu_tier_renders_at_native_size():
    assert scene_size(1920, 1080, "high") == (1920, 1080)
