"""The second software screen: a GL context on Mesa's EGL surfaceless platform."""

from __future__ import annotations

from collections.abc import Iterator

import moderngl
import numpy as np
import pytest

from reelcast.engines.sim.render.egl import libegl
from reelcast.engines.sim.render.screens import second_screen_context


def _current_display() -> int:
    egl = libegl()
    assert egl is not None
    return int(egl.eglGetCurrentDisplay() or 0)


def test_second_screen_context_is_a_gl_33_llvmpipe_context_that_draws() -> None:
    ctx = second_screen_context()
    assert ctx is not None
    try:
        assert ctx.version_code >= 330
        assert "llvmpipe" in ctx.info["GL_RENDERER"].lower()
        fbo = ctx.simple_framebuffer((8, 4))
        fbo.use()
        fbo.clear(1.0, 0.5, 0.0, 1.0)
        px = np.frombuffer(fbo.read(components=3), np.uint8).reshape(4, 8, 3)
        assert px[0, 0].tolist() == [255, 128, 0]
        fbo.release()
    finally:
        ctx.release()


@pytest.fixture
def both() -> Iterator[tuple[moderngl.Context, moderngl.Context]]:
    """A context made by moderngl's own EGL backend and one on the second screen."""
    own = moderngl.create_standalone_context(backend="egl")
    second = second_screen_context()
    assert second is not None
    yield own, second
    second.release()
    own.release()


def test_second_screen_is_another_egl_display_than_moderngls_own(
    both: tuple[moderngl.Context, moderngl.Context],
) -> None:
    own, second = both
    with own:
        own_display = _current_display()
    with second:
        second_display = _current_display()
    assert own_display and second_display and own_display != second_display


def test_entering_and_leaving_the_second_context_restores_the_one_current_before(
    both: tuple[moderngl.Context, moderngl.Context],
) -> None:
    own, second = both
    with own:
        before = _current_display()
        with second:
            assert _current_display() != before
        assert _current_display() == before
