"""Prometheus metrics: HTTP latency, job outcomes and render seconds (this process), jobs by status and queue
depth (read from the database and broker at scrape time)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from reelcast.jobs.runtime import Runtime

log = logging.getLogger("reelcast.metrics")

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_LATENCY = Histogram(
    "reelcast_http_request_duration_seconds", "HTTP request latency by method, route and status.",
    ["method", "route", "status"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS_FINISHED = Counter("reelcast_jobs_finished_total", "Jobs this process finished, by outcome.", ["status"],
                        registry=REGISTRY)
RENDER_SECONDS = Histogram("reelcast_render_seconds", "Wall seconds from claim to completion of a job.",
                           registry=REGISTRY, buckets=(1, 2, 5, 10, 20, 30, 60, 120, 300, 600))


class StoreCollector(Collector):
    """Jobs by status from the database and the Celery queue depth from the broker, read at scrape time."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the gauges."""
        from reelcast.store import videos as repo

        jobs = GaugeMetricFamily("reelcast_jobs", "Live jobs by status.", labels=["status"])
        try:
            with self.rt.db.session() as s:
                counts = repo.count_by_status(s)
        except Exception as exc:  # a scrape must not fail because the database is away
            log.warning("metrics: jobs by status unavailable: %s", exc)
            counts = {}
        for status in ("queued", "in_progress", "completed", "failed"):
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        depth = GaugeMetricFamily("reelcast_queue_depth", "Jobs waiting to start (queued in the database) and "
                                  "messages waiting in the broker queue.", labels=["source"])
        depth.add_metric(["database"], counts.get("queued", 0))
        broker = self.rt.broker_queue_length()
        if broker is not None:
            depth.add_metric(["broker"], broker)
        yield depth
