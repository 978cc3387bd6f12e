"""Behaviour of the sim 3D renderer on tiny frames (llvmpipe here, a GPU where present)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from reelcast.engines.sim.render import Renderer
from reelcast.engines.sim.render.camera import look_at, perspective
from reelcast.engines.sim.render.demo import night_env, pose
from reelcast.engines.sim.render.renderer import (
    FOLLOW_STEP,
    _gil_free_gl_finish,
    collapsed_parts,
    follow_center,
    outside_view,
    project_rect,
    shadow_sweep_length,
)
from reelcast.engines.sim.render.shader_constants import hemi_ambient_terms, scene_constants
from reelcast.engines.sim.scene import CameraPose, Environment, Part, SimTimeline
from reelcast.prompt.plan import Style

W, H = 160, 90


def _timeline(
    parts: list[Part] | None = None,
    n_frames: int = 2,
    cameras: list[CameraPose] | None = None,
    env: Environment | None = None,
    visible: np.ndarray | None = None,
) -> SimTimeline:
    """A red sphere 1 m above the ground in front of a camera looking along +Y."""
    parts = parts or [Part("ball", "ball", "sphere", (0.5,), (0.9, 0.05, 0.05), "rubber")]
    poses = np.repeat(np.stack([pose(0.0, 0.0, 1.0)] * len(parts))[None], n_frames, axis=0).astype(np.float32)
    cams = cameras or [CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0))] * n_frames
    return SimTimeline(
        fps=24, n_frames=n_frames, parts=parts, poses=poses, cameras=cams, env=env or Environment(), visible=visible
    )


def _render(tl: SimTimeline, style: Style | None = None) -> list[np.ndarray]:
    """All frames of a timeline at the test size, fast tier."""
    r = Renderer(W, H, style or Style(), quality="fast")
    try:
        return list(r.render_frames(tl))
    finally:
        r.close()


def _is_red(px: np.ndarray) -> np.ndarray:
    """Mask of clearly red pixels."""
    p = px.astype(int)
    return (p[..., 0] > 70) & (p[..., 0] > 2 * p[..., 1]) & (p[..., 0] > 2 * p[..., 2])


def test_frames_have_shape_height_width_3_and_dtype_uint8() -> None:
    frames = _render(_timeline(n_frames=3))
    assert len(frames) == 3
    for f in frames:
        assert f.shape == (H, W, 3)
        assert f.dtype == np.uint8


def test_same_timeline_renders_byte_identical_frames() -> None:
    style = Style(grain=0.5, vignette=0.3, letterbox=True)
    a = _render(_timeline(n_frames=3), style)
    b = _render(_timeline(n_frames=3), style)
    assert all(x.tobytes() == y.tobytes() for x, y in zip(a, b, strict=True))


def test_red_sphere_in_front_of_camera_shows_red_in_the_centre() -> None:
    frame = _render(_timeline(n_frames=1))[0]
    centre = frame[H // 2 - 5 : H // 2 + 5, W // 2 - 5 : W // 2 + 5]
    assert _is_red(centre).mean() > 0.9
    assert not _is_red(frame[:5]).any()  # the top rows are sky


def test_image_is_upright_sky_above_ground() -> None:
    frame = _render(_timeline(n_frames=1, parts=[Part("tiny", "t", "sphere", (0.01,), (1, 1, 1))]))[0]
    top, bottom = frame[:10].astype(int).mean(axis=(0, 1)), frame[-10:].astype(int).mean(axis=(0, 1))
    assert top[2] > top[1]  # blue sky on top
    assert bottom[1] > bottom[2]  # green ground below


def test_moving_camera_changes_the_image() -> None:
    cams = [
        CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0)),
        CameraPose(eye=(2.5, -3.0, 1.5), target=(0.8, 0.0, 1.0)),
    ]
    a, b = _render(_timeline(n_frames=2, cameras=cams), Style(motion_blur=False))
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 5.0


def test_night_environment_is_darker_than_day() -> None:
    day = _render(_timeline(n_frames=1))[0]
    night = _render(_timeline(n_frames=1, env=night_env()))[0]
    assert night.mean() < day.mean() * 0.5


def test_anime_look_draws_dark_outline_pixels_around_an_object() -> None:
    tl = _timeline(n_frames=1, parts=[Part("ball", "ball", "sphere", (0.5,), (0.95, 0.95, 0.95))])
    anime = _render(tl, Style(look="anime", vignette=0.0))[0]
    plain = _render(tl, Style(look="cinematic", vignette=0.0))[0]
    row = H // 2  # the sphere's silhouette crosses this row at two places, against the sky
    lum_anime = anime[row].astype(int).sum(axis=1)
    lum_plain = plain[row].astype(int).sum(axis=1)
    assert lum_anime.min() < 150  # ink
    assert lum_plain.min() > 250  # a lit white sphere against the sky has no near-black pixels


def test_letterbox_rows_are_black() -> None:
    frame = _render(_timeline(n_frames=1), Style(letterbox=True, grain=1.0))[0]
    bar = round((H - W / 2.39) / 2)
    assert bar >= 2
    assert not frame[: bar - 1].any()
    assert not frame[H - bar + 1 :].any()
    assert frame[H // 2].any()


def test_invisible_part_is_not_drawn() -> None:
    visible = np.array([[False]])
    frame = _render(_timeline(n_frames=1, visible=visible))[0]
    assert not _is_red(frame).any()


def test_emissive_part_is_drawn_in_its_colour() -> None:
    lamp = Part("lamp", "lamp", "sphere", (0.5,), (1.0, 0.2, 0.1), "glass", emissive=1.0)
    env = night_env()
    frame = _render(_timeline(n_frames=1, parts=[lamp], env=env))[0]
    assert _is_red(frame[H // 2 - 3 : H // 2 + 3, W // 2 - 3 : W // 2 + 3]).all()


@pytest.mark.parametrize(
    "shape,size", [("box", (0.4, 0.4, 0.4)), ("capsule", (0.3, 0.3)), ("cylinder", (0.4, 0.3)), ("cone", (0.4, 0.4))]
)
def test_each_primitive_shape_is_drawn(shape: str, size: tuple[float, ...]) -> None:
    part = Part("thing", "thing", shape, size, (0.9, 0.05, 0.05))
    frame = _render(_timeline(n_frames=1, parts=[part]))[0]
    assert _is_red(frame[H // 2 - 3 : H // 2 + 3, W // 2 - 3 : W // 2 + 3]).mean() > 0.8


def test_mesh_part_is_drawn() -> None:
    v = np.array([[-0.5, 0, -0.5], [0.5, 0, -0.5], [0.5, 0, 0.5], [-0.5, 0, 0.5]], np.float32)
    f = np.array([[0, 1, 2], [0, 2, 3]], np.int32)
    part = Part("card", "card", "mesh", (1.0,), (0.9, 0.05, 0.05), mesh_vertices=v, mesh_faces=f)
    frame = _render(_timeline(n_frames=1, parts=[part]))[0]
    assert _is_red(frame[H // 2 - 3 : H // 2 + 3, W // 2 - 3 : W // 2 + 3]).mean() > 0.8


def test_timeline_without_parts_renders_sky_and_ground() -> None:
    tl = SimTimeline(
        fps=24,
        n_frames=1,
        parts=[],
        poses=np.zeros((1, 0, 4, 4), np.float32),
        cameras=[CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0))],
    )
    frame = _render(tl)[0]
    assert frame.shape == (H, W, 3) and frame.mean() > 30


def test_noir_look_is_grey() -> None:
    frame = _render(_timeline(n_frames=1), Style(look="noir")).pop().astype(int)
    assert np.abs(frame[..., 0] - frame[..., 1]).max() <= 3
    assert np.abs(frame[..., 1] - frame[..., 2]).max() <= 3


def test_unknown_quality_is_rejected() -> None:
    with pytest.raises(ValueError):
        Renderer(W, H, Style(), quality="ultra")


def test_high_quality_tier_renders_the_red_sphere() -> None:
    r = Renderer(W, H, Style(halation=0.5), quality="high")
    try:
        assert r.quality == "high"
        frame = next(r.render_frames(_timeline(n_frames=1)))
    finally:
        r.close()
    assert frame.shape == (H, W, 3)
    assert _is_red(frame[H // 2 - 3 : H // 2 + 3, W // 2 - 3 : W // 2 + 3]).mean() > 0.8


def test_auto_quality_picks_fast_on_a_software_renderer() -> None:
    r = Renderer(W, H, Style())
    try:
        software = any(s in r.gl_renderer.lower() for s in ("llvmpipe", "softpipe", "swrast"))
        assert r.quality == ("fast" if software else "high")
    finally:
        r.close()


def test_frames_can_be_rendered_on_another_thread() -> None:
    r = Renderer(W, H, Style(), quality="fast")
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["frames"] = list(r.render_frames(_timeline(n_frames=1)))
        except Exception as exc:  # surfaced by the assert below
            result["error"] = exc

    try:
        t = threading.Thread(target=work)
        t.start()
        t.join()
        assert "error" not in result, result.get("error")
        on_main = list(r.render_frames(_timeline(n_frames=1)))
    finally:
        r.close()
    assert result["frames"][0].tobytes() == on_main[0].tobytes()  # type: ignore[index]


def test_frame_wait_is_a_foreign_call_that_releases_the_gil() -> None:
    import ctypes

    finish = _gil_free_gl_finish()
    assert finish is not None  # EGL supplies glFinish here
    assert not finish._flags_ & ctypes._FUNCFLAG_PYTHONAPI  # type: ignore[attr-defined]  # PYFUNCTYPE keeps the GIL
    r = Renderer(W, H, Style(), quality="fast")
    try:
        assert r._finish is not None
        assert len(list(r.render_frames(_timeline(n_frames=2)))) == 2
    finally:
        r.close()


def _still_camera_scene(n_frames: int = 6) -> SimTimeline:
    """A still camera over a static wall and post, a ball flying past and a cube that blinks: its shadows move too."""
    parts = [
        Part("wall", "wall", "box", (3.0, 0.1, 1.5), (0.8, 0.8, 0.7)),
        Part("post", "post", "cylinder", (0.1, 0.8), (0.3, 0.3, 0.9)),
        Part("ball", "ball", "sphere", (0.15,), (0.9, 0.05, 0.05), "rubber"),
        Part("blink", "blink", "box", (0.1, 0.1, 0.1), (0.1, 0.8, 0.1)),
    ]
    poses = np.zeros((n_frames, len(parts), 4, 4))
    for f in range(n_frames):
        ball = pose(-0.4 + 0.06 * f, 0.5, 0.6 + 0.02 * f)
        poses[f] = [pose(0.0, 3.0, 1.5), pose(-2.0, 1.0, 0.8), ball, pose(0.1, 0.5, 0.4)]
    visible = np.ones((n_frames, len(parts)), bool)
    visible[1::2, 3] = False
    return SimTimeline(
        fps=24,
        n_frames=n_frames,
        parts=parts,
        poses=poses.astype(np.float32),
        cameras=[CameraPose(eye=(0.0, -8.0, 1.5), target=(0.0, 0.0, 1.0))] * n_frames,
        env=Environment(sun_direction=(0.3, 0.2, 0.9)),
        visible=visible,
    )


def _changed_only_and_whole(r: Renderer, tl: SimTimeline) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The timeline's frames drawn redrawing only what changed, then redrawing everything (closes `r`)."""
    try:
        partial = list(r.render_frames(tl))
        r.redraw_changed_only = False
        return partial, list(r.render_frames(tl))
    finally:
        r.close()


