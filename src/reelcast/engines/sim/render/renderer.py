"""The sim engine's 3D renderer: moderngl on a headless EGL context (Mesa llvmpipe on CPU, or a GPU).

Per frame: one shadow pass (casters only; skipped when nothing moved), one draw for all parts (one merged vertex
buffer, poses fetched from a small float texture, moving entities nearest first), the ground and the sky behind them
(full-screen draws clipped to their sides of the horizon), a quarter-size glow composition when the style has
halation, and one merged post pass. Round parts and big user meshes are tessellated or decimated per timeline for
the largest size they reach on screen or in the shadow map (lod.py). While the camera and the sun's shadow window
hold still, the shadow and main passes redraw only the rectangle that parts which moved (and their shadows) cover on
this frame or the last (`_changed`): same bytes, a fraction of the pixels.
"""

from __future__ import annotations

import ctypes
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import cv2
import moderngl
import numpy as np

from reelcast.engines.sim.render import shaders
from reelcast.engines.sim.render.camera import (
    camera_basis,
    light_basis,
    light_space_box,
    light_view_proj,
    perspective,
    tan_half_fov,
    view_matrix,
)
from reelcast.engines.sim.render.draw_order import DrawSets, TiedOrder, coplanar_pairs
from reelcast.engines.sim.render.egl import gl_proc, libegl
from reelcast.engines.sim.render.lod import bound_radius, choose_mesh_divisors, choose_segments, segment_timeline
from reelcast.engines.sim.render.looks import grade_for, material, normalize_look
from reelcast.engines.sim.render.meshes import MergedGeometry, merge_parts, split_translucent
from reelcast.engines.sim.render.segments import draw_schedule, shot_ranges
from reelcast.engines.sim.render.shader_constants import (
    TEXTURE_FROM_CLIP,
    grain_frame_hash,
    k_defines,
    post_constants,
    scene_constants,
)
from reelcast.engines.sim.scene import Environment, SimTimeline
from reelcast.media.cpu_budget import rasterizer_threads
from reelcast.prompt.plan import Style

QUALITIES = ("fast", "high", "auto")
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast")
SHADOW_SIZE = {"fast": 1024, "high": 2048}
MAX_SHADOW_RADIUS = 40.0  # metres; larger scenes get a camera-centred shadow window of this size
# A camera-following shadow window moves in steps of this many metres (light space), not with every frame of camera
# travel: between steps the window holds still, so the shadow pass redraws only around the casters that moved (the
# whole map every frame cost 4-7 ms of llvmpipe CPU a frame at 854x480). The window is grown by half a step so the
# camera's target keeps MAX_SHADOW_RADIUS of it on every side (texels 5% larger).
FOLLOW_STEP = 4.0
# What the vertex shaders fetch per vertex: the 4 matrix columns, whose unused 4th components carry the per-frame flags
# (column 0: visible; column 1: visible and casts a shadow). The static rest (albedo+emissive, id, spec, shininess)
# is a per-vertex attribute: on llvmpipe each texelFetch in a vertex shader costs about as much as the rest of it.
POSE_TEXELS = 4
PART_ATTRIBS = (("in_albedo", 4), ("in_mat", 3))  # (rgb + emissive), (id, spec, shininess): float32 each
GL_CLIP_DISTANCE0 = 0x3000
GL_TRIANGLES, GL_UNSIGNED_INT, GL_DEPTH_BUFFER_BIT = 0x0004, 0x1405, 0x0100
GL_RGBA, GL_UNSIGNED_BYTE, GL_COLOR_ATTACHMENT0, GL_PACK_ALIGNMENT = 0x1908, 0x1401, 0x8CE0, 0x0D05
MAX_HALOS = 8  # emissive parts that get a screen-space halo (the brightest, biggest ones)
# Previous-frame weight per unit of shutter (180 degrees -> 0.15): more reads as ghosting, not blur.
BLEND_PER_SHUTTER = 0.3

# Texture units.
UNIT_SHADOW, UNIT_PARTS, UNIT_COLOR, UNIT_GLOW = 0, 1, 2, 3


def _release_current_egl_context() -> None:
    """Make no EGL context current on this thread, so another thread may make ours current (one at a time)."""
    egl = libegl()
    if egl is None:  # no libEGL to talk to: the renderer still works on its own thread
        return
    display = egl.eglGetCurrentDisplay()
    if display:
        egl.eglMakeCurrent(display, None, None, None)


def _gil_free_gl_finish() -> Callable[[], None] | None:
    """glFinish without the GIL (see egl.gl_proc); None where EGL cannot supply it.

    moderngl holds the GIL through every GL call, and a read-back waits there until llvmpipe's rasterizer threads have
    drawn the whole frame (10-25 ms): meanwhile the encoder thread cannot take the GIL to hand the previous frame to
    x264. Waiting here first, without the GIL, leaves only the copy to the read-back."""
    return gl_proc("glFinish")


def _f4(m: np.ndarray) -> bytes:
    """A row-major numpy matrix as column-major float32 bytes for a GL mat uniform."""
    return np.ascontiguousarray(np.asarray(m, np.float32).T).tobytes()


def _albedo(color: tuple[float, ...]) -> tuple[float, float, float]:
    """Clamp a part colour to 0..1 (accepting 0..255 too)."""
    c = np.asarray(color[:3], np.float64)
    if c.max(initial=0.0) > 1.0:
        c = c / 255.0
    c = np.clip(c, 0.0, 1.0)
    return (float(c[0]), float(c[1]), float(c[2]))


@dataclass
class _Geometry:
    """The parts' GPU geometry at one level of detail (for one LOD segment of a timeline: a shot)."""

    frames: range  # the frames it is for
    vbo: moderngl.Buffer | None
    ibo: moderngl.Buffer | None
    vao_parts: moderngl.VertexArray | None
    vao_shadow: moderngl.VertexArray | None
    closed_count: int
    total_count: int
    shadow_closed_count: int  # the shadow pass draws casters only (its own index buffer)
    shadow_total_count: int
    geometry: MergedGeometry  # for re-ordering the parts' draw (nearest first) each frame
    radii: np.ndarray  # bounding radius of each part's mesh
    buffers: list[moderngl.VertexArray | moderngl.Buffer] = field(default_factory=list)  # the rest, to release
    vao_glass: moderngl.VertexArray | None = None  # translucent parts, drawn blended after the background
    glass_count: int = 0
    last_order: np.ndarray | None = None  # the part order `ibo` holds
    fresh: bool = True  # nothing drawn with it yet
    static_order: TiedOrder | None = None  # the static set nearest first (the probe found it hides more), or listed

    def use_order(self, order: np.ndarray) -> None:
        """Make `ibo` draw the parts in `order` (closed ones first; written only when the order changed)."""
        if self.ibo is None or (self.last_order is not None and np.array_equal(order, self.last_order)):
            return
        indices = self.geometry.ordered_indices(order)
        self.ibo.write(indices.tobytes())
        self.closed_count = self.geometry.closed_index_count(order)
        self.total_count = len(indices)
        self.last_order = order

    def release(self) -> None:
        """Free its GPU objects."""
        for obj in (self.vao_parts, self.vao_shadow, self.vao_glass, self.vbo, self.ibo, *self.buffers):
            if obj is not None:
                obj.release()


@dataclass
class _Prepared:
    """GPU resources and static data for one timeline."""

    materials: np.ndarray  # (n_parts, 2, 4) float32: (albedo rgb, emissive), (unused, id, spec, shininess)
    pose_data: np.ndarray  # (n_parts, POSE_TEXELS, 4) float32: what parts_tex holds, refreshed per frame
    parts_tex: moderngl.Texture
    glow: bool  # image-based glow (mipmapped MRT target), only for halation: ~50 ms CPU at 720p on llvmpipe
    halos: np.ndarray  # indices of emissive parts that get an analytic halo
    radii: np.ndarray  # bounding radius of each part (its shape's, whatever its level of detail)
    shadow_center: np.ndarray | None  # light-space centre of a fixed window, or None = follow the camera
    shadow_half: tuple[float, float, float]  # light-space half extents of the window
    shadow_texel: float | None  # world size of a shadow texel in that window (for the level of detail)
    segments: list[range]  # the timeline's LOD segments: its shots
    geo: _Geometry | None = None  # the current segment's geometry
    extra: list[moderngl.VertexArray | moderngl.Buffer] = field(default_factory=list)

    def release(self) -> None:
        """Free the timeline's GPU objects."""
        if self.geo is not None:
            self.geo.release()
            self.geo = None
        for obj in (self.parts_tex, *self.extra):
            obj.release()


