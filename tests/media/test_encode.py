"""MP4 encoding: codecs, sizes, duration, faststart, sample-exact audio, determinism."""

from __future__ import annotations

import hashlib

import av
import numpy as np
import pytest

from reelcast.media.encode import X264_CPU_PARAMS, EncodeOptions, encode_mp4, x264_options
from reelcast.media.probe import decode_audio, probe


def _frames(n: int, w: int = 160, h: int = 90):  # type: ignore[no-untyped-def]
    for i in range(n):
        a = np.zeros((h, w, 3), np.uint8)
        a[:, (i * 3) % w : (i * 3) % w + 10] = 255
        yield a


def _audio(seconds: float, click_at: float) -> np.ndarray:
    a = np.zeros((int(seconds * 48000), 2), np.float32)
    a[int(click_at * 48000) : int(click_at * 48000) + 64] = 0.5
    return a


def test_encoded_file_is_h264_aac_yuv420p_with_exact_frames(tmp_path):
    out = tmp_path / "a.mp4"
    encode_mp4(_frames(48), _audio(2, 1), out, width=160, height=90, fps=24, n_frames=48)
    info = probe(out)
    assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert (info.width, info.height, info.n_frames, info.sample_rate) == (160, 90, 48, 48000)
    assert info.duration == pytest.approx(2.0, abs=0.03)


def test_moov_precedes_mdat_for_faststart(tmp_path):
    out = tmp_path / "a.mp4"
    encode_mp4(_frames(24), _audio(1, 0.5), out, width=160, height=90, fps=24, n_frames=24)
    data = out.read_bytes()
    assert data[4:8] == b"ftyp" and data.find(b"moov") < data.find(b"mdat")


def test_audio_click_lands_on_its_sample_after_aac_roundtrip(tmp_path):
    out = tmp_path / "a.mp4"
    encode_mp4(_frames(24), _audio(1, 0.5), out, width=160, height=90, fps=24, n_frames=24)
    decoded = decode_audio(out)
    onset = int(np.argmax(np.abs(decoded[:, 0]) > 0.1))
    assert abs(onset - 24000) <= 48  # within 1 ms


def test_same_input_gives_identical_bytes(tmp_path):
    digests = set()
    for k in range(2):
        out = tmp_path / f"{k}.mp4"
        encode_mp4(_frames(24), _audio(1, 0.5), out, width=160, height=90, fps=24, n_frames=24)
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def _sei_setting(data: bytes, name: bytes) -> bytes:
    """The value x264 wrote for `name` into the settings string of its SEI."""
    start = data.index(b" " + name + b"=") + 1
    return data[start : data.index(b" ", start)]


def test_x264_params_reach_the_encoder(tmp_path):
    default, plain = tmp_path / "d.mp4", tmp_path / "p.mp4"
    encode_mp4(_frames(6), None, default, width=160, height=90, fps=24, n_frames=6)
    encode_mp4(_frames(6), None, plain, width=160, height=90, fps=24, n_frames=6,
               options=EncodeOptions(x264_params=""))
    assert _sei_setting(default.read_bytes(), b"subme") == b"subme=1"
    assert _sei_setting(default.read_bytes(), b"me") == b"me=dia"
    assert _sei_setting(default.read_bytes(), b"analyse") == b"analyse=0x3:0x3"  # intra 4x4 and 8x8, no p8x8
    assert _sei_setting(plain.read_bytes(), b"subme") == b"subme=2"  # veryfast's own
    assert _sei_setting(plain.read_bytes(), b"me") == b"me=hex"
    assert _sei_setting(plain.read_bytes(), b"analyse") == b"analyse=0x3:0x113"  # veryfast's own, with p8x8


def test_the_cpu_cap_is_kept_next_to_the_x264_params():
    params = [x264_options(EncodeOptions(x264_params=p), 2).get("x264-params", "") for p in ("subme=1", "")]
    assert params == ([f"subme=1:{X264_CPU_PARAMS}", X264_CPU_PARAMS] if X264_CPU_PARAMS else ["subme=1", ""])