def test_still_camera_redraws_only_the_changed_region_to_the_same_bytes() -> None:
    style = Style(grain=0.3, vignette=0.3, halation=0.6)
    tl = _still_camera_scene()
    rects: list[object] = []
    r = Renderer(W, H, style, quality="fast")
    main_pass = r._main_pass

    def spy(*args: object, **kwargs: object) -> None:
        rects.append(kwargs.get("rect"))
        main_pass(*args, **kwargs)  # type: ignore[arg-type]

    r._main_pass = spy  # type: ignore[method-assign]
    partial, whole = _changed_only_and_whole(r, tl)
    assert any(rect is not None and 0 < rect[2] * rect[3] < W * H // 2 for rect in rects[: tl.n_frames])  # type: ignore[index]
    assert all(a.tobytes() == b.tobytes() for a, b in zip(partial, whole, strict=True))


def test_nothing_changed_keeps_the_last_frame_without_drawing() -> None:
    tl = _still_camera_scene(n_frames=3)
    tl.poses[:] = tl.poses[0]
    tl.visible[:] = True  # type: ignore[index]
    frames, whole = _changed_only_and_whole(Renderer(W, H, Style(motion_blur=False), quality="fast"), tl)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(frames, whole, strict=True))


def test_project_rect_covers_a_box_in_view_and_gives_up_on_one_behind_the_camera() -> None:
    cam = CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0))
    vp = perspective(cam.fov_y, W / H) @ look_at(cam)
    x, y, w, h = project_rect(np.array([[-0.1, -0.1, 0.9]]), np.array([[0.1, 0.1, 1.1]]), vp, W, H)  # type: ignore[misc]
    assert x < W // 2 < x + w and y < H // 2 < y + h and w < W // 4
    assert project_rect(np.array([[-1.0, -5.0, 0.0]]), np.array([[1.0, -3.0, 2.0]]), vp, W, H) is None
    assert project_rect(np.array([[-0.1, -8.1, 0.9]]), np.array([[0.1, -7.9, 1.1]]), vp, W, H) is None
    assert project_rect(np.array([[9.0, 0.0, 0.9]]), np.array([[9.2, 0.2, 1.1]]), vp, W, H) == (0, 0, 0, 0)


