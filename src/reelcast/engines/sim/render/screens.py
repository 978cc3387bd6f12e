"""A second software GL screen in this process: a moderngl context on Mesa's EGL *surfaceless* platform.

moderngl's EGL backend opens the EGL *device* platform, and every context made there shares one llvmpipe screen:
one rasterizer whose threads draw queued scenes in order, so a context that waits for its own pass (a draw that
samples a texture a queued pass renders into, a read-back) also waits for everything any other context queued.
Two renderers on that screen measured no faster than one. A display on the surfaceless platform is a separate
screen with its own rasterizer threads, so a renderer there draws beside one on the device platform without
waiting for it (`split_render`).
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import glcontext
import moderngl

from reelcast.engines.sim.render.egl import libegl

EGL_EXTENSIONS = 0x3055
EGL_PLATFORM_SURFACELESS_MESA = 0x31DD
EGL_OPENGL_API = 0x30A2
EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, EGL_NONE = 0x3040, 0x0008, 0x3033, 0x3038
EGL_CONTEXT_MAJOR_VERSION, EGL_CONTEXT_MINOR_VERSION = 0x3098, 0x30FB
EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT = 0x30FD, 0x1
BACKEND_NAME = "reelcast-surfaceless"

_lock = threading.Lock()
_egl: Any = None
_display: int | None = None  # the surfaceless display, initialised once per process (0: unavailable)


def _load_egl() -> Any:
    """libEGL with the prototypes used here (None where there is none)."""
    egl = libegl()
    if egl is None:
        return None
    p, i, u = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint
    egl.eglQueryString.restype, egl.eglQueryString.argtypes = ctypes.c_char_p, [p, i]
    egl.eglInitialize.restype, egl.eglInitialize.argtypes = u, [p, p, p]
    egl.eglBindAPI.restype, egl.eglBindAPI.argtypes = u, [u]
    egl.eglChooseConfig.restype = u
    egl.eglChooseConfig.argtypes = [p, ctypes.POINTER(i), ctypes.POINTER(p), i, ctypes.POINTER(i)]
    egl.eglCreateContext.restype, egl.eglCreateContext.argtypes = p, [p, p, p, ctypes.POINTER(i)]
    egl.eglDestroyContext.restype, egl.eglDestroyContext.argtypes = u, [p, p]
    egl.eglGetCurrentSurface.restype, egl.eglGetCurrentSurface.argtypes = p, [i]
    return egl


def _surfaceless_display() -> int:
    """The process's surfaceless EGL display, initialised on first use (0 where the platform is missing)."""
    global _egl, _display
    with _lock:
        if _display is None:
            _display = 0
            _egl = _load_egl()
            client = (_egl.eglQueryString(None, EGL_EXTENSIONS) or b"") if _egl is not None else b""
            if b"EGL_MESA_platform_surfaceless" in client.split():
                address = _egl.eglGetProcAddress(b"eglGetPlatformDisplayEXT")
                get_display = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p)(
                    address) if address else None
                display = get_display(EGL_PLATFORM_SURFACELESS_MESA, None, None) if get_display else None
                if display and _egl.eglInitialize(display, None, None):
                    extensions = _egl.eglQueryString(display, EGL_EXTENSIONS) or b""
                    if b"EGL_KHR_surfaceless_context" in extensions.split():
                        _display = int(display)
        return _display


class _SurfacelessGL:
    """What moderngl needs of a glcontext backend (load, enter, exit, release), for one EGL context."""

    def __init__(self, egl: Any, display: int, context: int) -> None:
        self.egl, self.display, self.context = egl, display, context
        self._saved: list[tuple[int | None, int | None, int | None, int | None]] = []

    def load(self, name: str) -> int:
        """The address of a GL function (0 where there is none)."""
        return int(self.egl.eglGetProcAddress(name.encode()) or 0)

    def __enter__(self) -> None:
        egl = self.egl
        self._saved.append((egl.eglGetCurrentDisplay(), egl.eglGetCurrentSurface(0x3059),  # EGL_DRAW
                            egl.eglGetCurrentSurface(0x305A), egl.eglGetCurrentContext()))  # EGL_READ
        egl.eglMakeCurrent(self.display, None, None, self.context)

    def __exit__(self, *exc: object) -> None:
        display, draw, read, context = self._saved.pop() if self._saved else (None, None, None, None)
        if display:
            self.egl.eglMakeCurrent(display, draw, read, context)
        else:
            self.egl.eglMakeCurrent(self.display, None, None, None)

    def release(self) -> None:
        if self.context:
            if self.egl.eglGetCurrentContext() == self.context:
                self.egl.eglMakeCurrent(self.display, None, None, None)
            self.egl.eglDestroyContext(self.display, self.context)
            self.context = 0


def second_screen_context() -> moderngl.Context | None:
    """A GL 3.3 core context on the surfaceless platform's own llvmpipe screen, current on this thread; None where
    that platform (or a context on it) is unavailable."""
    display = _surfaceless_display()
    if not display:
        return None
    egl = _egl
    egl.eglBindAPI(EGL_OPENGL_API)  # per thread
    attrs = (ctypes.c_int * 5)(EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, 0, EGL_NONE)
    config, count = ctypes.c_void_p(), ctypes.c_int()
    if not egl.eglChooseConfig(display, attrs, ctypes.byref(config), 1, ctypes.byref(count)) or not count.value:
        return None
    ctx_attrs = (ctypes.c_int * 7)(EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                                   EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE)
    context = egl.eglCreateContext(display, config, None, ctx_attrs)
    if not context:
        return None
    backend = _SurfacelessGL(egl, display, int(context))
    if not egl.eglMakeCurrent(display, None, None, context):
        backend.release()
        return None
    # moderngl asks glcontext for its backend by name and only knows "egl": ours answers its own name meanwhile.
    with _lock:
        by_name = glcontext.get_backend_by_name
        glcontext.get_backend_by_name = lambda name: (lambda **_: backend) if name == BACKEND_NAME else by_name(name)
        try:
            return moderngl.create_context(require=330, standalone=True, backend=BACKEND_NAME)
        except Exception:
            backend.release()
            return None
        finally:
            glcontext.get_backend_by_name = by_name
