"""The S3 blob store against an S3-compatible server: shared between machines, content-addressed, no partial files."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelcast.store.blobs import S3BlobStore, open_blob_store
from tests.conftest import server_settings
from tests.store.s3_fake import FakeS3, fake_s3


@pytest.fixture(scope="module")
def s3() -> Iterator[FakeS3]:
    with fake_s3() as fake:
        yield fake


@pytest.fixture
def bucket(s3: FakeS3) -> str:
    name = f"reelcast-{uuid.uuid4().hex[:12]}"
    s3.make_bucket(name)
    return name


def _store(s3: FakeS3, bucket: str, cache: Path) -> S3BlobStore:
    return S3BlobStore(f"s3://{bucket}/media", cache, endpoint_url=s3.endpoint)


def test_put_uploads_under_the_prefix_by_content_address(s3: FakeS3, bucket: str, tmp_path: Path) -> None:
    key = _store(s3, bucket, tmp_path).put_bytes(b"frame bytes", "mp4")
    assert s3.object_keys(bucket) == [f"media/{key[:2]}/{key}"]


def test_a_second_machine_reads_what_the_first_stored(s3: FakeS3, bucket: str, tmp_path: Path) -> None:
    key = _store(s3, bucket, tmp_path / "api").put_bytes(b"rendered elsewhere", "mp4")
    other = _store(s3, bucket, tmp_path / "worker")
    assert other.exists(key)
    assert other.read_bytes(key) == b"rendered elsewhere"
    assert other.path(key).is_relative_to(tmp_path / "worker")


def test_storing_the_same_bytes_twice_keeps_one_object(s3: FakeS3, bucket: str, tmp_path: Path) -> None:
    a = _store(s3, bucket, tmp_path / "a").put_bytes(b"same", "img")
    b = _store(s3, bucket, tmp_path / "b").put_bytes(b"same", "img")
    assert a == b and len(s3.object_keys(bucket)) == 1


def test_missing_blob_is_reported_missing(s3: FakeS3, bucket: str, tmp_path: Path) -> None:
    store = _store(s3, bucket, tmp_path)
    key = "ab" * 32 + ".mp4"
    assert not store.exists(key)
    assert not store.path(key).exists()
    assert list((tmp_path / "tmp").iterdir()) == []  # the failed fetch left no partial file


def test_delete_removes_the_object_and_the_cached_copy(s3: FakeS3, bucket: str, tmp_path: Path) -> None:
    store = _store(s3, bucket, tmp_path)
    key = store.put_bytes(b"to delete", "mp4")
    store.delete(key)
    assert s3.object_keys(bucket) == [] and not store.exists(key) and not (tmp_path / key[:2] / key).exists()


def test_stored_keys_lists_the_bucket(s3: FakeS3, bucket: str, tmp_path: Path) -> None:
    store = _store(s3, bucket, tmp_path)
    keys = {store.put_bytes(b"one", "mp4"), store.put_bytes(b"two", "webp")}
    assert set(_store(s3, bucket, tmp_path / "fresh").stored_keys()) == keys


def test_readiness_check_fails_without_the_bucket(s3: FakeS3, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        _store(s3, f"missing-{uuid.uuid4().hex[:8]}", tmp_path).check()


def test_settings_select_the_s3_store(s3: FakeS3, bucket: str, tmp_path: Path) -> None:
    st = server_settings(tmp_path, blob_url=f"s3://{bucket}", s3_endpoint_url=s3.endpoint)
    store = open_blob_store(st)
    assert isinstance(store, S3BlobStore)
    key = store.put_bytes(b"x", "bin")
    assert s3.object_keys(bucket) == [f"{key[:2]}/{key}"]


def test_bad_blob_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="s3://bucket"):
        S3BlobStore("https://example.com/bucket", tmp_path)