def test_shadow_sweep_reaches_the_ground_or_the_scene_bounds() -> None:
    sun = np.array([0.0, 0.6, 0.8])
    centres = np.array([[0.0, 0.0, 2.0]])
    lo, hi = np.array([-5.0, -5.0, -5.0]), np.array([5.0, 5.0, 5.0])
    assert shadow_sweep_length(centres, sun, lo, hi, ground=True) == pytest.approx([2.5])  # 2 m down at 0.8 per m
    assert shadow_sweep_length(centres, sun, lo, hi, ground=False) == pytest.approx([5.0 / 0.6])  # out at y = -5


def test_following_shadow_window_holds_still_between_steps_and_stays_near_the_target() -> None:
    targets = np.array([[0.3, -0.2, 5.0], [0.9, 0.4, 5.6], [1.6, 0.9, 5.1]])  # a camera target drifting under a step
    centres = [follow_center(t) for t in targets]
    assert all(np.array_equal(c, centres[0]) for c in centres)
    far = np.array([17.9, -30.1, 2.2])
    assert np.abs(follow_center(far) - far).max() <= FOLLOW_STEP / 2.0


def test_a_part_scaled_to_a_point_is_collapsed_on_that_frame_only() -> None:
    poses = np.tile(np.eye(4, dtype=np.float32), (2, 2, 1, 1))
    poses[1, 0, :3, :3] = 0.0  # part 0 shrunk away on frame 1 (its translation stays)
    poses[1, 0, :3, 3] = (1.0, 2.0, 3.0)
    assert collapsed_parts(poses).tolist() == [[False, False], [True, False]]


