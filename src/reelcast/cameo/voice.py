"""A 256-D speaker embedding (Resemblyzer's GE2E encoder) from the weights its wheel ships; a soft signal only.

Only `resemblyzer/pretrained.pt` is used (installed with `pip install --no-deps resemblyzer`): the package's own
import needs librosa and webrtcvad, so the 40-band mel front end is reimplemented here in numpy (librosa's Slaney
filterbank, 25 ms Hann windows every 10 ms) and the 3-layer LSTM runs in torch. Without the weights the voice
embedding is simply absent. It is never a reason to reject a cameo (see `domain.cameo_verification.voice_flag`).
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s
_LOCK = threading.Lock()


def weights_path() -> Path | None:
    """Where the installed Resemblyzer wheel keeps `pretrained.pt`, or None."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]) / "pretrained.pt"
    return p if p.exists() else None


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep,
                    f / f_sp)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    min_log_mel = min_log_hz / f_sp
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


@functools.lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """The (40, 201) Slaney-normalised mel filterbank librosa uses by default."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(SAMPLE_RATE / 2)), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


def mel_frames(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram of 16 kHz audio, centred frames as librosa computes them."""
    x = np.pad(wav.astype(np.float32), N_FFT // 2)
    n = 1 + (len(x) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann
    spec = np.abs(np.fft.rfft(x[idx] * window, axis=1)) ** 2
    return (spec @ mel_filterbank().T).astype(np.float32)


def _normalise(wav: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    """Raise quiet audio to -30 dBFS (never lowers it) and drop long silences, as Resemblyzer prepares audio."""
    rms = float(np.sqrt(np.mean(wav**2))) if len(wav) else 0.0
    if rms > 0:
        gain = 10 ** ((target_dbfs - 20 * np.log10(rms)) / 20)
        wav = wav * max(gain, 1.0)
    frame = 480  # 30 ms
    n = len(wav) // frame
    if n == 0:
        return wav
    energy = np.mean(wav[: n * frame].reshape(n, frame) ** 2, axis=1)
    keep = energy > np.percentile(energy, 10) * 10 ** 0.9  # 9 dB above the floor
    keep = np.convolve(keep.astype(float), np.ones(7), mode="same") > 0  # keep short pauses
    return wav[: n * frame].reshape(n, frame)[keep].reshape(-1)


@functools.lru_cache(maxsize=1)
def _model() -> object:
    import torch
    from torch import nn

    path = weights_path()
    if path is None:
        raise FileNotFoundError("resemblyzer/pretrained.pt is not installed")

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(N_MELS, 256, 3, batch_first=True)
            self.linear = nn.Linear(256, 256)

        def forward(self, mels: torch.Tensor) -> torch.Tensor:
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.norm(raw, dim=1, keepdim=True).clamp_min(1e-9)

    enc = Encoder()
    state = torch.load(path, map_location="cpu", weights_only=True)["model_state"]
    enc.load_state_dict({k: v for k, v in state.items() if not k.startswith("similarity_")})
    enc.eval()
    return enc


def available() -> bool:
    """Whether the speaker encoder's weights are installed."""
    return weights_path() is not None


def embed(wav: np.ndarray, rate: float = 1.3) -> np.ndarray | None:
    """The L2-normalised 256-D speaker embedding of 16 kHz mono audio, or None without weights or speech."""
    if not available():
        return None
    import torch

    wav = _normalise(np.asarray(wav, dtype=np.float32))
    if len(wav) < SAMPLE_RATE // 2:
        return None
    mel = mel_frames(wav)
    step = max(1, int(round(SAMPLE_RATE / rate / HOP)))
    starts = list(range(0, max(1, len(mel) - PARTIAL_FRAMES + step + 1), step))
    need = starts[-1] + PARTIAL_FRAMES
    if need > len(mel):
        covered = (len(mel) - starts[-1]) / PARTIAL_FRAMES
        if covered < 0.75 and len(starts) > 1:
            starts = starts[:-1]
        mel = np.pad(mel, ((0, max(0, starts[-1] + PARTIAL_FRAMES - len(mel))), (0, 0)))
    batch = np.stack([mel[s: s + PARTIAL_FRAMES] for s in starts])
    with _LOCK, torch.no_grad():
        out = _model()(torch.from_numpy(batch)).numpy()  # type: ignore[operator]
    mean = out.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two voice embeddings."""
    return float(np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-9))
