"""The diffusers engine through the whole job path: jobs.pipeline.render and the OpenAI SDK against a server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from reelcast.config import Settings
from reelcast.engines import engine_options_for
from reelcast.jobs.pipeline import RenderRequest, render
from reelcast.media.probe import probe
from reelcast.store.blobs import BlobStore
from tests.api.helpers import TINY, client
from tests.conftest import Server, server_settings, start_server

PROMPT = "a golden retriever jumps over a log in a forest, 50mm, golden hour"


@pytest.mark.parametrize("model", ["wan-t2v", "ltx-video"])
def test_render_gives_a_valid_mp4(tiny_models, tmp_path, model):  # type: ignore[no-untyped-def]
    opts = engine_options_for(Settings(diffusers_models=tiny_models), model, "diffusers")
    req = RenderRequest(prompt=PROMPT, seconds=1.0, width=160, height=90, seed=11, engine="diffusers",
                        engine_options=opts)
    out = render(req, BlobStore(tmp_path))
    info = probe(out.video_path)
    assert (info.width, info.height, info.n_frames, info.video_codec, info.audio_codec) == (160, 90, 24, "h264", "aac")
    assert any(n.startswith(f"diffusers/{model}:") for n in out.plan.notes)


@pytest.fixture(scope="module")
def gpu_server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose worker has the diffusers engine with wan-t2v weights only (ltx-video's are missing)."""
    data = tmp_path_factory.mktemp("srv-diffusers")
    models = data / "models"
    models.mkdir()
    (models / "wan-t2v").symlink_to(tiny_models / "wan-t2v")
    srv = start_server(server_settings(data, diffusers_models=models))
    yield srv
    srv.stop()
    srv.rt.close()


def test_sdk_create_and_poll_renders_with_wan(gpu_server):  # type: ignore[no-untyped-def]
    c = client(gpu_server)
    video = c.videos.create_and_poll(prompt=PROMPT, model="wan-t2v", poll_interval_ms=50, **TINY)  # type: ignore[arg-type]
    assert video.status == "completed", video.error
    path = Path(gpu_server.rt.settings.data_dir) / "out.mp4"
    path.write_bytes(c.videos.download_content(video.id).read())
    info = probe(path)
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (160, 90, "h264", "aac")
    assert abs(info.duration - 1.0) < 0.05


def test_job_fails_with_model_weights_missing(gpu_server):  # type: ignore[no-untyped-def]
    video = client(gpu_server).videos.create_and_poll(prompt=PROMPT, model="ltx-video", poll_interval_ms=50,
                                                      **TINY)  # type: ignore[arg-type]
    assert video.status == "failed" and video.error is not None
    assert video.error.code == "model_weights_missing" and "ltx-video" in video.error.message


def test_api_refuses_diffusers_models_when_the_engine_is_not_configured(tmp_path):  # type: ignore[no-untyped-def]
    srv = start_server(server_settings(tmp_path))
    try:
        with pytest.raises(openai.BadRequestError) as err:
            client(srv).videos.create(prompt=PROMPT, model="wan-t2v", **TINY)  # type: ignore[arg-type]
    finally:
        srv.stop()
        srv.rt.close()
    body = err.value.body
    assert isinstance(body, dict) and body["code"] == "model_not_available" and body["param"] == "model"
    assert "REELCAST_DIFFUSERS_MODELS" in body["message"]