def test_outside_view_drops_spheres_behind_or_beside_the_frustum_and_keeps_ones_touching_it() -> None:
    from reelcast.engines.sim.render.camera import camera_basis

    basis = camera_basis(CameraPose(eye=(0.0, 0.0, 1.0), target=(0.0, 10.0, 1.0)))  # looking along +Y
    tan_y, aspect = 0.5, 2.0  # half angles: atan(1) = 45 degrees sideways, atan(0.5) up and down
    centers = np.array([
        [0.0, 5.0, 1.0],    # straight ahead
        [0.0, -3.0, 1.0],   # behind
        [0.0, -0.5, 1.0],   # behind, but its sphere reaches past the eye
        [-12.0, 5.0, 1.0],  # far to the left (the side plane is x = -5 at y = 5)
        [-5.6, 5.0, 1.0],   # just left of the side plane, by less than its radius
        [0.0, 5.0, 6.0],    # far above (the top plane is z - 1 = 2.5 at y = 5)
    ])
    radii = np.array([0.5, 0.5, 1.0, 0.5, 0.5, 0.5])
    assert outside_view(centers, radii, basis, tan_y, aspect).tolist() == [False, True, False, True, False, True]


def test_a_part_straddling_the_frame_edge_is_still_drawn() -> None:
    """Its centre is out of view but its sphere is not: whole-part culling must keep it."""
    from reelcast.engines.sim.render.demo import pose as at

    parts = [Part("ball", "ball", "sphere", (0.5,), (0.9, 0.05, 0.05), "rubber")]
    tl = _timeline(parts)
    # The camera looks along +Y from y = -4: put the ball's centre 0.3 m past the left edge of the view.
    fov = tl.cameras[0].fov_y
    half_w = 4.0 * np.tan(np.radians(fov) / 2.0) * W / H
    tl.poses[:, 0] = at(-half_w - 0.3, 0.0, 1.0)
    frame = _render(tl)[0]
    assert _is_red(frame[:, :6]).any()


