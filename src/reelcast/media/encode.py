"""MP4 encoding (H.264 + AAC, faststart, yuv420p) with rendering and encoding pipelined."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from reelcast.media.cpu_budget import encoder_threads

AUDIO_FRAME = 1024  # AAC frame size in samples


@dataclass
class EncodeOptions:
    """x264/AAC knobs; defaults are the CPU-friendly production settings."""

    preset: str = "veryfast"
    crf: int = 20
    # subme=1 (SAD instead of veryfast's SATD in sub-pel and mode decisions): x264 CPU −26–37 % on the gallery seeds
    # (grainy ones most) for +2–11 % bitrate at equal PSNR/SSIM and no visible change; then the diamond motion search
    # and no inter sub-partitions (p8x8 and below): another −12–19 % for +2–11 % bitrate, PSNR within 0.12 dB, the
    # blockiness measure and the watermark's margin unchanged (docs/decisions.md).
    x264_params: str = "subme=1:me=dia:partitions=i8x8,i4x4"
    audio_bitrate: int = 192_000
    # FFmpeg's AAC coder: "fast" took 0.07 s CPU for an 8 s seed soundtrack where the default "twoloop" took 0.30 s,
    # with a higher SNR (31 vs 26-28 dB) and the band energies above 10 kHz kept closer (docs/decisions.md).
    aac_coder: str = "fast"
    threads: int = -1  # -1 = the process's CPU budget (media.cpu_budget); 0 = let x264 choose (all cores)


@dataclass
class EncodeResult:
    """What the encoder saw, for thumbnails and spritesheets without a second decode."""

    n_frames: int
    keyframes: list[np.ndarray] = field(default_factory=list)  # sampled RGB frames (for spritesheet)
    thumbnail: np.ndarray | None = None  # RGB frame at ~40% of the clip


def _x264_cpu_params() -> str:
    """libx264's AVX-512 kernels made equal input encode to different bytes now and then (measured on an AMD EPYC
    with AVX-512: 2–5 distinct outputs in 8 encodes; with `asm=avx2`, 8 identical). On such CPUs cap x264 at AVX2 so
    a seed reproduces its file exactly; other CPUs keep x264's own choice."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            flags = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        return ""
    return "asm=avx2" if " avx512f" in flags and " avx2" in flags else ""


X264_CPU_PARAMS = _x264_cpu_params()


def x264_options(opts: EncodeOptions, threads: int) -> dict[str, str]:
    """The libx264 codec options for `opts`: preset, crf, threads and x264-params (with the CPU cap appended)."""
    params = ":".join(p for p in (opts.x264_params, X264_CPU_PARAMS) if p)
    return {"preset": opts.preset, "crf": str(opts.crf), "threads": str(threads),
            **({"x264-params": params} if params else {})}


