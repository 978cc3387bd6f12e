"""The foundation's acceptance clip: 4 s 1280x720 basketball miss through the SDK, checked by decoding it."""

from __future__ import annotations

import pytest

from reelcast.engines.sim.audio.onsets import detect_onsets
from reelcast.media.probe import decode_audio, probe
from tests.api.helpers import client
from tests.conftest import server_settings, start_server

PROMPT = "a basketball player shoots and misses, the ball bounces off the backboard"


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    srv = start_server(server_settings(tmp_path_factory.mktemp("full")))
    try:
        c = client(srv)
        v = c.videos.create_and_poll(prompt=PROMPT, seconds="4", size="1280x720", extra_body={"seed": 7})
        assert v.status == "completed", v.error
        path = tmp_path_factory.mktemp("dl") / "shot.mp4"
        c.videos.download_content(v.id).write_to_file(path)
        plan = c.get(f"/videos/{v.id}/plan", cast_to=object)
        yield path, plan
    finally:
        srv.stop()
        srv.rt.close()


@pytest.mark.slow
def test_full_size_clip_is_4s_1280x720_h264_aac_faststart(clip):
    path, _ = clip
    info = probe(path)
    assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert (info.width, info.height, info.n_frames, info.sample_rate) == (1280, 720, 96, 48000)
    assert info.duration == pytest.approx(4.0, abs=0.05)
    data = path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")


@pytest.mark.slow
def test_missed_shot_touches_backboard_or_rim(clip):
    _, plan = clip
    bodies = {b for e in plan["events"] for b in (e["body_a"], e["body_b"])}
    assert any("backboard" in b or "rim" in b for b in bodies), bodies


@pytest.mark.slow
def test_every_contact_has_an_audio_onset_within_1ms(clip):
    path, plan = clip
    audio = decode_audio(path)
    onsets = detect_onsets(audio, 48000)
    times = sorted(e["t"] for e in plan["events"])
    isolated = [t for i, t in enumerate(times)
                if (i == 0 or t - times[i - 1] >= 0.08) and (i == len(times) - 1 or times[i + 1] - t >= 0.08)]
    assert isolated, "no isolated contacts to check"
    for t in isolated:
        nearest = min(onsets, key=lambda o: abs(o - t))
        assert abs(nearest - t) <= 0.001, f"contact at {t:.4f}s: nearest onset {nearest:.4f}s"