def test_motion_blend_mixes_the_previous_output_frame_in() -> None:
    """The blend is the fixed-function blend onto the last frame: the first frame is unblended, the next one is
    (1 - w) * this frame + w * the last output, w = shutter / 360 * BLEND_PER_SHUTTER."""
    from reelcast.engines.sim.render.renderer import BLEND_PER_SHUTTER

    cams = [
        CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 1.0)),
        CameraPose(eye=(2.5, -3.0, 1.5), target=(0.8, 0.0, 1.0)),
    ]
    tl = _timeline(n_frames=2, cameras=cams)
    a0, a1 = (f.astype(float) for f in _render(tl, Style(motion_blur=False)))
    b0, b1 = (f.astype(float) for f in _render(tl, Style(motion_blur=True)))
    w = tl.shutter_angle / 360.0 * BLEND_PER_SHUTTER
    assert w > 0.05
    assert np.abs(b0 - a0).max() <= 1.0
    assert np.abs(b1 - (a1 * (1.0 - w) + b0 * w)).max() <= 2.0
    assert np.abs(b1 - a1).mean() > 1.0  # it did blend


@pytest.mark.parametrize("halation", [0.0, 0.4])
def test_emissive_part_gets_a_halo_around_it(halation: float) -> None:
    """Halos (drawn in the quarter-size glow layer on the fast tier) light a ring around a lamp in its colour."""
    lamp = Part("lamp", "lamp", "sphere", (0.3,), (1.0, 0.3, 0.1), "glass", emissive=1.0)
    style = Style(halation=halation, motion_blur=False, vignette=0.0)
    shown = _render(_timeline(n_frames=1, parts=[lamp], env=night_env()), style)[0].astype(float)
    hidden = _render(_timeline(n_frames=1, parts=[lamp], env=night_env(), visible=np.zeros((1, 1), bool)), style)[0]
    yy, xx = np.mgrid[0:H, 0:W]
    r = np.hypot(xx - W / 2, yy - H / 2)
    ring = (r > 16) & (r < 24)  # the lamp's disc is ~10 px in radius here
    gain = (shown - hidden.astype(float))[ring].mean(axis=0)
    assert gain[0] > 8.0 and gain[0] > 2.0 * gain[2]


def _ground_pixel(cam: CameraPose, x: float, y: float) -> tuple[int, int]:
    """Output (row, column) where the ground point (x, y, 0) appears."""
    clip = perspective(cam.fov_y, W / H) @ look_at(cam) @ np.array([x, y, 0.0, 1.0])
    ndc = clip[:2] / clip[3]
    return int((0.5 - 0.5 * ndc[1]) * H), int((0.5 * ndc[0] + 0.5) * W)


@pytest.mark.parametrize("normal_z", [1.0, -1.0])
def test_a_ball_casts_its_shadow_on_the_ground_down_sun_of_it_and_on_nothing_else(normal_z: float) -> None:
    # The sun from +x at 53 degrees: a ball at 1 m shades the ground 0.75 m towards -x, not the mirror spot at +x.
    # (The shadow coordinates are interpolated from the vertex shaders; a wrong affine map would move the shadow.)
    sun = (0.6 * normal_z, 0.0, 0.8)
    cam = CameraPose(eye=(0.0, -6.0, 6.0), target=(0.0, 0.0, 0.0))
    env = Environment(sun_direction=sun, fog_density=0.0, ground_material="snow")  # a plain ground
    frame = _render(_timeline(n_frames=1, cameras=[cam], env=env), Style(vignette=0.0, grain=0.0))[0]
    frame = frame.astype(int).sum(axis=2)
    shaded = _ground_pixel(cam, -0.75 * normal_z, 0.0)
    lit = _ground_pixel(cam, 0.75 * normal_z, 0.0)
    assert frame[shaded] < 0.75 * frame[lit]
    far = _ground_pixel(cam, -2.0 * normal_z, 0.0)  # beyond the shadow: lit again
    assert frame[far] > 0.9 * frame[lit]


def test_hemisphere_ambient_is_the_sky_hue_from_above_and_the_dimmer_ground_hue_from_below() -> None:
    base, z = hemi_ambient_terms((0.4, 0.6, 0.8), (0.0, 0.2, 0.4), (0.5, 0.25, 0.0), 0.5)
    # Up: the mean sky colour (0.2, 0.4, 0.6) scaled to a max of 1, 60% towards white, times the ambient level.
    assert base + z == pytest.approx((0.4 + 0.6 * np.array([1 / 3, 2 / 3, 1.0])) * 0.5)
    # Down: the ground's hue likewise, times 0.45.
    assert base - z == pytest.approx((0.4 + 0.6 * np.array([1.0, 0.5, 0.0])) * 0.45 * 0.5)


