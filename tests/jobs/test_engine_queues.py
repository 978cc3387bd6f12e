"""Each engine has its own Celery queue; a worker consumes the queues of the engines it has."""

from __future__ import annotations

from reelcast.jobs.dispatch import engine_queue, worker_queues
from tests.conftest import server_settings


def test_sim_jobs_stay_on_the_base_queue():
    assert engine_queue("reelcast", "sim") == "reelcast"


def test_other_engines_get_their_own_queue():
    assert engine_queue("reelcast", "diffusers") == "reelcast.diffusers"


def test_worker_consumes_the_queues_of_its_engines(tmp_path):
    assert worker_queues(server_settings(tmp_path, worker_engines="sim, diffusers")) == ["reelcast",
                                                                                         "reelcast.diffusers"]


def test_worker_defaults_to_the_sim_queue(tmp_path):
    assert worker_queues(server_settings(tmp_path)) == ["reelcast"]