def test_frame_count_mismatch_is_an_error(tmp_path):
    with pytest.raises(ValueError):
        encode_mp4(_frames(10), None, tmp_path / "a.mp4", width=160, height=90, fps=24, n_frames=24)


def test_render_errors_propagate_from_the_prefetch_thread(tmp_path):
    def broken():  # type: ignore[no-untyped-def]
        yield np.zeros((90, 160, 3), np.uint8)
        raise RuntimeError("renderer exploded")

    with pytest.raises(RuntimeError, match="renderer exploded"):
        encode_mp4(broken(), None, tmp_path / "a.mp4", width=160, height=90, fps=24, n_frames=2)


def _late(audio: np.ndarray, after_frames: int, frames):  # type: ignore[no-untyped-def]
    """A Future for `audio` that is completed only once `after_frames` frames have been pulled."""
    from concurrent.futures import Future

    fut: Future[np.ndarray] = Future()

    def gen():  # type: ignore[no-untyped-def]
        for i, f in enumerate(frames):
            if i == after_frames:
                fut.set_result(audio)
            yield f

    return fut, gen()


def test_audio_that_arrives_late_gives_the_same_bytes_as_audio_given_up_front(tmp_path):
    encode_mp4(_frames(48), _audio(2, 1), tmp_path / "now.mp4", width=160, height=90, fps=24, n_frames=48)
    for after in (10, 47):
        fut, frames = _late(_audio(2, 1), after, _frames(48))
        out = tmp_path / f"late{after}.mp4"
        encode_mp4(frames, fut, out, width=160, height=90, fps=24, n_frames=48)
        assert out.read_bytes() == (tmp_path / "now.mp4").read_bytes()


def test_audio_still_missing_after_the_last_frame_is_waited_for(tmp_path):
    import threading
    from concurrent.futures import Future

    fut: Future[np.ndarray] = Future()
    threading.Timer(0.3, fut.set_result, args=(_audio(1, 0.5),)).start()
    out = tmp_path / "a.mp4"
    encode_mp4(_frames(24), fut, out, width=160, height=90, fps=24, n_frames=24)
    assert probe(out).sample_rate == 48000
    assert abs(int(np.argmax(np.abs(decode_audio(out)[:, 0]) > 0.1)) - 24000) <= 48


def test_an_audio_synthesis_error_fails_the_encode(tmp_path):
    from concurrent.futures import Future

    fut: Future[np.ndarray] = Future()
    fut.set_exception(RuntimeError("espeak-ng crashed"))
    with pytest.raises(RuntimeError, match="espeak-ng crashed"):
        encode_mp4(_frames(24), fut, tmp_path / "a.mp4", width=160, height=90, fps=24, n_frames=24)


def test_the_aac_coder_option_reaches_the_encoder(tmp_path):
    encode_mp4(_frames(6), _audio(1, 0.5), tmp_path / "f.mp4", width=160, height=90, fps=24, n_frames=6,
               options=EncodeOptions(aac_coder="twoloop"))
    with pytest.raises(av.error.ArgumentError):
        encode_mp4(_frames(6), _audio(1, 0.5), tmp_path / "n.mp4", width=160, height=90, fps=24, n_frames=6,
                   options=EncodeOptions(aac_coder="no-such-coder"))


def test_yuv_frames_hold_the_same_planes_as_from_ndarray() -> None:
    import cv2

    from reelcast.media.encode import _yuv420p_frame

    rgb = np.random.default_rng(3).integers(0, 256, (90, 160, 3), np.uint8)
    yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
    ours, theirs = _yuv420p_frame(yuv, 160, 90), av.VideoFrame.from_ndarray(yuv, format="yuv420p")
    assert np.array_equal(ours.to_ndarray(), theirs.to_ndarray())
