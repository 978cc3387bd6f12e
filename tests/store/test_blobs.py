"""Content-addressed blob storage."""

from __future__ import annotations

import pytest

from reelcast.store.blobs import BlobStore


def test_put_bytes_is_content_addressed(tmp_path):
    store = BlobStore(tmp_path)
    a = store.put_bytes(b"hello", "bin")
    b = store.put_bytes(b"hello", "bin")
    assert a == b and store.read_bytes(a) == b"hello"


def test_put_file_consumes_temp_and_leaves_no_partial_files(tmp_path):
    store = BlobStore(tmp_path)
    tmp = store.temp_path(".mp4")
    tmp.write_bytes(b"data")
    key = store.put_file(tmp, "mp4")
    assert not tmp.exists() and store.exists(key)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_keys_cannot_escape_the_store(tmp_path):
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path("../../etc/passwd")