# The CPU tier shades the 3D passes at 80% of the output's width and height (at most 1024x576 pixels) and lets the
# post pass (grade) scale up to the output: on llvmpipe the scene passes cost in proportion to pixels, and the
# stylised look stays crisp (1024x576 → 1280x720 cut ~35% of the scene cost; 684x384 → 854x480 cut ~30% of the
# render CPU; docs/benchmarks.md). Frames smaller than the 854x480 draft size render at their own size: tiny
# previews need every pixel.
FAST_SCENE_SCALE = 0.8
FAST_SCENE_PIXELS = 1024 * 576
FAST_NATIVE_BELOW = 854 * 480


def scene_size(width: int, height: int, quality: str) -> tuple[int, int]:
    """The size the 3D passes render at (the output size, or smaller on the CPU tier from the draft size up)."""
    if quality != "fast" or width * height < FAST_NATIVE_BELOW:
        return width, height
    k = min(FAST_SCENE_SCALE, math.sqrt(FAST_SCENE_PIXELS / (width * height)))
    return max(2, int(round(width * k / 2)) * 2), max(2, int(round(height * k / 2)) * 2)


# A changed region bigger than this share of the frame is redrawn whole (the scissor would save little).
REDRAW_ALL_ABOVE = 0.6
Rect = tuple[int, int, int, int]  # x, y, width, height in GL window pixels (origin bottom-left)