def _prefetch(frames: Iterable[np.ndarray], depth: int = 6) -> Iterator[np.ndarray]:
    """Pull frames in a background thread so rendering overlaps encoding."""
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()
    error: list[BaseException] = []

    def produce() -> None:
        try:
            for f in frames:
                while not stop.is_set():
                    try:
                        q.put(f, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # re-raised in the consumer
            error.append(exc)
        finally:
            while True:
                try:
                    q.put(done, timeout=0.1)
                    break
                except queue.Full:
                    if stop.is_set():
                        break

    t = threading.Thread(target=produce, name="reelcast-render", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is done:
                break
            yield item  # type: ignore[misc]
        if error:
            raise error[0]
    finally:
        stop.set()
        t.join(timeout=30)


def encode_mp4(
    frames: Iterable[np.ndarray],
    audio: np.ndarray | Future[np.ndarray] | None,
    out_path: Path,
    *,
    width: int,
    height: int,
    fps: int,
    n_frames: int,
    sample_rate: int = 48000,
    options: EncodeOptions | None = None,
    on_frame: Callable[[int], None] | None = None,
    sample_frames: int = 10,
) -> EncodeResult:
    """Encode RGB frames and stereo float audio into an MP4 at `out_path`; deterministic for equal input.

    `audio` may be a Future still being computed: video packets are then held back until it is ready and muxed in
    exactly the order they would have had with the audio there from the start, so the bytes do not depend on
    when it arrived."""
    opts = options or EncodeOptions()
    if width % 2 or height % 2:
        raise ValueError("width and height must be even for yuv420p")
    sample_at = set(np.linspace(0, max(n_frames - 1, 0), num=min(sample_frames, n_frames)).round().astype(int))
    thumb_at = int(round((n_frames - 1) * 0.4))
    result = EncodeResult(n_frames=0)
    container = av.open(str(out_path), mode="w", format="mp4", options={"movflags": "+faststart"})
    try:
        vstream = container.add_stream("libx264", rate=fps)
        vstream.width = width
        vstream.height = height
        vstream.pix_fmt = "yuv420p"
        vstream.time_base = Fraction(1, fps * 512)
        vstream.codec_context.time_base = Fraction(1, fps)
        threads = encoder_threads() if opts.threads < 0 else opts.threads
        vstream.options = x264_options(opts, threads)
        astream = None
        if audio is not None:
            astream = container.add_stream("aac", rate=sample_rate)
            astream.layout = "stereo"
            astream.bit_rate = opts.audio_bitrate
            astream.options = {"aac_coder": opts.aac_coder}
            astream.time_base = Fraction(1, sample_rate)

        # Audio into a packet list as soon as it is ready; video packets wait in `held` until then, and are muxed
        # frame by frame with the audio up to each frame's end time (the same order whenever the audio arrived).
        apackets: list[av.Packet] | None = None if astream is not None else []
        held: list[tuple[int, list[av.Packet]]] = []  # (frame index, its video packets) not muxed yet
        a_idx = 0

        def flush(wait: bool) -> None:
            nonlocal apackets, a_idx
            if apackets is None:
                if isinstance(audio, Future) and not (wait or audio.done()):
                    return
                assert astream is not None and audio is not None
                samples = audio.result() if isinstance(audio, Future) else audio
                apackets = _encode_audio(astream, samples, sample_rate)
            for i, vpackets in held:
                for pkt in vpackets:
                    container.mux(pkt)
                t_video = (i + 1) / fps  # interleave audio up to this video time
                while a_idx < len(apackets) and apackets[a_idx].pts / sample_rate <= t_video:
                    container.mux(apackets[a_idx])
                    a_idx += 1
            held.clear()

        for i, rgb in enumerate(_prefetch(frames)):
            if rgb.shape != (height, width, 3):
                raise ValueError(f"frame {i} has shape {rgb.shape}, expected {(height, width, 3)}")
            if i in sample_at:
                result.keyframes.append(rgb.copy())
            if i == thumb_at:
                result.thumbnail = rgb.copy()
            vf = _yuv420p_frame(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2YUV_I420), width, height)
            vf.pts = i
            vf.time_base = Fraction(1, fps)
            held.append((i, list(vstream.encode(vf))))
            flush(wait=False)
            result.n_frames = i + 1
            if on_frame is not None:
                on_frame(i + 1)
        flush(wait=True)
        assert apackets is not None
        for pkt in vstream.encode(None):
            container.mux(pkt)
        while a_idx < len(apackets):
            container.mux(apackets[a_idx])
            a_idx += 1
    finally:
        container.close()
    if result.n_frames != n_frames:
        raise ValueError(f"engine produced {result.n_frames} frames, expected {n_frames}")
    return result


def _yuv420p_frame(yuv: np.ndarray, width: int, height: int) -> av.VideoFrame:
    """A yuv420p VideoFrame holding `yuv` (cv2's I420 layout: the Y, U and V planes one after another).

    The planes are copied with numpy, which lets go of the GIL for the copy, into the frame's own (padded) planes:
    `VideoFrame.from_ndarray` took ~0.5 ms a 854x480 frame holding the GIL, ten times as long, and stalled the
    renderers' Python meanwhile."""
    vf = av.VideoFrame(width, height, "yuv420p")
    flat = yuv.reshape(-1)
    start = 0
    for plane, (w, h) in zip(vf.planes, ((width, height), (width // 2, height // 2), (width // 2, height // 2)),
                             strict=True):
        rows = np.frombuffer(plane, np.uint8).reshape(h, plane.line_size)
        np.copyto(rows[:, :w], flat[start:start + w * h].reshape(h, w))
        start += w * h
    return vf


def _encode_audio(stream: av.audio.stream.AudioStream, audio: np.ndarray, sample_rate: int) -> list[av.Packet]:
    """Encode (n, 2) float audio into AAC packets."""
    data = np.ascontiguousarray(np.clip(audio, -1.0, 1.0).astype(np.float32).T)  # planar (2, n)
    packets: list[av.Packet] = []
    n = data.shape[1]
    for start in range(0, n, AUDIO_FRAME):
        chunk = np.ascontiguousarray(data[:, start : start + AUDIO_FRAME])
        af = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        af.sample_rate = sample_rate
        af.pts = start
        af.time_base = Fraction(1, sample_rate)
        packets.extend(stream.encode(af))
    packets.extend(stream.encode(None))
    return packets
