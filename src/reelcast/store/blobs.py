"""Content-addressed blob storage on the local file system (atomic writes)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path


class BlobStore:
    """Stores bytes under their SHA-256; writes go to a temp file and are renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(exist_ok=True)

    def path(self, key: str) -> Path:
        """Where the blob with this key lives."""
        digest = key.split(".", 1)[0]
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a blob key: {key!r}")
        return self.root / digest[:2] / key

    def exists(self, key: str) -> bool:
        """Whether the blob is stored."""
        return self.path(key).exists()

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
        h = hashlib.sha256()
        with open(src, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        key = f"{h.hexdigest()}.{ext}"
        dest = self.path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            Path(src).unlink(missing_ok=True)
        else:
            with open(src, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(src, dest)
        return key

    def read_bytes(self, key: str) -> bytes:
        """Return the blob's bytes."""
        return self.path(key).read_bytes()

    def copy_to(self, key: str, dest: Path) -> None:
        """Copy the blob to a path outside the store."""
        shutil.copyfile(self.path(key), dest)

    def delete(self, key: str) -> None:
        """Remove the blob if present."""
        self.path(key).unlink(missing_ok=True)

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
