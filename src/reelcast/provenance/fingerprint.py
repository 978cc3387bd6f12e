"""Perceptual fingerprints: PDQ hashes of frames (full, flipped, centre crop) and a FAISS index with temporal voting."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import faiss
import numpy as np
import pdqhash

SAMPLE_EVERY = 0.5  # seconds between indexed frames
QUERY_EVERY = 0.25  # denser on the query side so a trim that shifts the sampling phase still lands near a sample
HASH_WIDTH = 512
CENTRE = 0.8  # the centre-crop variant covers the middle 80 % of the frame
KIND_FULL, KIND_FLIP, KIND_CENTRE, KIND_CENTRE_FLIP, KIND_TOP = 0, 1, 2, 3, 4
TOP = 0.75  # the top-region variant ignores the bottom quarter, where captions and repost banners go
MAX_DISTANCE = 40  # a frame pair farther apart than this never votes (unrelated sim clips came within 46)
IMAGE_DISTANCE = 32  # a single image must be this close (no temporal evidence to lean on)
MIN_SUPPORT = 0.3  # share of the query's samples that must agree on one time offset
IVF_THRESHOLD = 2_000_000  # hashes; past this the index is rebuilt as IVF (brute force gets too slow)
IVF_NLIST = 4096
IVF_NPROBE = 32


@dataclass(frozen=True)
class FrameHash:
    """One PDQ hash of a sampled frame."""

    t: float
    kind: int
    hash: bytes  # 32 bytes
    quality: int


def _prep(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    if w > HASH_WIDTH:
        rgb = cv2.resize(rgb, (HASH_WIDTH, max(1, round(h * HASH_WIDTH / w))), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(rgb)


def _pack(bits: np.ndarray) -> bytes:
    return np.packbits(bits.astype(np.uint8)).tobytes()


def _centre(rgb: np.ndarray, frac: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    ch, cw = max(1, round(h * frac)), max(1, round(w * frac))
    y, x = (h - ch) // 2, (w - cw) // 2
    return np.ascontiguousarray(rgb[y:y + ch, x:x + cw])


def _top(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[: max(1, round(rgb.shape[0] * TOP))])


def index_hashes(rgb: np.ndarray, t: float) -> list[FrameHash]:
    """Hashes stored for one sampled frame: full, flipped, centre crop, flipped centre crop, top region."""
    img = _prep(rgb)
    flip = np.ascontiguousarray(img[:, ::-1])
    # hash the mirrored pixels directly: pdqhash's dihedral variants did not match a mirrored frame's hash here
    out = []
    for kind, im in ((KIND_FULL, img), (KIND_FLIP, flip), (KIND_CENTRE, _centre(img, CENTRE)),
                     (KIND_CENTRE_FLIP, _centre(flip, CENTRE)), (KIND_TOP, _top(img))):
        h, q = pdqhash.compute(im)
        out.append(FrameHash(t, kind, _pack(h), int(q)))
    return out


def query_hashes(rgb: np.ndarray, t: float) -> list[FrameHash]:
    """Hashes of a query frame under hypotheses: as is, a 10 % crop of the original, a covered bottom."""
    img = _prep(rgb)
    full, q = pdqhash.compute(img)
    out = [FrameHash(t, KIND_FULL, _pack(full), int(q))]
    # If the query is the middle 90 % of the original, its middle (0.8/0.9) is the original's middle 80 %.
    c, qc = pdqhash.compute(_centre(img, CENTRE / 0.9))
    out.append(FrameHash(t, KIND_CENTRE, _pack(c), int(qc)))
    top, qt = pdqhash.compute(_top(img))  # as if a caption/banner covered the bottom
    out.append(FrameHash(t, KIND_TOP, _pack(top), int(qt)))
    return out


def sample_video(path: Path | str, every: float) -> list[tuple[float, np.ndarray]]:
    """Decode frames at `every`-second steps (by timestamp, so re-encodes with other GOPs align)."""
    out: list[tuple[float, np.ndarray]] = []
    next_t = 0.0
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        stream.thread_type = "AUTO"
        t0: float | None = None
        for frame in c.decode(stream):
            if frame.time is None:
                continue
            if t0 is None:
                t0 = float(frame.time)
            t = float(frame.time) - t0
            if t + 1e-6 >= next_t:
                out.append((t, frame.to_ndarray(format="rgb24")))
                next_t += every
                while next_t <= t:
                    next_t += every
    return out


def fingerprint_video(path: Path | str) -> list[FrameHash]:
    """All index hashes of a video file."""
    hashes: list[FrameHash] = []
    for t, rgb in sample_video(path, SAMPLE_EVERY):
        hashes.extend(index_hashes(rgb, t))
    return hashes


@dataclass
class Candidate:
    """A video the fingerprint vote points at."""

    video_id: str
    support: float  # share of query samples consistent with the best time offset
    distance: int  # best Hamming distance among the supporting pairs
    offset: float  # source time − query time (seconds)
    samples: int

    @property
    def confidence(self) -> float:
        """0..1: agreement and closeness combined."""
        closeness = max(0.0, 1.0 - self.distance / 128.0)
        return float(round(min(1.0, 0.5 * self.support + 0.5 * closeness), 3))


def build_ivf(codes: np.ndarray, nlist: int = IVF_NLIST, nprobe: int = IVF_NPROBE) -> faiss.IndexBinaryIVF:
    """An inverted-file binary index over (n, 32) uint8 codes, trained on a sample of them."""
    quantizer = faiss.IndexBinaryFlat(256)
    ivf = faiss.IndexBinaryIVF(quantizer, 256, nlist)
    rng = np.random.default_rng(0)
    train = codes[rng.choice(len(codes), size=min(len(codes), nlist * 40), replace=False)]
    ivf.train(train)
    ivf.add(codes)
    ivf.nprobe = nprobe
    ivf._quantizer = quantizer  # the index does not own it: keep the Python object alive as long as the index
    return ivf


class FingerprintIndex:
    """An in-memory FAISS binary index over (video, time, kind) hashes; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: faiss.IndexBinary = faiss.IndexBinaryFlat(256)
        self._codes = np.zeros((0, 32), np.uint8)  # kept only once the index is IVF (flat keeps its own)
        self._video: list[int] = []
        self._t: list[float] = []
        self._ids: list[str] = []
        self._id_pos: dict[str, int] = {}
        self.last_row = 0  # highest database row id loaded (for incremental refresh)

    def __len__(self) -> int:
        return self._index.ntotal

    def codes(self) -> np.ndarray:
        """All indexed hashes as (n, 32) uint8, in insertion order."""
        with self._lock:
            if isinstance(self._index, faiss.IndexBinaryFlat):
                return faiss.rev_swig_ptr(self._index.xb.data(), self._index.ntotal * 32).reshape(-1, 32).copy()
            return self._codes.copy()

    def add(self, video_id: str, hashes: Iterable[tuple[float, bytes]]) -> None:
        """Add a video's hashes (time, 32-byte hash)."""
        items = list(hashes)
        if not items:
            return
        with self._lock:
            pos = self._id_pos.get(video_id)
            if pos is None:
                pos = self._id_pos[video_id] = len(self._ids)
                self._ids.append(video_id)
            arr = np.frombuffer(b"".join(h for _, h in items), np.uint8).reshape(-1, 32)
            self._index.add(arr)
            self._video.extend([pos] * len(items))
            self._t.extend(t for t, _ in items)
            if isinstance(self._index, faiss.IndexBinaryIVF):
                self._codes = np.concatenate([self._codes, arr])
            elif self._index.ntotal > IVF_THRESHOLD:
                all_codes = faiss.rev_swig_ptr(self._index.xb.data(), self._index.ntotal * 32).reshape(-1, 32).copy()
                self._index, self._codes = build_ivf(all_codes), all_codes

    def search(self, queries: list[FrameHash], k: int = 16) -> list[tuple[FrameHash, str, float, int]]:
        """Nearest indexed hashes within MAX_DISTANCE: (query, video_id, source time, distance)."""
        if not queries or len(self) == 0:
            return []
        arr = np.frombuffer(b"".join(q.hash for q in queries), np.uint8).reshape(-1, 32)
        with self._lock:
            dist, idx = self._index.search(arr, min(k, len(self)))
            video, times, ids = self._video, self._t, self._ids
            out: list[tuple[FrameHash, str, float, int]] = []
            for qi, q in enumerate(queries):
                for d, i in zip(dist[qi], idx[qi], strict=True):
                    if i >= 0 and d <= MAX_DISTANCE:
                        out.append((q, ids[video[i]], times[i], int(d)))
        return out


