"""libEGL through ctypes: loaded once per process, and GL functions called without the GIL."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable
from typing import Any


@functools.cache
def libegl() -> ctypes.CDLL | None:
    """libEGL, loaded once (finding it runs ldconfig), with the prototypes its users share; None where there is none."""
    try:
        egl = ctypes.CDLL(ctypes.util.find_library("EGL") or "libEGL.so.1")
    except OSError:
        return None
    try:
        egl.eglGetProcAddress.restype, egl.eglGetProcAddress.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
        egl.eglGetCurrentDisplay.restype = egl.eglGetCurrentContext.restype = ctypes.c_void_p
        egl.eglMakeCurrent.restype, egl.eglMakeCurrent.argtypes = ctypes.c_uint, [ctypes.c_void_p] * 4
    except AttributeError:  # not an EGL
        return None
    return egl


def gl_proc(name: str, *argtypes: Any) -> Callable[..., None] | None:
    """A GL function of the current context, called through ctypes (which lets go of the GIL for the call); None
    where EGL cannot supply it."""
    egl = libegl()
    address = egl.eglGetProcAddress(name.encode()) if egl is not None else None
    return ctypes.CFUNCTYPE(None, *argtypes)(address) if address else None
