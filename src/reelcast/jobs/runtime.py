"""Shared process state: settings, database, blob store."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from reelcast.config import Settings
from reelcast.store.blobs import BlobStore, open_blob_store
from reelcast.store.db import Database

if TYPE_CHECKING:
    from reelcast.jobs.dispatch import CeleryDispatcher

log = logging.getLogger("reelcast.runtime")

T = TypeVar("T")


@dataclass
class Runtime:
    """Everything a request handler or worker needs to reach storage."""

    settings: Settings
    db: Database
    blobs: BlobStore
    wakeup: threading.Event = field(default_factory=threading.Event)
    dispatcher: CeleryDispatcher | None = None  # set when REELCAST_WORKERS=celery
    extras: dict[str, Any] = field(default_factory=dict)
    _extras_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def shared(self, name: str, make: Callable[[], T]) -> T:
        """This runtime's one `name` object (a cache, an index, a counter), made by `make` on first use."""
        with self._extras_lock:
            if name not in self.extras:
                self.extras[name] = make()
            return self.extras[name]

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Runtime:
        """Create the data directory, connect, and migrate."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url)
        if migrate:
            db.migrate()
        dispatcher = None
        if settings.job_backend == "celery":
            from reelcast.jobs.dispatch import CeleryDispatcher

            dispatcher = CeleryDispatcher(settings)
        return cls(settings=settings, db=db, blobs=open_blob_store(settings), dispatcher=dispatcher)

    def dispatch(self, job_id: str, engine: str = "sim") -> None:
        """Hand a new job to the workers: a Celery message, or a wake-up of the in-process worker.

        A broker that is down is not an error here: the job is in the database and the sweeper publishes it.
        """
        if self.dispatcher is None:
            self.wakeup.set()
            return
        try:
            self.dispatcher.dispatch(job_id, engine=engine)
        except Exception as exc:
            log.warning("could not enqueue %s now (the sweeper will): %s", job_id, exc)

    def broker_queue_length(self) -> int | None:
        """Messages waiting in the Celery queue, or None without a broker."""
        return self.dispatcher.queue_length() if self.dispatcher is not None else None

    def close(self) -> None:
        """Release database and broker connections."""
        if self.dispatcher is not None:
            self.dispatcher.close()
        self.db.dispose()
