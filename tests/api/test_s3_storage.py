"""Two API servers on one PostgreSQL database and one S3 bucket, separate disks: either serves what the other made."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelcast.store.backup import backup
from tests.api.helpers import client, tiny
from tests.conftest import Server, drop_pg_database, fresh_pg_database, server_settings, start_server
from tests.store.s3_fake import FakeS3, fake_s3


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[tuple[Server, Server, FakeS3, str]]:
    url = fresh_pg_database()
    with fake_s3() as s3:
        bucket = f"reelcast-{uuid.uuid4().hex[:12]}"
        s3.make_bucket(bucket)
        common = {"blob_url": f"s3://{bucket}/blobs", "s3_endpoint_url": s3.endpoint}
        maker = start_server(server_settings(tmp_path_factory.mktemp("s3-a"), url, **common))
        other = start_server(server_settings(tmp_path_factory.mktemp("s3-b"), url, worker="none", **common))
        yield maker, other, s3, bucket
        other.stop()
        maker.stop()
        other.rt.close()
        maker.rt.close()
    drop_pg_database(url)


def test_video_rendered_behind_one_server_downloads_from_another(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    maker, other, s3, bucket = pair
    video = tiny(client(maker))
    assert video.status == "completed", video.error
    data = client(other).videos.download_content(video.id).read()
    assert data[4:8] == b"ftyp" and len(data) > 1000
    assert data == client(maker).videos.download_content(video.id).read()
    thumb = client(other).videos.download_content(video.id, variant="thumbnail").read()
    assert thumb[:4] == b"RIFF"
    assert len(s3.object_keys(bucket)) >= 3  # video, thumbnail, spritesheet live in the bucket


def test_readiness_checks_the_bucket(pair) -> None:  # type: ignore[no-untyped-def]
    import requests

    _, other, _, _ = pair
    r = requests.get(f"{other.url}/readyz", timeout=30)
    assert r.status_code == 200 and r.json()["checks"]["storage"] == "ok"


def test_backup_includes_the_bucket_blobs(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, other, s3, bucket = pair
    info = backup(other.rt.settings, tmp_path / "b.tar.gz")
    assert info.blobs == len(s3.object_keys(bucket)) > 0
