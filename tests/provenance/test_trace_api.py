"""End to end: videos rendered by the server are signed, marked and fingerprinted; transformed copies trace back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import requests

from tests.api.helpers import client
from tests.conftest import drop_pg_database, fresh_pg_database, server_settings, start_server
from tests.provenance.transforms import read_frames, transform

PROMPTS = [
    "a red ball bounces on the floor",
    "a dog runs across a grassy park at sunset",
    "a basketball player shoots at the hoop and misses",
]
TRANSFORMS = ["reencode_crf32", "resize_50", "crop_10", "trim_1s", "hflip", "text_overlay", "screenshot",
              "strip_metadata"]


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory, pg_url: str):  # type: ignore[no-untyped-def]
    """A PostgreSQL-backed server with three rendered 480x270 clips, downloaded."""
    data = tmp_path_factory.mktemp("prov")
    url = fresh_pg_database()
    srv = start_server(server_settings(data, url, extra_sizes="160x90,320x180,480x270", extra_seconds="1,2,3"))
    c = client(srv, timeout=300)
    files: dict[str, Path] = {}
    for i, p in enumerate(PROMPTS):
        v = c.videos.create_and_poll(prompt=p, size="480x270", seconds="3", poll_interval_ms=100)  # type: ignore[arg-type]
        assert v.status == "completed", v.error
        path = data / f"clip{i}.mp4"
        path.write_bytes(c.videos.download_content(v.id).read())
        files[v.id] = path
    yield srv, files, data
    srv.stop()
    srv.rt.close()
    drop_pg_database(url)


def _post(srv, endpoint: str, path: Path) -> requests.Response:  # type: ignore[no-untyped-def]
    with open(path, "rb") as f:
        return requests.post(f"{srv.url}/v1/provenance/{endpoint}", files={"file": (path.name, f)}, timeout=120)


def test_downloaded_video_verifies_as_trusted_with_our_assertions(studio) -> None:  # type: ignore[no-untyped-def]
    srv, files, _ = studio
    vid, path = next(iter(files.items()))
    r = _post(srv, "verify", path)
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "Trusted" and body["failures"] == [] and body["video_id"] == vid
    actions = next(a for a in body["active_manifest"]["assertions"] if a["label"].startswith("c2pa.actions"))
    created = actions["data"]["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"].endswith("trainedAlgorithmicMedia")


def test_untouched_download_traces_by_c2pa(studio) -> None:  # type: ignore[no-untyped-def]
    srv, files, _ = studio
    vid, path = next(iter(files.items()))
    body = _post(srv, "trace", path).json()
    assert body["matches"][0]["video_id"] == vid
    assert body["matches"][0]["method"] == "c2pa"
    assert {m["video_id"] for m in body["matches"]} == {vid}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transformed_copy_traces_to_its_source_only(studio, name: str) -> None:  # type: ignore[no-untyped-def]
    srv, files, data = studio
    for vid, path in files.items():
        copy = transform(path, name, data)
        r = _post(srv, "trace", copy)
        assert r.status_code == 200, r.text
        body = r.json()
        found = {m["video_id"] for m in body["matches"]}
        assert found == {vid}, (name, vid, body["matches"])
        assert body["c2pa"] is None  # the transform stripped the manifest


def test_trace_without_file_is_a_400(studio) -> None:  # type: ignore[no-untyped-def]
    srv, _, _ = studio
    r = requests.post(f"{srv.url}/v1/provenance/trace", data={"x": "1"})
    assert r.status_code == 400
    assert r.json()["error"]["param"] == "file"


def test_trace_of_garbage_is_a_400(studio, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, _, _ = studio
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a video at all" * 100)
    r = _post(srv, "trace", junk)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "unreadable_file"


def test_visible_export_is_signed_watermarked_and_still_traces(studio) -> None:  # type: ignore[no-untyped-def]
    srv, files, data = studio
    vid, path = next(iter(files.items()))
    r = requests.get(f"{srv.url}/v1/videos/{vid}/export", params={"watermark": "visible"},
                     headers={"Authorization": f"Bearer {srv.key}"}, timeout=120)
    assert r.status_code == 200, r.text
    export = data / "export.mp4"
    export.write_bytes(r.content)
    frames, _ = read_frames(export)
    raw, _ = read_frames(path)
    diff = np.abs(frames[0].astype(int) - raw[0].astype(int)).max(axis=2) > 40
    assert 0.002 < diff.mean() < 0.2  # a badge-sized region differs, the rest is the same picture
    report = _post(srv, "verify", export).json()
    assert report["state"] == "Trusted" and report["manifest_count"] == 2
    stripped = transform(export, "strip_metadata", data)
    assert vid in {m["video_id"] for m in _post(srv, "trace", stripped).json()["matches"]}


def test_export_of_someone_elses_video_is_a_404(studio) -> None:  # type: ignore[no-untyped-def]
    srv, _, _ = studio
    r = requests.get(f"{srv.url}/v1/videos/video_nope/export", headers={"Authorization": f"Bearer {srv.key}"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "video_not_found"


def test_trust_anchor_is_published(studio) -> None:  # type: ignore[no-untyped-def]
    srv, _, _ = studio
    r = requests.get(f"{srv.url}/v1/provenance/trust-anchor.pem")
    assert r.status_code == 200 and r.text.startswith("-----BEGIN CERTIFICATE-----")