def _box_corners(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The 8 corners of each of k world boxes, as (k * 8, 4) homogeneous points."""
    bits = np.array([[(c >> a) & 1 for a in range(3)] for c in range(8)], bool)  # (8, 3)
    pts = np.where(bits[None], hi[:, None, :], lo[:, None, :]).reshape(-1, 3)
    return np.concatenate([pts, np.ones((len(pts), 1))], axis=1)


def project_rect(lo: np.ndarray, hi: np.ndarray, mvp: np.ndarray, width: int, height: int) -> Rect | None:
    """The pixel rectangle (grown by a pixel) covering the projections of world boxes `lo`..`hi` (k, 3) through
    `mvp`, clamped to the frame; an empty rectangle when none is in view; None when a box reaches the camera plane
    (its projection is unbounded)."""
    if not len(lo):
        return (0, 0, 0, 0)
    clip = _box_corners(lo, hi) @ mvp.T
    if np.any(clip[:, 3] <= 1e-4):
        return None
    ndc = clip[:, :2] / clip[:, 3:4]
    x0 = max(0, int(math.floor((ndc[:, 0].min() * 0.5 + 0.5) * width)) - 1)
    x1 = min(width, int(math.ceil((ndc[:, 0].max() * 0.5 + 0.5) * width)) + 1)
    y0 = max(0, int(math.floor((ndc[:, 1].min() * 0.5 + 0.5) * height)) - 1)
    y1 = min(height, int(math.ceil((ndc[:, 1].max() * 0.5 + 0.5) * height)) + 1)
    if x1 <= x0 or y1 <= y0:
        return (0, 0, 0, 0)
    return (x0, y0, x1 - x0, y1 - y0)


def vertex_materials(vertices: np.ndarray, materials: np.ndarray) -> np.ndarray:
    """Per vertex, its part's albedo+emissive and (id, specular, shininess): the `PART_ATTRIBS` buffer."""
    part = vertices[:, 6].astype(np.int64)
    return np.ascontiguousarray(np.concatenate([materials[part, 0], materials[part, 1, 1:4]], axis=1), np.float32)


def _part_attributes(
    prog: moderngl.Program, vbo: moderngl.Buffer, abo: moderngl.Buffer
) -> list[tuple[moderngl.Buffer, str, ...]]:
    """The parts program's vertex attributes: geometry and part index, then the part's static material (what a
    variant compiles out, e.g. glass's in_mat, is skipped over)."""
    names = [name for name, _ in PART_ATTRIBS if name in prog]
    layout = " ".join(f"{k}f" if name in prog else f"{4 * k}x" for name, k in PART_ATTRIBS)
    return [(vbo, "3f 3f 1f", "in_pos", "in_nrm", "in_part"), (abo, layout, *names)]


def outside_view(
    centers: np.ndarray,
    radii: np.ndarray,
    basis: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    tan_y: float,
    aspect: float,
) -> np.ndarray:
    """Which spheres (world centres, radii) lie wholly outside a camera's view: behind it or beyond a side of its
    symmetric frustum (camera_basis's eye, right, up, forward). Conservative: a sphere touching the view is kept."""
    eye, right, up, fwd = basis
    rel = np.asarray(centers, np.float64) - eye
    x, y, z = rel @ right, rel @ up, rel @ fwd
    r = np.asarray(radii, np.float64)
    out = z < -r
    for side, tan_half in ((x, tan_y * aspect), (y, tan_y)):
        # Signed distance to the side planes through the eye: |side| cos(a) - z sin(a), a = the half angle.
        cos_a = 1.0 / math.sqrt(1.0 + tan_half * tan_half)
        out |= (np.abs(side) - z * tan_half) * cos_a > r
    return out


def posed_radii(poses: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Bounding radii of parts (about their origins) under their (k, 4, 4) poses: scaled by each pose's longest axis."""
    return radii * np.linalg.norm(poses[:, :3, :3], axis=1).max(axis=1)


def collapsed_parts(poses: np.ndarray) -> np.ndarray:
    """(frames, parts) True where a part's pose scales it to a point: its triangles have no area, so no pixels."""
    return ~np.any(poses[:, :, :3, :3] != 0.0, axis=(2, 3))


def follow_center(target: np.ndarray, step: float = FOLLOW_STEP) -> np.ndarray:
    """The light-space centre of a camera-following shadow window: the target's, snapped to a `step` grid."""
    return np.round(np.asarray(target, np.float64) / step) * step


def shadow_sweep_length(
    centres: np.ndarray, sun: np.ndarray, lo: np.ndarray, hi: np.ndarray, ground: bool
) -> np.ndarray:
    """How far down-sun from each centre a receiver of its shadow can be: to the ground plane when there is one and
    the sun is up (below it nothing is drawn), else to where the ray leaves the scene's bounds `lo`..`hi`."""
    if ground and sun[2] > 1e-6:
        return np.maximum(centres[:, 2], 0.0) / sun[2]
    d = -sun
    t = np.full(len(centres), np.inf)
    for a in range(3):
        if abs(d[a]) > 1e-9:
            t = np.minimum(t, ((hi[a] if d[a] > 0 else lo[a]) - centres[:, a]) / d[a])
    return np.maximum(np.where(np.isfinite(t), t, 0.0), 0.0)


class Renderer:
    """Renders a SimTimeline to RGB frames with a fixed size, style and quality tier."""

    def __init__(
        self, width: int, height: int, style: Style, quality: str = "auto", context: moderngl.Context | None = None
    ) -> None:
        """Create the GL context (or take `context`, current on this thread), render targets and compile the
        style's shaders."""
        if width <= 0 or height <= 0:
            raise ValueError(f"bad frame size {width}x{height}")
        if quality not in QUALITIES:
            raise ValueError(f"quality must be one of {QUALITIES}, not {quality!r}")
        # llvmpipe reads this once per screen, when the screen is made; respect an operator's setting.
        os.environ.setdefault("LP_NUM_THREADS", str(rasterizer_threads(min(os.cpu_count() or 2, 32))))
        self.width, self.height, self.style = int(width), int(height), style
        self.ctx = context if context is not None else moderngl.create_standalone_context(backend="egl")
        self.gl_renderer: str = str(self.ctx.info.get("GL_RENDERER", ""))
        self.software: bool = any(s in self.gl_renderer.lower() for s in SOFTWARE_RENDERERS)  # (llvmpipe, ...)
        if quality == "auto":
            quality = "fast" if self.software else "high"
        self.quality: str = quality
        self.look: str = normalize_look(style.look)
        self.grade = grade_for(style)
        self.samples = min(4, int(self.ctx.max_samples)) if quality == "high" else 0
        self.scene_width, self.scene_height = scene_size(self.width, self.height, quality)
        self._programs: dict[tuple[str, tuple[str, ...]], moderngl.Program] = {}
        # Redraw only the changed part of a frame when the camera and sun window hold still (same bytes; off: always
        # redraw whole frames, as the tests compare).
        self.redraw_changed_only = True
        self._closed = False
        self._finish = _gil_free_gl_finish()
        self._clear = gl_proc("glClear", ctypes.c_uint)
        self._clear_depth = gl_proc("glClearDepth", ctypes.c_double)
        # The parts' and casters' draw calls, issued without the GIL (`_draw`).
        self._use_program = gl_proc("glUseProgram", ctypes.c_uint)
        self._bind_vertex_array = gl_proc("glBindVertexArray", ctypes.c_uint)
        self._draw_elements = gl_proc("glDrawElementsInstanced", ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                       ctypes.c_void_p, ctypes.c_int)
        # The frame's read-back, also without the GIL (`_read_output`).
        self._read_buffer = gl_proc("glReadBuffer", ctypes.c_uint)
        self._pixel_store = gl_proc("glPixelStorei", ctypes.c_uint, ctypes.c_int)
        self._read_pixels = gl_proc("glReadPixels", ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                    ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p)
        self._probe_fbo: moderngl.Framebuffer | None = None  # the draw-order probe's depth target, made when needed
        self._make_targets()
        # From here on every GL call happens inside `with self.ctx:` (make current, then restore), so frames can
        # be rendered on a thread other than the one that built the renderer.
        _release_current_egl_context()

    # ------------------------------------------------------------------ setup

    def _make_targets(self) -> None:
        """Allocate framebuffers and textures reused by every frame of every timeline."""
        ctx, size = self.ctx, (self.scene_width, self.scene_height)
        s = SHADOW_SIZE[self.quality]
        self.shadow_size = s
        self.shadow_tex = ctx.depth_texture((s, s))
        self.shadow_tex.compare_func = "<="
        self.shadow_tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.shadow_tex.repeat_x = self.shadow_tex.repeat_y = False
        self.shadow_fbo = ctx.framebuffer(depth_attachment=self.shadow_tex)

        # Resolved (single-sample) colour the post pass reads; alpha = object id.
        self.color_tex = ctx.texture(size, 4)
        self.color_tex.repeat_x = self.color_tex.repeat_y = False
        self.color_tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.glow_tex: moderngl.Texture | None = None  # made on first timeline that needs it
        if self.samples:
            self.ms_color = ctx.renderbuffer(size, 4, samples=self.samples)
            self.ms_depth = ctx.depth_renderbuffer(size, samples=self.samples)
            self.main_fbo = ctx.framebuffer([self.ms_color], self.ms_depth)
            self.resolve_fbo = ctx.framebuffer([self.color_tex])
            self.ms_glow: moderngl.Renderbuffer | None = None
        else:
            self.depth_rb = ctx.depth_renderbuffer(size)
            self.main_fbo = ctx.framebuffer([self.color_tex], self.depth_rb)
        self.main_glow_fbo: moderngl.Framebuffer | None = None
        self.glow_small: moderngl.Texture | None = None  # quarter-size glow and halos, made when first needed
        self.glow_small_fbo: moderngl.Framebuffer | None = None

        # Post output (full frame size). It keeps the previous frame for the motion blend, which is the fixed-function
        # blend (source alpha = 1 - previous-frame weight): no second target to ping-pong and no texture read of the
        # previous frame. Switching the post pass between two targets each frame cost llvmpipe ~6 ms at 854x480.
        self.out_tex = ctx.texture((self.width, self.height), 4)
        self.out_tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        self.out_fbo = ctx.framebuffer([self.out_tex])

        tri = np.array([-1.0, -1.0, 3.0, -1.0, -1.0, 3.0], np.float32)
        self.tri_vbo = ctx.buffer(tri.tobytes())

    def _ensure_glow_targets(self) -> None:
        """Create the glow attachment (mipmapped, for a cheap wide blur) and the MRT framebuffer."""
        if self.main_glow_fbo is not None:
            return
        ctx, size = self.ctx, (self.scene_width, self.scene_height)
        levels = max(1, int(math.floor(math.log2(max(size)))) + 1)
        self.glow_tex = ctx.texture(size, 4)
        self.glow_tex.build_mipmaps(0, levels)
        self.glow_tex.filter = (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)
        self.glow_tex.repeat_x = self.glow_tex.repeat_y = False
        self._ensure_glow_small()
        if self.samples:
            self.ms_glow = ctx.renderbuffer(size, 4, samples=self.samples)
            self.main_glow_fbo = ctx.framebuffer([self.ms_color, self.ms_glow], self.ms_depth)
            self.ms_glow_only = ctx.framebuffer([self.ms_glow])
            self.resolve_glow_fbo = ctx.framebuffer([self.glow_tex])
        else:
            self.main_glow_fbo = ctx.framebuffer([self.color_tex, self.glow_tex], self.depth_rb)

    def _ensure_glow_small(self) -> tuple[moderngl.Texture, moderngl.Framebuffer]:
        """The quarter-size target the glow and the halos are composed in (the post pass takes one tap of it)."""
        if self.glow_small is None or self.glow_small_fbo is None:
            size = (self.scene_width, self.scene_height)
            # 8-bit: llvmpipe's bilinear tap of it in the post pass costs ~0.7 ms less CPU a 854x480 frame than of
            # 32-bit floats (and a half-float tap, converted per texel, ~0.9 ms more). The glow and halos it holds
            # are light added to the picture, at most ~1 where they do not saturate it anyway; 1/255 steps moved the
            # seeds' output by at most 3 levels (docs/decisions.md).
            self.glow_small = self.ctx.texture((max(1, size[0] // 4), max(1, size[1] // 4)), 4)
            self.glow_small.filter = (moderngl.LINEAR, moderngl.LINEAR)
            self.glow_small.repeat_x = self.glow_small.repeat_y = False
            self.glow_small_fbo = self.ctx.framebuffer([self.glow_small])
        return self.glow_small, self.glow_small_fbo

    def _defines(self, glow: bool, env: Environment) -> list[str]:
        """Preprocessor switches and the clip's compiled-in constants shared by the scene shaders."""
        d = [f"LOOK_{self.look.upper()}"]
        if self.quality == "high":
            d.append("PCF_HIGH")
        if glow:
            d.append("GLOW")
        return d + scene_constants(env, self.look, self.style.halation, self.shadow_size)

    def _program(self, kind: str, defines: list[str]) -> moderngl.Program:
        """Compile (once) and return a program variant."""
        key = (kind, tuple(sorted(defines)))
        prog = self._programs.get(key)
        if prog is not None:
            return prog
        head = shaders.VERSION + "".join(f"#define {d}\n" for d in sorted(defines))
        if kind == "parts":
            vs, fs = head + shaders.PART_VS, head + shaders.COMMON + shaders.PART_FS
        elif kind == "shadow":
            vs, fs = head + shaders.SHADOW_VS, head + shaders.SHADOW_FS
        elif kind == "glow":
            vs, fs = head + shaders.POST_VS, head + shaders.GLOW_FS
        elif kind == "background":
            vs, fs = head + shaders.BACKGROUND_VS, head + shaders.COMMON + shaders.BACKGROUND_FS
        else:
            vs, fs = head + shaders.POST_VS, head + shaders.POST_FS
        prog = self.ctx.program(vertex_shader=vs, fragment_shader=fs)
        for name, unit in (
            ("u_shadow", UNIT_SHADOW),
            ("u_parts", UNIT_PARTS),
            ("u_color", UNIT_COLOR),
            ("u_glow", UNIT_GLOW),
        ):
            if name in prog:
                prog[name].value = unit
        self._programs[key] = prog
        return prog

    def _prepare(self, tl: SimTimeline) -> _Prepared:
        """Upload static per-part data for a timeline (the geometry comes per LOD segment: `_load_geometry`)."""
        ctx = self.ctx
        n = len(tl.parts)
        glow = self.style.halation > 0.0
        if glow:
            self._ensure_glow_targets()
        radii = np.array([bound_radius(p) for p in tl.parts], np.float64)
        center, half = self._shadow_window(tl, float(radii.max()) if n else 0.0)
        data = np.zeros((n, 2, 4), np.float32)
        for i, part in enumerate(tl.parts):
            spec, shin = material(part.material)
            data[i, 0] = (*_albedo(part.color), float(np.clip(part.emissive, 0.0, 1.0)))
            data[i, 1] = (1.0, (1 + i % 254) / 255.0, spec, shin)
        parts_tex = ctx.texture((POSE_TEXELS, max(n, 1)), 4, dtype="f4")
        parts_tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        return _Prepared(
            materials=data,
            pose_data=np.zeros((n, POSE_TEXELS, 4), np.float32),
            parts_tex=parts_tex,
            glow=glow,
            halos=self._pick_halos(tl, radii),
            radii=radii,
            shadow_center=center,
            shadow_half=half,
            shadow_texel=2.0 * max(half[0], half[1]) / self.shadow_size if n else None,
            segments=shot_ranges(tl.n_frames, tl.cuts),
        )

    def _load_geometry(self, prep: _Prepared, tl: SimTimeline, f: int) -> _Geometry:
        """The geometry for frame `f`: its LOD segment's (built and uploaded when `f` leaves the current one).

        Level of detail: each round part tessellated, each big user mesh decimated, for the largest size it reaches
        on screen or in the shadow map over the segment's frames (lod.py): a dog seen across the yard in one shot
        needs a fraction of the triangles of his close-up in the next."""
        if prep.geo is not None and f in prep.geo.frames:
            return prep.geo
        if prep.geo is not None:
            prep.geo.release()
            prep.geo = None
        frames = next(seg for seg in prep.segments if f in seg)
        ctx = self.ctx
        n = len(tl.parts)
        part = segment_timeline(tl, frames)
        texel = prep.shadow_texel
        main_div, shadow_div = choose_mesh_divisors(part, self.scene_width, self.scene_height, texel) if n \
            else (None, None)
        geo = merge_parts(tl.parts, choose_segments(part, self.scene_width, self.scene_height, texel) if n else None,
                          main_div, shadow_div)
        translucent = np.array([p.translucent for p in tl.parts], bool)
        glass_idx = np.zeros(0, np.uint32)
        if translucent.any():
            geo, glass_idx = split_translucent(geo, translucent)
        vbo = ibo = sibo = vao_parts = vao_shadow = abo = None
        if n and len(geo.indices):
            vbo = ctx.buffer(geo.vertices.tobytes())
            abo = ctx.buffer(vertex_materials(geo.vertices, prep.materials).tobytes())
            ibo = ctx.buffer(geo.indices.tobytes())
            parts_prog = self._program("parts", self._defines(prep.glow, tl.env))
            shadow_prog = self._program("shadow", [])
            vao_parts = ctx.vertex_array(
                parts_prog, _part_attributes(parts_prog, vbo, abo), index_buffer=ibo, index_element_size=4
            )
            if len(geo.shadow_indices):
                sibo = ctx.buffer(geo.shadow_indices.tobytes())
                vao_shadow = ctx.vertex_array(
                    shadow_prog, [(vbo, "3f 12x 1f", "in_pos", "in_part")], index_buffer=sibo, index_element_size=4
                )
        buffers: list[moderngl.VertexArray | moderngl.Buffer] = [b for b in (sibo, abo) if b is not None]
        vao_glass = None
        if vbo is not None and abo is not None and len(glass_idx):
            gibo = ctx.buffer(glass_idx.tobytes())
            buffers.append(gibo)
            glass_prog = self._program("parts", self._defines(prep.glow, tl.env) + ["GLASS"])
            vao_glass = ctx.vertex_array(glass_prog, _part_attributes(glass_prog, vbo, abo), index_buffer=gibo,
                                         index_element_size=4)
        prep.geo = _Geometry(
            frames=frames,
            vbo=vbo,
            ibo=ibo,
            vao_parts=vao_parts,
            vao_shadow=vao_shadow,
            closed_count=geo.closed_count,
            total_count=len(geo.indices),
            shadow_closed_count=geo.shadow_closed_count,
            shadow_total_count=len(geo.shadow_indices),
            geometry=geo,
            radii=geo.radii,
            buffers=buffers,
            vao_glass=vao_glass,
            glass_count=len(glass_idx),
        )
        return prep.geo

    @staticmethod
    def _upload_poses(prep: _Prepared, poses: np.ndarray, vis: np.ndarray, casts: np.ndarray) -> None:
        """One frame's part poses and flags (visible; visible and casting) into the pose texture."""
        prep.pose_data[...] = poses.transpose(0, 2, 1)
        prep.pose_data[:, 0, 3] = vis
        prep.pose_data[:, 1, 3] = vis & casts
        prep.parts_tex.write(prep.pose_data.tobytes())

    def _choose_static_order(
        self,
        prep: _Prepared,
        geo: _Geometry,
        tl: SimTimeline,
        sets: DrawSets,
        poses: np.ndarray,
        blank: np.ndarray,
        casts: np.ndarray,
    ) -> TiedOrder | None:
        """Whether the shot draws its static set nearest first (returned: the order) or as listed (None): whichever
        lets fewer fragments through the depth test on the shot's first frame, drawn both ways at a quarter of the
        scene size (`_probe`). A glacier's spires hide each other (nearest first: 48 % fewer fragments shaded); a
        station's rooms are listed outside in, which nearest-by-centre does not beat. Decided from the shot alone, so
        both halves of a split render decide the same."""
        if len(sets.static) < 2 or len(sets.moving) < 2:  # (with one moving part the parts go as listed)
            return None
        f = geo.frames.start
        cam = tl.cameras[min(f, len(tl.cameras) - 1)]
        eye, right, up, fwd = camera_basis(cam)
        depth = (poses[f][sets.static, :3, 3].astype(np.float64) - eye) @ fwd
        if np.array_equal(np.argsort(depth, kind="stable"), np.arange(len(depth))):
            return None  # listed nearest first already (then so is the tied order)
        still = poses[0].astype(np.float64)
        tied = TiedOrder(len(sets.static), coplanar_pairs(geo.geometry, sets.static, still,
                                                          posed_radii(still, geo.radii)))
        basis = (eye, right, up, fwd)
        orders = [self._frame_order(sets, static_order, geo.radii, poses[f], blank[f], basis, cam.fov_y)
                  for static_order in (None, tied)]
        if np.array_equal(orders[0], orders[1]):
            return None
        self._upload_poses(prep, poses[f], ~blank[f], casts)
        viewproj = perspective(cam.fov_y, self.width / self.height) @ view_matrix(*basis)
        listed, nearest = self._probe(prep, geo, orders, viewproj)
        return tied if nearest < listed else None

    def _frame_order(
        self,
        sets: DrawSets,
        static_order: TiedOrder | None,
        radii: np.ndarray,
        poses: np.ndarray,
        blank: np.ndarray,
        basis: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        fov_y: float,
    ) -> np.ndarray:
        """The parts one frame draws, in order: the static set (as listed, or nearest first by `static_order`), then
        the moving entities nearest first (draw_order.py), without the parts that draw nothing (`blank`) or lie wholly
        out of view (bounding spheres of the meshes' `radii` under `poses`, against the camera `basis`): llvmpipe
        would shade their vertices and clip their triangles (a festival street: ~40 % of the triangles drawn)."""
        eye, _, _, fwd = basis
        static_first = None
        if static_order is not None:
            static_first = sets.static[static_order.order((poses[sets.static, :3, 3].astype(np.float64) - eye) @ fwd)]
        order = sets.order(poses, eye, fwd, static_first)
        hidden = blank | outside_view(poses[:, :3, 3], posed_radii(poses, radii), basis, tan_half_fov(fov_y),
                                      self.width / self.height)
        return order[~hidden[order]]

    def _probe(self, prep: _Prepared, geo: _Geometry, orders: list[np.ndarray], viewproj: np.ndarray) -> list[int]:
        """Fragments that pass the depth test when the parts are drawn in each of `orders` (depth only, a quarter of
        the scene's size, the pose texture as uploaded)."""
        ctx = self.ctx
        if self._probe_fbo is None:
            size = (max(1, self.scene_width // 4), max(1, self.scene_height // 4))
            self._probe_fbo = ctx.framebuffer(depth_attachment=ctx.depth_renderbuffer(size))
        assert geo.vbo is not None and geo.ibo is not None
        prog = self._program("shadow", ["PROBE"])
        vao = ctx.vertex_array(prog, [(geo.vbo, "3f 12x 1f", "in_pos", "in_part")], index_buffer=geo.ibo,
                               index_element_size=4)
        prog["u_light_vp"].write(_f4(viewproj))
        prep.parts_tex.use(UNIT_PARTS)
        self._probe_fbo.use()
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.depth_func = "<"
        counts = []
        try:
            for order in orders:
                geo.use_order(order)
                self._probe_fbo.clear(depth=1.0)
                query = ctx.query(samples=True)
                with query:
                    self._draw_runs(vao, geo.closed_count, geo.total_count, "back")
                counts.append(int(query.samples))
        finally:
            ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
            vao.release()
        return counts

    @staticmethod
    def _shadow_window(tl: SimTimeline, max_radius: float) -> tuple[np.ndarray | None, tuple[float, float, float]]:
        """One shadow window for the whole timeline when the action fits in it: no shimmer, no per-frame fit.

        The box is fitted in light space, so a low sun does not waste texels on a square window. Returns its
        light-space centre (None: follow the camera) and half extents.
        """
        center: np.ndarray | None = None
        grow = FOLLOW_STEP / 2.0
        half = (MAX_SHADOW_RADIUS + grow, MAX_SHADOW_RADIUS + grow, MAX_SHADOW_RADIUS * 2.0 + grow)
        if tl.parts:
            pos = np.asarray(tl.poses, np.float64)[:, :, :3, 3]
            c, h = light_space_box(tl.env.sun_direction, pos, max_radius + 0.25)
            if max(h[0], h[1]) <= MAX_SHADOW_RADIUS:
                center, half = c, (max(h[0], 1.0), max(h[1], 1.0), max(h[2], 1.0))
        return center, half

    # ------------------------------------------------------------------ frames

    def render_frames(self, timeline: SimTimeline, frames: range | None = None) -> Iterator[np.ndarray]:
        """Yield each frame of the timeline (or those in `frames`, a step-1 range of it) as an (height, width, 3)
        uint8 RGB array, in order. A range that starts at 0, at a cut or at `split_frame` (where `split_render`
        begins its second range) yields the bytes the whole timeline's render has for those frames."""
        frames = range(timeline.n_frames) if frames is None else frames
        if frames.step != 1 or frames.start < 0 or frames.stop > timeline.n_frames:
            raise ValueError(f"frames must be a step-1 range within 0..{timeline.n_frames}, not {frames}")
        if self._closed:
            raise RuntimeError("renderer is closed")
        tl = timeline
        # Every GL call runs with the context made current here, so the generator may be driven from any
        # thread (e.g. a render thread feeding the encoder), one thread at a time.
        with self.ctx:
            prep = self._prepare(tl)
            env = tl.env
            ctx = self.ctx
            glow = prep.glow
            scene_defines = self._defines(glow, env)
            parts_prog = self._program("parts", scene_defines)
            bg_defines = scene_defines + (["GROUND"] if env.ground else []) + (["STARS"] if env.stars else [])
            # With ground: a draw for the ground and one for the sky, each clipped to its side of the horizon.
            bg_progs = [self._program("background", bg_defines + side) for side in (["GROUND_SIDE"], [])] \
                if env.ground else [self._program("background", bg_defines)]
            post_defines = ["POST_FRAME"]
            # FXAA on the CPU tier at native scene size; an upscaled scene is already softened by the bilinear
            # upscale, and skipping FXAA there saves ~15 ms of llvmpipe time per 720p frame.
            if self.quality == "fast" and (self.scene_width, self.scene_height) == (self.width, self.height):
                post_defines.append("FXAA")
            if self.look == "anime":
                post_defines.append("OUTLINE")
            if any(g != 1.0 for g in self.grade.gamma):
                post_defines.append("GAMMA")
            if any(t != 0.0 for t in (*self.grade.shadow_tint, *self.grade.highlight_tint)):
                post_defines.append("TONING")
            if self._letterbox_bar() > 0.0:
                post_defines.append("LETTERBOX")
            # Halos are drawn in the quarter-size glow composition, which the post pass takes one tap of, when there
            # is glow and on the CPU tier: per output pixel, 8 halos cost ~11 ms a frame at 854x480 on llvmpipe.
            halo_defines = ["HALOS", f"N_HALOS {len(prep.halos)}"] if len(prep.halos) else []
            small_layer = glow or (bool(halo_defines) and self.quality == "fast")
            if small_layer:
                post_defines.append("GLOW")
            else:
                post_defines += halo_defines
            # Cheap motion blur: blend with the previous output frame. Off for anime (crisp ink lines).
            motion = bool(self.style.motion_blur) and tl.shutter_angle > 0.0 and self.look != "anime"
            if motion:
                post_defines.append("MOTION_BLUR")
            st = self.style
            post_defines += post_constants(
                self.grade,
                float(np.clip(st.vignette, 0.0, 1.0)) * (1.3 if self.look == "noir" else 1.0),
                float(np.clip(st.grain, 0.0, 1.0)),
                self.width,
                self.height,
                self._letterbox_bar(),
                gamma="GAMMA" in post_defines,
            )
            post_prog = self._program("post", post_defines)
            bg_vaos = [ctx.vertex_array(prog, [(self.tri_vbo, "2f", "in_ndc")]) for prog in bg_progs]
            post_vao = ctx.vertex_array(post_prog, [(self.tri_vbo, "2f", "in_ndc")])
            prep.extra += [*bg_vaos, post_vao]
            # Halos alone (no image glow) leave the layer black on frames with none in view (most frames of most
            # clips with lights or sparks): those skip the layer and take a post variant without its tap, ~1.4 ms less
            # a frame at 854x480 on llvmpipe, same pixels.
            post_plain_vao: moderngl.VertexArray | None = None
            if small_layer and not glow:
                plain_prog = self._program("post", [d for d in post_defines if d != "GLOW"])
                post_plain_vao = ctx.vertex_array(plain_prog, [(self.tri_vbo, "2f", "in_ndc")])
                prep.extra.append(post_plain_vao)
            glow_vao: moderngl.VertexArray | None = None
            glow_small, glow_small_fbo = self._ensure_glow_small() if small_layer else (None, None)
            if glow_small is not None:
                glow_consts = {
                    "RCP": (1.0 / self.width, 1.0 / self.height),
                    "SIZE": (float(self.width), float(self.height)),
                    "DST_RCP": (1.0 / glow_small.width, 1.0 / glow_small.height),
                }
                glow_prog = self._program(
                    "glow",
                    halo_defines + (["GLOW"] if glow else []) + k_defines(glow_consts),
                )
                glow_vao = ctx.vertex_array(glow_prog, [(self.tri_vbo, "2f", "in_ndc")])
                prep.extra.append(glow_vao)

            # The halos' visibility lookup in POST_VS reads u_rcp (everything else fixed is compiled in).
            for prog in [post_prog] + ([glow_vao.program] if glow_vao is not None else []):
                if "u_rcp" in prog:
                    prog["u_rcp"].value = (1.0 / self.width, 1.0 / self.height)
        poses = np.asarray(tl.poses, np.float32)
        visible = None if tl.visible is None else np.asarray(tl.visible, bool)
        casts = np.array([p.casts_shadow for p in tl.parts], bool)
        # The frames to draw, each with whether it is output: with motion blur, the split frame blends over a
        # fresh draw of the frame before it (segments.py), so it is the same bytes wherever the range started.
        schedule = draw_schedule(frames, tl.n_frames, tl.cuts, blend_history=motion)
        cuts = {int(c) for c in tl.cuts}
        blend = min(max(tl.shutter_angle, 0.0) / 360.0 * BLEND_PER_SHUTTER, 0.3)
        aspect = self.width / self.height
        light_ref: tuple[bytes, np.ndarray, np.ndarray] | None = None  # window centre, light and texture matrices
        n = len(tl.parts)
        # What the shadow map and the main target last drew (for redrawing only what changed since; see _changed).
        shadow_ref: tuple[bytes, np.ndarray, np.ndarray] | None = None  # light matrix, poses, casting flags
        main_ref: tuple[bytes, np.ndarray, np.ndarray, np.ndarray] | None = None  # view key, poses, visible, casting
        sun = np.asarray(env.sun_direction, np.float64)
        sun = sun / (np.linalg.norm(sun) or 1.0)
        bounds = self._scene_bounds(tl, prep.radii) if n else (np.zeros(3), np.zeros(3))
        sets = DrawSets.of([p.entity for p in tl.parts], poses)
        # Parts that can draw nothing on a frame (hidden, or scaled to a point: sparks before their burst) are left
        # out of that frame's index buffer: llvmpipe would still shade their vertices and set up their triangles.
        blank = collapsed_parts(poses)
        if visible is not None:
            blank |= ~visible[np.minimum(np.arange(tl.n_frames), len(visible) - 1)]
        rgba = np.empty((self.height, self.width, 4), np.uint8)
        try:
            for step, (f, output) in enumerate(schedule):
                with self.ctx:
                    cam = tl.cameras[min(f, len(tl.cameras) - 1)] if tl.cameras else None
                    if cam is None:
                        raise ValueError("timeline has no cameras")
                    vis = np.ones(n, bool) if visible is None else visible[min(f, len(visible) - 1)]
                    geo = self._load_geometry(prep, tl, f)
                    if geo.fresh:  # new geometry (a new shot): nothing drawn is reusable
                        shadow_ref = main_ref = None
                        geo.fresh = False
                        if n and geo.ibo is not None:
                            geo.static_order = self._choose_static_order(prep, geo, tl, sets, poses, blank, casts)
                    if n:
                        self._upload_poses(prep, poses[f], vis, casts)

                    # Shadow window and light matrix.
                    eye, right, up, fwd = camera_basis(cam)
                    tan_y = tan_half_fov(cam.fov_y)
                    center = prep.shadow_center
                    if center is None:
                        center = follow_center(light_basis(env.sun_direction) @ np.asarray(cam.target, np.float64))
                    half = prep.shadow_half
                    if light_ref is None or light_ref[0] != center.tobytes():  # a fixed (or snapped) window repeats
                        light_vp = light_view_proj(env.sun_direction, center, half, self.shadow_size)
                        light_ref = (center.tobytes(), light_vp, TEXTURE_FROM_CLIP @ light_vp)
                    light_vp, light_tex = light_ref[1], light_ref[2]
                    texel_world = 2.0 * max(half[0], half[1]) / self.shadow_size
                    normal_offset = 1.2 * texel_world
                    flags = vis & casts
                    vp_key = light_vp.tobytes()
                    if shadow_ref is None or shadow_ref[0] != vp_key or not n or not self.redraw_changed_only:
                        self._shadow_pass(prep, geo, light_vp)
                        shadow_ref = (vp_key, poses[f], flags)
                    else:
                        # Same sun window: redraw only around the casters that moved or came or went (none: keep).
                        moved = np.any(poses[f] != shadow_ref[1], axis=(1, 2)) | (flags != shadow_ref[2])
                        casters = np.flatnonzero(moved & (flags | shadow_ref[2]))
                        if len(casters):
                            lo, hi = self._part_boxes(casters, (shadow_ref[1], poses[f]), geo.radii)
                            srect = project_rect(lo, hi, light_vp, self.shadow_size, self.shadow_size)
                            self._shadow_pass(prep, geo, light_vp, self._or_whole(srect, self.shadow_size**2))
                            shadow_ref = (vp_key, poses[f], flags)

                    if geo.ibo is not None:
                        # Near parts first, so llvmpipe rejects the fragments they hide before shading them; exact
                        # depth ties (a door sliding flush with its wall) keep their order (`_frame_order`).
                        geo.use_order(self._frame_order(sets, geo.static_order, geo.radii, poses[f], blank[f],
                                                        (eye, right, up, fwd), cam.fov_y))

                    view = view_matrix(eye, right, up, fwd)  # (look_at would redo camera_basis)
                    proj = perspective(cam.fov_y, aspect)
                    # The depth bias is in the texture matrix's translation (the shaders compare against depth less
                    # the bias): no per-pixel uniform for it.
                    biased_tex = light_tex.copy()
                    biased_tex[2, 3] -= 1.5 * texel_world / (2.0 * half[2])
                    for prog in (parts_prog, *bg_progs):
                        # a sky without ground (space) compiles these uniforms out of the background program
                        if "u_eye" in prog:
                            prog["u_eye"].value = tuple(float(x) for x in eye)
                        if "u_light_tex" in prog:
                            prog["u_light_tex"].write(_f4(biased_tex))
                        if "u_shadow_normal_offset" in prog:
                            prog["u_shadow_normal_offset"].value = normal_offset
                    # The ground ray's origin in the shadow map, raised by the ground's normal offset.
                    ground_eye = np.append(eye + np.array([0.0, 0.0, normal_offset]), 1.0)
                    # A sky pixel has normalize(v_dir).z >= -1e-5 (the shaders' ground test), so v_dir.z >= -1e-5 times
                    # |v_dir| <= |fwd| + |right| + |up| on screen (doubled for safety); no ground from below it.
                    cam_right, cam_up = right * tan_y * aspect, up * tan_y
                    sky_margin = 2e-5 * (1.0 + np.linalg.norm(cam_right) + np.linalg.norm(cam_up)) if eye[2] > 0.0 \
                        else 1e6
                    if "u_viewproj" in parts_prog:
                        parts_prog["u_viewproj"].write(_f4(proj @ view))
                    for bg_prog in bg_progs:
                        bg_prog["u_cam_right"].value = tuple(float(x) for x in cam_right)
                        bg_prog["u_cam_up"].value = tuple(float(x) for x in cam_up)
                        bg_prog["u_cam_fwd"].value = tuple(float(x) for x in fwd)
                        if "u_px_angle" in bg_prog:
                            bg_prog["u_px_angle"].value = 2.0 * math.atan(tan_y) / self.scene_height
                        if "u_shadow_eye" in bg_prog:
                            bg_prog["u_shadow_eye"].value = tuple(float(x) for x in (biased_tex @ ground_eye)[:3])
                        if "u_sky_margin" in bg_prog:
                            bg_prog["u_sky_margin"].value = float(sky_margin)

                    # With the camera and sun window as last frame, only pixels that moved parts (and their shadows)
                    # cover on this frame or the last can change: redraw that rectangle, keep the rest.
                    view_key = _f4(proj @ view) + eye.tobytes() + vp_key
                    rect: Rect | None = None
                    still = main_ref is not None and main_ref[0] == view_key
                    if self.redraw_changed_only and still and n and not self.samples:
                        assert main_ref is not None
                        rect = self._changed(
                            geo.radii,
                            main_ref[1:],
                            (poses[f], vis, flags),
                            proj @ view,
                            sun,
                            4.0 * texel_world,
                            bounds,
                            env.ground,
                        )
                    main_ref = (view_key, poses[f], vis, flags)
                    # (a camera below the ground plane sees only sky: no ground draw)
                    self._main_pass(prep, geo, bg_vaos[1:] if eye[2] <= 0.0 else bg_vaos, glow,
                                    clip_ground=env.ground, rect=rect)

                    # Post.
                    halos_on = 0
                    if len(prep.halos):
                        halo_prog = glow_vao.program if glow_vao is not None else post_prog
                        halos_on = self._set_halos(halo_prog, prep, poses[f], vis, proj @ view, tan_y)
                    layer = glow or halos_on > 0
                    vao = post_vao if layer or post_plain_vao is None else post_plain_vao
                    if motion:
                        # (a range's first frame, a shot's first and a fresh draw blend over nothing)
                        fresh = step == 0 or f in cuts or not output
                        vao.program["u_keep"].value = 1.0 - (0.0 if fresh else blend)
                    vao.program["u_frame_hash"].value = grain_frame_hash(f)
                    self.color_tex.use(UNIT_COLOR)   # the halos' visibility lookup reads it too
                    self._wait_for_queued()  # the main pass (and the glow's mips), which the draws below read
                    if layer and glow_vao is not None and glow_small is not None and glow_small_fbo is not None:
                        if glow and self.glow_tex is not None:
                            self.glow_tex.use(UNIT_GLOW)
                        glow_small_fbo.use()
                        glow_vao.render(moderngl.TRIANGLES, vertices=3)
                        glow_small.use(UNIT_GLOW)
                        self._wait_for_queued()
                    fbo = self.out_fbo
                    fbo.use()
                    ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
                    if motion:
                        ctx.enable(moderngl.BLEND)
                        ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
                    vao.render(moderngl.TRIANGLES, vertices=3)
                    if motion:
                        ctx.disable(moderngl.BLEND)
                    if not output:
                        continue
                    self._wait_for_queued()
                    # RGBA as stored (an RGB read makes llvmpipe convert per pixel: ~0.5 ms CPU a 854x480 frame),
                    # read without the GIL, then to RGB with cv2 (SIMD, without the GIL too).
                    self._read_output(rgba)
                    frame = cv2.cvtColor(rgba, cv2.COLOR_RGBA2RGB)
                yield frame
        finally:
            with self.ctx:
                prep.release()

    @staticmethod
    def _scene_bounds(tl: SimTimeline, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World box holding every part on every frame (and the ground plane's height when there is ground)."""
        pos = np.asarray(tl.poses, np.float64)[:, :, :3, 3].reshape(-1, 3)
        r = float(radii.max()) * max(1.0, float(np.abs(np.asarray(tl.poses)[:, :, :3, :3]).sum(axis=2).max()))
        lo, hi = pos.min(axis=0) - r, pos.max(axis=0) + r
        if tl.env.ground:
            lo[2], hi[2] = min(lo[2], 0.0), max(hi[2], 0.0)
        return lo, hi

    @staticmethod
    def _part_boxes(
        idx: np.ndarray, frames: tuple[np.ndarray, ...], radii: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """World boxes around parts `idx` (their bounding spheres, scaled by their pose) on each of `frames`."""
        lo, hi = [], []
        for poses in frames:
            m = poses[idx].astype(np.float64)
            r = posed_radii(m, radii[idx])
            c = m[:, :3, 3]
            lo.append(c - r[:, None])
            hi.append(c + r[:, None])
        return np.concatenate(lo), np.concatenate(hi)

    def _or_whole(self, rect: Rect | None, area: int) -> Rect | None:
        """A rectangle, or None (redraw everything) when it is most of the target anyway."""
        return None if rect is None or rect[2] * rect[3] > REDRAW_ALL_ABOVE * area else rect

    def _changed(
        self,
        radii: np.ndarray,
        before: tuple[np.ndarray, np.ndarray, np.ndarray],
        now: tuple[np.ndarray, np.ndarray, np.ndarray],
        viewproj: np.ndarray,
        sun: np.ndarray,
        margin: float,
        bounds: tuple[np.ndarray, np.ndarray],
        ground: bool,
    ) -> Rect | None:
        """Scene pixels that can differ from the last frame's under the same camera and sun window: where parts that
        moved, appeared or vanished are or were, and where their shadows fall or fell (each caster's bounding sphere
        from its mesh's `radii`,
        grown by `margin` for the shadow filter, swept down-sun to the ground or out of the scene's bounds).
        None: redraw everything."""
        (p0, v0, c0), (p1, v1, c1) = before, now
        changed = np.flatnonzero(np.any(p1 != p0, axis=(1, 2)) | (v1 != v0))
        if not len(changed):
            return (0, 0, 0, 0)
        lo, hi = self._part_boxes(changed, (p0, p1), radii)
        casting = np.concatenate([c0[changed], c1[changed]])
        if casting.any():
            c = (lo[casting] + hi[casting]) / 2.0
            r = (hi[casting] - lo[casting]) / 2.0 + margin
            end = c - sun[None, :] * shadow_sweep_length(c, sun, bounds[0], bounds[1], ground)[:, None]
            lo = np.concatenate([lo, np.minimum(c, end) - r])
            hi = np.concatenate([hi, np.maximum(c, end) + r])
        rect = project_rect(lo, hi, viewproj, self.scene_width, self.scene_height)
        return self._or_whole(rect, self.scene_width * self.scene_height)

    @staticmethod
    def _pick_halos(tl: SimTimeline, radii: np.ndarray) -> np.ndarray:
        """The emissive parts worth a halo, brightest and biggest first."""
        emissive = np.array([max(0.0, float(p.emissive)) for p in tl.parts], np.float64)
        idx = np.flatnonzero(emissive > 0.0)
        order = np.argsort(-(emissive[idx] * np.maximum(radii[idx], 1e-3)), kind="stable")
        return idx[order][:MAX_HALOS]

    def _set_halos(
        self, prog: moderngl.Program, prep: _Prepared, poses: np.ndarray, vis: np.ndarray, vp: np.ndarray, tan_y: float
    ) -> int:
        """Project emissive parts to the screen for the post pass's analytic halos; return how many are in view."""
        idx = prep.halos
        n = len(idx)
        pos = np.zeros((n, 4), np.float32)
        pos[:, 2] = 1.0
        col = np.zeros((n, 3), np.float32)
        # All at once (a Python loop over the halos cost ~0.2 ms a frame): the visible ones in front of the camera
        # and near the frame, packed first in their order (brightest first).
        clip = np.concatenate([poses[idx, :3, 3].astype(np.float64), np.ones((n, 1))], axis=1) @ vp.T
        w = clip[:, 3]
        ok = vis[idx] & (w > 0.05)
        ndc = clip[:, :3] / np.where(ok, w, 1.0)[:, None]
        ok &= ~np.any(np.abs(ndc[:, :2]) > 2.0, axis=1)
        sel, w, ndc = idx[ok], w[ok], ndc[ok]
        k = len(sel)
        radius_px = prep.radii[sel].astype(np.float64) / (w * tan_y) * (self.height / 2.0)
        pos[:k, 0] = (ndc[:, 0] * 0.5 + 0.5) * self.width
        pos[:k, 1] = (ndc[:, 1] * 0.5 + 0.5) * self.height
        pos[:k, 2] = 1.0 / np.maximum(radius_px, 1.5)  # the shaders multiply by it
        pos[:k, 3] = prep.materials[sel, 1, 1]
        col[:k] = prep.materials[sel, 0, :3] * prep.materials[sel, 0, 3:4]
        prog["u_halos_on"].value = k
        prog["u_halo_pos"].write(pos.tobytes())
        prog["u_halo_col"].write(col.tobytes())
        return k

    def _wait_for_queued(self) -> None:
        """Wait, without the GIL, until llvmpipe has drawn everything queued so far.

        A draw that samples a texture a queued pass still renders into (the shadow map, the main target, the glow)
        waits for that pass inside the draw call, where moderngl holds the GIL (measured: a 854x480 post draw blocked
        5-10 ms a frame), and the encoder and audio threads stall with it. Waiting here first leaves nothing to wait
        for there; the frames are the same."""
        if self._finish is not None:
            self._finish()

    def _draw(self, vao: moderngl.VertexArray, count: int, first: int = 0) -> None:
        """`vao.render(TRIANGLES, vertices=count, first=first)` for a vertex array with 4-byte indices, issued through
        ctypes so the GIL is free meanwhile: llvmpipe shades the vertices and bins the triangles inside the draw call
        (the dog's 34k triangles: ~6 ms a frame), and moderngl would hold the GIL through it, stalling the encoder's
        and the other half's renderer's Python (`split_render`). Same GL calls as moderngl's."""
        if self._use_program is None or self._bind_vertex_array is None or self._draw_elements is None:
            vao.render(moderngl.TRIANGLES, vertices=count, first=first)
            return
        self._use_program(vao.program.glo)
        self._bind_vertex_array(vao.glo)
        self._draw_elements(GL_TRIANGLES, count, GL_UNSIGNED_INT, first * 4, 1)

    def _read_output(self, rgba: np.ndarray) -> None:
        """Read the bound output target into `rgba` ((height, width, 4) uint8, C-contiguous) as
        `out_fbo.read_into(rgba, components=4, alignment=1)` does, without the GIL: ~0.8 ms a 854x480 frame that
        the other half's renderer and the encoder could not run their Python in (`split_render`). (The full-screen
        triangles' draws stay moderngl's: they return in microseconds, and letting go of the GIL for so short a call
        hands it to another thread that may keep it for the switch interval; measured no better.)"""
        if self._read_buffer is None or self._pixel_store is None or self._read_pixels is None:
            self.out_fbo.read_into(rgba, components=4, alignment=1)
            return
        self._read_buffer(GL_COLOR_ATTACHMENT0)
        self._pixel_store(GL_PACK_ALIGNMENT, 1)
        self._read_pixels(0, 0, self.width, self.height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.ctypes.data)

    def _shadow_pass(self, prep: _Prepared, geo: _Geometry, light_vp: np.ndarray, rect: Rect | None = None) -> None:
        """Render part depths from the sun (back faces only: lit surfaces then need almost no bias), only inside
        `rect` (texels) when given."""
        self.shadow_fbo.use()
        self.shadow_fbo.scissor = rect
        self.shadow_fbo.clear(depth=1.0, viewport=rect)
        try:
            self._draw_casters(prep, geo, light_vp)
        finally:
            self.shadow_fbo.scissor = None

    def _draw_casters(self, prep: _Prepared, geo: _Geometry, light_vp: np.ndarray) -> None:
        """The shadow pass's draw calls."""
        ctx = self.ctx
        if geo.vao_shadow is None:
            return
        prog = geo.vao_shadow.program
        prog["u_light_vp"].write(_f4(light_vp))
        prep.parts_tex.use(UNIT_PARTS)
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.depth_func = "<"
        self._draw_runs(geo.vao_shadow, geo.shadow_closed_count, geo.shadow_total_count, "front")

    def _draw_runs(self, vao: moderngl.VertexArray, closed: int, total: int, cull_face: str) -> None:
        """Draw a vertex array's first `total` indices: the first `closed` (closed shapes) with `cull_face` faces
        culled, the rest (open meshes) without."""
        ctx = self.ctx
        if closed:
            ctx.enable(moderngl.CULL_FACE)
            ctx.cull_face = cull_face
            self._draw(vao, closed)
        ctx.disable(moderngl.CULL_FACE)
        if total > closed:
            self._draw(vao, total - closed, closed)

    def _main_pass(
        self,
        prep: _Prepared,
        geo: _Geometry,
        bg_vaos: list[moderngl.VertexArray],
        glow: bool,
        clip_ground: bool,
        rect: Rect | None = None,
    ) -> None:
        """Draw parts, then ground and sky behind them, into the main target (resolving MSAA if any); only inside
        `rect` (an empty one: nothing) when the rest of the target already holds this frame."""
        if rect is not None and rect[2] * rect[3] == 0:
            return
        ctx = self.ctx
        fbo = self.main_glow_fbo if glow and self.main_glow_fbo is not None else self.main_fbo
        fbo.use()
        fbo.scissor = rect
        if self._clear is not None and self._clear_depth is not None and not self.samples:
            # Depth only: the parts and the ground/sky draws behind them write every colour (and glow) pixel of the
            # rectangle, so clearing colour was work for nothing (~0.8 ms a 854x480 frame with the glow target).
            self._clear_depth(1.0)
            self._clear(GL_DEPTH_BUFFER_BIT)
        else:
            fbo.clear(0.0, 0.0, 0.0, 0.0, depth=1.0, viewport=rect)
        self.shadow_tex.use(UNIT_SHADOW)
        prep.parts_tex.use(UNIT_PARTS)
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.depth_func = "<"
        fbo.depth_mask = True
        if geo.vao_parts is not None:
            geo.vao_parts.program["u_clip_ground"].value = 1.0 if clip_ground else 0.0
            self._wait_for_queued()  # the shadow map this frame's shadow pass may have redrawn
            ctx.enable_direct(GL_CLIP_DISTANCE0)
            self._draw_runs(geo.vao_parts, geo.closed_count, geo.total_count, "back")
            ctx.disable_direct(GL_CLIP_DISTANCE0)
        # Background at the far plane: pixels already covered by parts fail the depth test before shading.
        ctx.depth_func = "<="
        fbo.depth_mask = False
        ctx.enable_direct(GL_CLIP_DISTANCE0)  # the ground and the sky draws' sides of the horizon
        for bg_vao in bg_vaos:
            bg_vao.render(moderngl.TRIANGLES, vertices=3)
        ctx.disable_direct(GL_CLIP_DISTANCE0)
        if geo.vao_glass is not None and geo.vao_parts is not None:
            self._glass_pass(geo, geo.vao_parts.program, clip_ground)
        fbo.depth_mask = True
        ctx.disable(moderngl.DEPTH_TEST)
        fbo.scissor = None
        if self.samples:
            ctx.copy_framebuffer(self.resolve_fbo, self.main_fbo)
            if glow and self.ms_glow is not None:
                ctx.copy_framebuffer(self.resolve_glow_fbo, self.ms_glow_only)
        if glow and self.glow_tex is not None:
            self._wait_for_queued()
            self.glow_tex.build_mipmaps()

    def _glass_pass(self, geo: _Geometry, parts_prog: moderngl.Program, clip_ground: bool) -> None:
        """Blend the translucent parts over the finished scene (depth-tested, not written; far faces first).

        Their program is the parts program compiled with GLASS; it takes this frame's uniforms from the parts
        program. The colour target's alpha (the object id the ink outlines read) is left as it was.
        """
        assert geo.vao_glass is not None
        ctx, prog = self.ctx, geo.vao_glass.program
        for name in prog:
            member = prog[name]
            if isinstance(member, moderngl.Uniform) and name in parts_prog and not name.startswith("u_parts") \
                    and name != "u_shadow":
                member.value = parts_prog[name].value
        prog["u_clip_ground"].value = 1.0 if clip_ground else 0.0
        ctx.enable(moderngl.BLEND | moderngl.CULL_FACE)
        ctx.blend_func = (moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA, moderngl.ZERO, moderngl.ONE)
        ctx.enable_direct(GL_CLIP_DISTANCE0)
        for face in ("front", "back"):  # the far side of a bubble, then its near side over it
            ctx.cull_face = face
            self._draw(geo.vao_glass, geo.glass_count)
        ctx.disable_direct(GL_CLIP_DISTANCE0)
        ctx.disable(moderngl.BLEND | moderngl.CULL_FACE)
        ctx.cull_face = "back"

    def _letterbox_bar(self) -> float:
        """Height in pixels of each 2.39:1 letterbox bar (0: none)."""
        if not self.style.letterbox:
            return 0.0
        return float(math.floor(max(0.0, (self.height - self.width / 2.39) / 2.0) + 0.5))

    def close(self) -> None:
        """Release the GL context and everything on it."""
        if self._closed:
            return
        self._closed = True
        with self.ctx:
            for prog in self._programs.values():
                prog.release()
            self._programs.clear()
        self.ctx.release()

    def __enter__(self) -> Renderer:
        """Use as a context manager."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close on leaving the block."""
        self.close()