def vote(pairs: list[tuple[FrameHash, str, float, int]], n_samples: int, single_image: bool = False,
         min_support: float = MIN_SUPPORT) -> list[Candidate]:
    """Temporal-consistency vote: a video wins query samples whose time offsets agree."""
    by_video: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for q, vid, t, d in pairs:
        by_video[vid].append((q.t, t - q.t, d))
    out: list[Candidate] = []
    for vid, rows in by_video.items():
        if single_image:
            best = min(d for _, _, d in rows)
            if best <= IMAGE_DISTANCE:
                out.append(Candidate(vid, 1.0, best, 0.0, 1))
            continue
        best_support, best_off, best_d = 0, 0.0, 999
        for _, off, _ in rows:
            agree = {qt: d for qt, o, d in rows if abs(o - off) <= SAMPLE_EVERY * 0.75}
            # a query sample counts once, with its closest agreeing pair
            samples: dict[float, int] = {}
            for qt, o, d in rows:
                if abs(o - off) <= SAMPLE_EVERY * 0.75:
                    samples[qt] = min(d, samples.get(qt, 999))
            if len(samples) > best_support or (len(samples) == best_support and min(agree.values()) < best_d):
                best_support, best_off, best_d = len(samples), off, min(samples.values())
        support = best_support / max(1, n_samples)
        if best_support >= 2 and support >= min_support:
            out.append(Candidate(vid, round(support, 3), best_d, round(best_off, 3), best_support))
    return sorted(out, key=lambda c: (-c.support, c.distance))
