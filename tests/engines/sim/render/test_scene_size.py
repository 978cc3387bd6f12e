"""The CPU tier shades frames from the draft size up at a reduced scene size; the output size never changes."""

from reelcast.engines.sim.render.renderer import FAST_SCENE_PIXELS, scene_size


def test_frames_below_the_draft_size_render_at_native_size():
    assert scene_size(640, 360, "fast") == (640, 360)


def test_draft_size_renders_its_scene_at_80_percent_on_the_cpu_tier():
    assert scene_size(854, 480, "fast") == (684, 384)


def test_large_frames_are_capped_on_the_cpu_tier_keeping_aspect():
    w, h = scene_size(1280, 720, "fast")
    assert w * h <= FAST_SCENE_PIXELS and abs(w / h - 1280 / 720) < 0.01 and w % 2 == h % 2 == 0


def test_portrait_sizes_keep_their_aspect_on_the_cpu_tier():
    w, h = scene_size(1024, 1792, "fast")
    assert w * h <= FAST_SCENE_PIXELS and abs(w / h - 1024 / 1792) < 0.01


def test_gpu_tier_renders_at_native_size():
    assert scene_size(1920, 1080, "high") == (1920, 1080)