@pytest.mark.parametrize("eye_z", [0.05, 1.7, 40.0, -1.0])
def test_ground_and_sky_draws_meet_at_a_tilted_horizon_without_gaps(eye_z: float) -> None:
    # The background is a ground draw and a sky draw, each clipped to its side of the horizon: no pixel may be left
    # at the clear colour (black) between them, and a camera below the ground plane sees only sky.
    cam = CameraPose(eye=(0.0, -4.0, eye_z), target=(0.0, 10.0, eye_z - 1.0), up=(0.35, 0.0, 1.0))
    tl = _timeline(n_frames=1, parts=[Part("tiny", "t", "sphere", (0.01,), (1, 1, 1))], cameras=[cam])
    frame = _render(tl, Style(vignette=0.0, grain=0.0, motion_blur=False))[0].astype(int)
    assert frame.sum(axis=2).min() > 60
    if eye_z < 0.0:
        assert (frame[..., 2] > frame[..., 1]).all()  # sky blue everywhere, no green ground


def test_halo_layer_is_drawn_only_on_frames_with_a_halo_in_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without image glow, a frame with no halo in view skips the quarter-size layer (and the post pass's tap of it)
    and looks the same as with it: the layer would be black."""
    import moderngl

    lamp = Part("lamp", "lamp", "sphere", (0.3,), (1.0, 0.3, 0.1), "glass", emissive=1.0)
    visible = np.array([[False], [True], [False]])
    tl = _timeline(n_frames=3, parts=[lamp], env=night_env(), visible=visible)
    draws: list[str] = []
    render = moderngl.VertexArray.render

    def counting(self: moderngl.VertexArray, *args: object, **kwargs: object) -> None:
        if "u_halos_on" in self.program and "u_frame_hash" not in self.program:
            draws.append("layer")
        render(self, *args, **kwargs)

    monkeypatch.setattr(moderngl.VertexArray, "render", counting)
    style = Style(motion_blur=False)
    frames = _render(tl, style)
    assert draws == ["layer"]  # frame 1 only
    monkeypatch.setattr(moderngl.VertexArray, "render", render)
    hidden = _render(_timeline(n_frames=1, parts=[lamp], env=night_env(), visible=np.zeros((1, 1), bool)), style)[0]
    assert np.abs(frames[0].astype(int) - hidden.astype(int)).max() <= 1
    assert np.abs(frames[1].astype(int) - frames[0].astype(int)).max() > 8  # the lamp and its halo


def test_scene_constants_follow_the_environment_and_style() -> None:
    day = scene_constants(Environment(), "cinematic", 0.0, 1024)
    night = scene_constants(night_env(), "cinematic", 0.0, 1024)
    assert day != night
    assert "K_SKY_ZENITH vec3(0.25, 0.44999998807907104, 0.8500000238418579)" in day  # float32, as a uniform held
    assert scene_constants(Environment(), "cinematic", 0.5, 1024) != day   # halation
    assert scene_constants(Environment(), "anime", 0.0, 1024) != day       # the look's rim strength


@pytest.mark.parametrize("quality", ["fast", "high"])
def test_one_renderer_compiles_each_environment_in_and_keeps_the_programs(quality: str) -> None:
    """The clip's sky, sun, ... are compiled into the scene programs: a second environment on the same renderer gets
    its own programs (and colours), and going back to the first reuses its programs."""
    cam = [CameraPose(eye=(0.0, -4.0, 1.0), target=(0.0, 0.0, 4.0))]   # looking up: sky in the top rows
    red = Environment(sky_zenith=(0.9, 0.1, 0.1), sky_horizon=(0.9, 0.1, 0.1), fog_color=(0.9, 0.1, 0.1))
    blue = Environment(sky_zenith=(0.1, 0.1, 0.9), sky_horizon=(0.1, 0.1, 0.9), fog_color=(0.1, 0.1, 0.9))
    r = Renderer(W, H, Style(), quality=quality)
    try:
        top = []
        for env in (red, blue, red):
            frame = next(iter(r.render_frames(_timeline(n_frames=1, cameras=cam, env=env))))
            top.append(frame[:8].reshape(-1, 3).mean(axis=0))
            n_programs = len(r._programs)
            if env is blue:
                after_blue = n_programs
        assert top[0][0] > 2 * top[0][2] and top[1][2] > 2 * top[1][0]
        np.testing.assert_allclose(top[2], top[0], atol=1.0)
        assert after_blue > 0 and n_programs == after_blue   # the red clip's programs came from the cache
        kinds = [k[0] for k in r._programs]
        assert kinds.count("parts") == 2 and kinds.count("background") == 4   # per environment: parts, ground, sky
    finally:
        r.close()
