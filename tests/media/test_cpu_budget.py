"""`REELCAST_WORKER_CPU_THREADS`: a worker process limits its native thread pools (checked in a child process)."""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, os, torch
from reelcast.media import cpu_budget
before = cpu_budget.encoder_threads()
cpu_budget.apply_thread_budget({n})
print(json.dumps({{"before": before, "encoder": cpu_budget.encoder_threads(), "torch": torch.get_num_threads(),
                  "env": {{k: os.environ.get(k) for k in ("LP_NUM_THREADS", "OMP_NUM_THREADS")}}}}))
"""


def _child(n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(n=n)], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_budget_of_one_limits_rasterizer_encoder_and_torch() -> None:
    got = _child(1)
    assert got["before"] == 0
    assert got["encoder"] == 1 and got["torch"] == 1
    assert got["env"] == {"LP_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def test_budget_of_zero_leaves_the_libraries_alone() -> None:
    got = _child(0)
    assert got["encoder"] == 0 and got["env"] == {"LP_NUM_THREADS": None, "OMP_NUM_THREADS": None}


def _x264_threads(tmp_path, budget: int) -> bytes:  # type: ignore[no-untyped-def]
    """Encode a few frames under a budget; x264 writes its settings (`threads=N`) into the stream's SEI."""
    out = tmp_path / f"b{budget}.mp4"
    code = f"""
import numpy as np
from reelcast.media import cpu_budget, encode
cpu_budget.apply_thread_budget({budget})
frames = [np.full((360, 640, 3), i * 20, np.uint8) for i in range(6)]
encode.encode_mp4(iter(frames), None, {str(out)!r}, width=640, height=360, fps=6, n_frames=6)
"""
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": "/usr/bin:/bin"})
    data = out.read_bytes()
    start = data.index(b" threads=") + 1
    return data[start:data.index(b" ", start)]


def test_encoder_runs_single_threaded_under_a_budget_of_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _x264_threads(tmp_path, 1) == b"threads=1"


def test_encoder_picks_its_own_threads_without_a_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _x264_threads(tmp_path, 0) != b"threads=1"


NICE_CHILD = """
import json, os, threading
from reelcast.media import cpu_budget
got = cpu_budget.lower_priority({nice})
seen = {{}}
def probe():
    seen["thread"] = os.getpriority(os.PRIO_PROCESS, 0)
t = threading.Thread(target=probe); t.start(); t.join()
print(json.dumps({{"returned": got, "main": os.getpriority(os.PRIO_PROCESS, 0), "thread": seen["thread"]}}))
"""


def _nice_child(nice: int, start: int = 0) -> dict:
    code = f"import os; os.nice({start})\n" + NICE_CHILD.format(nice=nice)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_worker_priority_is_lowered_for_threads_started_afterwards() -> None:
    assert _nice_child(10) == {"returned": 10, "main": 10, "thread": 10}


def test_worker_priority_is_never_raised() -> None:
    assert _nice_child(5, start=12)["main"] == 12


def test_each_of_two_screens_rasterizes_with_half_the_cores_counting_its_renderer_thread() -> None:
    from reelcast.media.cpu_budget import rasterizer_threads

    assert rasterizer_threads(2) == 0  # two renderer threads are the two cores
    assert rasterizer_threads(4) == 1
    assert rasterizer_threads(16) == 7


def test_one_core_keeps_one_rasterizer_thread() -> None:
    from reelcast.media.cpu_budget import rasterizer_threads

    assert rasterizer_threads(1) == 1
    assert rasterizer_threads(0) == 1
