"""Content-addressed blob storage: the local file system (atomic writes), or S3-compatible object storage.

Both stores hand out local paths (`path(key)`), because the media stack (PyAV, FileResponse, C2PA) works on files:
the S3 store keeps a local cache under the data dir, uploads every new blob before it counts as stored, and fetches
a missing blob from the bucket on first use — so any number of API servers and workers on different machines share
one bucket.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reelcast.config import Settings


class BlobStore:
    """Stores bytes under their SHA-256; writes go to a temp file and are renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(exist_ok=True)

    def path(self, key: str) -> Path:
        """Where the blob with this key lives."""
        return self._local(key)

    def _local(self, key: str) -> Path:
        digest = key.split(".", 1)[0]
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a blob key: {key!r}")
        return self.root / digest[:2] / key

    def exists(self, key: str) -> bool:
        """Whether the blob is stored."""
        return self._local(key).exists()

    def check(self) -> None:
        """Raise unless the store can be written (readiness)."""
        self.temp_path().unlink()

    def temp_path(self, suffix: str = "") -> Path:
        """A fresh temp file path inside the store (same file system, so renames are atomic)."""
        fd, name = tempfile.mkstemp(dir=self.root / "tmp", suffix=suffix)
        os.close(fd)
        return Path(name)

    def put_bytes(self, data: bytes, ext: str) -> str:
        """Store bytes and return their key (`<sha256>.<ext>`)."""
        tmp = self.temp_path()
        tmp.write_bytes(data)
        return self.put_file(tmp, ext)

    def put_file(self, src: Path, ext: str) -> str:
        """Move a finished file into the store and return its key; the source is consumed."""
        key = f"{file_digest(src)}.{ext}"
        self._adopt(src, key)
        return key

    def _adopt(self, src: Path, key: str) -> None:
        """Move a file into its local place (or drop it when the blob is already there)."""
        dest = self._local(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            Path(src).unlink(missing_ok=True)
        else:
            with open(src, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(src, dest)

    def read_bytes(self, key: str) -> bytes:
        """Return the blob's bytes."""
        return self.path(key).read_bytes()

    def copy_to(self, key: str, dest: Path) -> None:
        """Copy the blob to a path outside the store."""
        shutil.copyfile(self.path(key), dest)

    def delete(self, key: str) -> None:
        """Remove the blob if present."""
        self._local(key).unlink(missing_ok=True)

    def sweep_temp(self, max_age: float) -> int:
        """Remove temp files untouched for max_age seconds (left by a crashed writer); returns how many."""
        cutoff = time.time() - max_age
        removed = 0
        for p in (self.root / "tmp").iterdir():
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def stored_keys(self) -> list[str]:
        """Every stored blob key (not temp files)."""
        return sorted(p.name for p in self.root.glob("??/*") if p.is_file())


def file_digest(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class S3BlobStore(BlobStore):
    """Blobs in an S3-compatible bucket (`s3://bucket/prefix`), with a local read-through cache.

    A blob counts as stored once the bucket has it; the cache is disposable (delete it any time).
    """

    def __init__(self, url: str, cache: Path, *, endpoint_url: str | None = None, region: str | None = None) -> None:
        super().__init__(cache)
        import s3fs  # optional at import time: only S3 deployments load it

        if not url.startswith("s3://") or len(url) <= len("s3://"):
            raise ValueError(f"REELCAST_BLOB_URL must look like s3://bucket[/prefix], not {url!r}")
        self.prefix = url[len("s3://"):].strip("/")
        client_kwargs: dict[str, str] = {}
        if endpoint_url:
            client_kwargs["endpoint_url"] = endpoint_url
        if region:
            client_kwargs["region_name"] = region
        self.fs = s3fs.S3FileSystem(client_kwargs=client_kwargs, use_listings_cache=False)

    def _remote(self, key: str) -> str:
        digest = self._local(key).parent.name
        return f"{self.prefix}/{digest}/{key}"

    def path(self, key: str) -> Path:
        """A local copy of the blob, fetched from the bucket on first use (a missing blob gives a missing path)."""
        local = self._local(key)
        if not local.exists():
            tmp = self.temp_path()
            try:
                self.fs.get_file(self._remote(key), str(tmp))
            except FileNotFoundError:
                tmp.unlink(missing_ok=True)
                return local
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            local.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, local)
        return local

    def exists(self, key: str) -> bool:
        """Whether the bucket holds the blob."""
        return bool(self.fs.exists(self._remote(key)))

    def check(self) -> None:
        """Raise unless the bucket answers and the local cache is writable."""
        super().check()
        self.fs.ls(self.prefix.split("/", 1)[0], refresh=True)

    def put_file(self, src: Path, ext: str) -> str:
        """Upload a finished file (unless the bucket has it already), keep it in the cache, return its key."""
        key = f"{file_digest(src)}.{ext}"
        remote = self._remote(key)
        if not self.fs.exists(remote):
            self.fs.put_file(str(src), remote)
        self._adopt(src, key)
        return key

    def delete(self, key: str) -> None:
        """Remove the blob from the bucket and the cache."""
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._remote(key))
        super().delete(key)

    def stored_keys(self) -> list[str]:
        """Every blob key in the bucket."""
        return sorted(p.rsplit("/", 1)[-1] for p in self.fs.find(self.prefix))


def open_blob_store(settings: Settings) -> BlobStore:
    """The blob store the settings ask for: local files under the data dir, or S3 when REELCAST_BLOB_URL is set."""
    if settings.blob_url:
        return S3BlobStore(settings.blob_url, settings.data_dir / "blob-cache", endpoint_url=settings.s3_endpoint_url,
                           region=settings.s3_region)
    return BlobStore(settings.blob_dir)
