"""The moving visible watermark: on every share download of a post, and on every file showing someone else's cameo."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import requests

from reelcast.jobs.pipeline import render
from reelcast.jobs.worker import build_request
from reelcast.store.models import VideoJob
from tests.api.social_helpers import Account, person_cameo, render_all, signup
from tests.conftest import Server, server_settings, start_server
from tests.provenance.transforms import read_frames


@dataclasses.dataclass
class Scene:
    """Alice has a cameo anyone may use; bob puts her in a video; alice films herself; alice posts a plain clip."""

    srv: Server
    alice: Account
    bob: Account
    post_id: str
    bob_with_alice: str
    alice_with_alice: str


def _create(acct: Account, prompt: str) -> str:
    r = acct.post("/videos", {"prompt": prompt, "size": "320x180", "seconds": "1"})
    assert r.status_code == 200, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    srv = start_server(server_settings(tmp_path_factory.mktemp("visible"), worker="none",
                                       extra_sizes="160x90,320x180"))
    alice, bob = signup(srv, "alice"), signup(srv, "bob")
    person_cameo(srv, alice, access="everyone")
    plain = _create(alice, "a red ball bounces on the floor")
    bob_with_alice = _create(bob, "@alice waves in a park")
    alice_with_alice = _create(alice, "@alice waves in a park")
    render_all(srv)
    r = alice.post("/posts", {"video_id": plain, "caption": "bouncy"})
    assert r.status_code == 201, r.text
    yield Scene(srv, alice, bob, r.json()["id"], bob_with_alice, alice_with_alice)
    srv.stop()
    srv.rt.close()


def _badge_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels that differ strongly between two frames (the badge area)."""
    return float((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 40).mean())


def _save(resp: requests.Response | object, path: Path) -> Path:
    path.write_bytes(resp.content)  # type: ignore[attr-defined]
    return path


def test_post_download_carries_the_moving_mark(scene: Scene, tmp_path: Path) -> None:
    raw = _save(scene.bob.get(f"/posts/{scene.post_id}/content"), tmp_path / "raw.mp4")
    r = scene.bob.get(f"/posts/{scene.post_id}/download")
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    assert "reelcast.mp4" in r.headers["content-disposition"]
    shared = _save(r, tmp_path / "shared.mp4")
    (raw_frames, _), (shared_frames, _) = read_frames(raw), read_frames(shared)
    assert 0.002 < _badge_share(raw_frames[0], shared_frames[0]) < 0.25


def test_post_download_is_signed_and_trusted(scene: Scene, tmp_path: Path) -> None:
    shared = _save(scene.bob.get(f"/posts/{scene.post_id}/download"), tmp_path / "shared.mp4")
    with open(shared, "rb") as f:
        report = requests.post(f"{scene.srv.url}/v1/provenance/verify", files={"file": ("s.mp4", f)},
                               timeout=60).json()
    assert report["state"] == "Trusted" and report["failures"] == []


def test_post_download_of_an_unknown_post_is_a_404(scene: Scene) -> None:
    r = scene.bob.get("/posts/post_nope/download")
    assert r.status_code == 404 and r.json()["error"]["type"] == "invalid_request_error"


def _job(srv: Server, video_id: str) -> VideoJob:
    with srv.rt.db.session() as s:
        job = s.get(VideoJob, video_id)
        assert job is not None
        s.expunge(job)
        return job


def test_someone_elses_cameo_is_rendered_with_the_creators_mark(scene: Scene) -> None:
    req = build_request(scene.srv.rt, _job(scene.srv, scene.bob_with_alice))
    assert req.visible_handle == "bob"


def test_your_own_cameo_is_rendered_without_a_mark(scene: Scene) -> None:
    req = build_request(scene.srv.rt, _job(scene.srv, scene.alice_with_alice))
    assert req.visible_handle is None


def test_stored_file_with_someone_elses_cameo_shows_the_mark(scene: Scene, tmp_path: Path) -> None:
    stored = _save(scene.bob.get(f"/videos/{scene.bob_with_alice}/content"), tmp_path / "stored.mp4")
    req = dataclasses.replace(build_request(scene.srv.rt, _job(scene.srv, scene.bob_with_alice)),
                              visible_handle=None, watermark_id=None)
    unmarked = render(req, scene.srv.rt.blobs).video_path
    try:
        (stored_frames, _), (plain_frames, _) = read_frames(stored), read_frames(unmarked)
    finally:
        unmarked.unlink(missing_ok=True)
    assert 0.002 < _badge_share(stored_frames[0], plain_frames[0]) < 0.25


def test_export_of_an_already_marked_file_is_not_marked_twice(scene: Scene) -> None:
    stored = scene.bob.get(f"/videos/{scene.bob_with_alice}/content").content
    export = scene.bob.get(f"/videos/{scene.bob_with_alice}/export")
    assert export.status_code == 200 and export.content == stored
