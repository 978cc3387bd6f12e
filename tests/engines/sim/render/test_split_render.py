"""Rendering a clip's halves on two screens at once gives the frames of one renderer, in order."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from reelcast.engines.sim.render import Renderer
from reelcast.engines.sim.render.demo import demo_timeline
from reelcast.engines.sim.render.screens import second_screen_context
from reelcast.engines.sim.render.segments import split_frame
from reelcast.engines.sim.render.split_render import split_render, split_worthwhile
from reelcast.engines.sim.scene import SimTimeline
from reelcast.prompt.plan import Style

W, H = 160, 90
STYLE = Style(motion_blur=True, grain=0.3, vignette=0.2)


def _renderer() -> Renderer:
    return Renderer(W, H, STYLE, quality="fast")


def _second() -> Renderer | None:
    ctx = second_screen_context()
    return None if ctx is None else Renderer(W, H, STYLE, quality="fast", context=ctx)


def _serial(tl: SimTimeline) -> list[np.ndarray]:
    r = _renderer()
    try:
        return list(r.render_frames(tl))
    finally:
        r.close()


def _split(tl: SimTimeline, make_second=_second, **kw: int) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    r = _renderer()
    try:
        return list(split_render(r, make_second, tl, **kw))
    finally:
        r.close()


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.tobytes() == y.tobytes() for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def clip() -> SimTimeline:
    return demo_timeline(n_frames=50)


@pytest.fixture(scope="module")
def serial(clip: SimTimeline) -> list[np.ndarray]:
    return _serial(clip)


def test_split_render_gives_the_serial_frames_byte_for_byte(clip: SimTimeline, serial: list[np.ndarray]) -> None:
    assert split_frame(clip.n_frames) == 25
    assert _same(_split(clip), serial)


def test_split_at_a_cut_gives_the_serial_frames_byte_for_byte() -> None:
    tl = demo_timeline(n_frames=60)
    tl.cuts = [28]
    assert split_frame(tl.n_frames, tl.cuts) == 28
    assert _same(_split(tl), _serial(tl))


def test_with_a_one_frame_buffer_the_second_half_waits_and_the_frames_are_the_same(
    clip: SimTimeline, serial: list[np.ndarray]
) -> None:
    assert _same(_split(clip, buffer_bytes=1), serial)


def test_without_a_second_renderer_the_first_renders_every_frame(
    clip: SimTimeline, serial: list[np.ndarray]
) -> None:
    assert _same(_split(clip, make_second=lambda: None), serial)


def test_the_second_half_rendered_alone_is_the_whole_renders_tail(clip: SimTimeline, serial: list[np.ndarray]) -> None:
    split = split_frame(clip.n_frames)
    assert split is not None
    r = _renderer()
    try:
        tail = list(r.render_frames(clip, range(split, clip.n_frames)))
    finally:
        r.close()
    assert _same(tail, serial[split:])


def test_the_split_frame_keeps_its_motion_blur(clip: SimTimeline, serial: list[np.ndarray]) -> None:
    """It blends over a fresh draw of the frame before it, not over nothing."""
    split = split_frame(clip.n_frames)
    assert split is not None
    r = Renderer(W, H, Style(motion_blur=False, grain=0.3, vignette=0.2), quality="fast")
    try:
        sharp = list(r.render_frames(clip, range(split - 1, split + 1)))
    finally:
        r.close()
    blurred = serial[split].astype(float)
    expected = sharp[1].astype(float) * 0.85 + sharp[0].astype(float) * 0.15
    assert np.abs(blurred - sharp[1].astype(float)).mean() > 0.05  # it did blend
    assert np.abs(blurred - expected).max() <= 2.0


def test_a_failure_of_the_second_renderer_is_raised_where_its_frames_are_due(clip: SimTimeline) -> None:
    class Broken:
        def render_frames(self, tl: SimTimeline, frames: range) -> Iterator[np.ndarray]:
            raise RuntimeError("the second screen broke")
            yield  # pragma: no cover

        def close(self) -> None:
            pass

    r = _renderer()
    try:
        got = []
        with pytest.raises(RuntimeError, match="second screen broke"):
            for frame in split_render(r, lambda: Broken(), clip):  # type: ignore[arg-type,return-value]
                got.append(frame)
        assert len(got) == split_frame(clip.n_frames)
    finally:
        r.close()


def test_closing_early_stops_the_second_renderer(clip: SimTimeline) -> None:
    closed = threading.Event()

    def second() -> Renderer | None:
        renderer = _second()
        assert renderer is not None
        close = renderer.close

        def close_and_tell() -> None:
            close()
            closed.set()

        renderer.close = close_and_tell  # type: ignore[method-assign]
        return renderer

    r = _renderer()
    try:
        frames = split_render(r, second, clip, buffer_bytes=1)
        for _ in range(5):
            next(frames)
        frames.close()
        assert closed.is_set()
        assert not any(t.name == "reelcast-render-2" for t in threading.enumerate())
    finally:
        r.close()


def test_render_frames_rejects_a_range_outside_the_clip_or_with_a_step(clip: SimTimeline) -> None:
    r = _renderer()
    try:
        for bad in (range(0, clip.n_frames + 1), range(0, 10, 2), range(-1, 3)):
            with pytest.raises(ValueError, match="step-1 range"):
                next(iter(r.render_frames(clip, bad)))
    finally:
        r.close()


def test_split_is_worthwhile_on_llvmpipe_unless_the_thread_budget_is_one_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reelcast.engines.sim.render import split_render as module

    r = _renderer()
    try:
        monkeypatch.setattr(module, "thread_budget", lambda: 2)
        assert split_worthwhile(r)
        monkeypatch.setattr(module, "thread_budget", lambda: 1)
        assert not split_worthwhile(r)
    finally:
        r.close()
