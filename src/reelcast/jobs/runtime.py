"""Shared process state: settings, database, blob store."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from reelcast.config import Settings
from reelcast.store.blobs import BlobStore
from reelcast.store.db import Database


@dataclass
class Runtime:
    """Everything a request handler or worker needs to reach storage."""

    settings: Settings
    db: Database
    blobs: BlobStore
    wakeup: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Runtime:
        """Create the data directory, connect, and migrate."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url)
        if migrate:
            db.migrate()
        return cls(settings=settings, db=db, blobs=BlobStore(settings.blob_dir))

    def close(self) -> None:
        """Release database connections."""
        self.db.dispose()
