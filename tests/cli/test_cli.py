"""The `reelcast` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from reelcast.media.probe import probe

EXE = [sys.executable, "-m", "reelcast.cli"]


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "REELCAST_DATA_DIR": str(tmp_path / "var"), **env}
    return subprocess.run(EXE + args, capture_output=True, text=True, env=e, timeout=300, cwd=tmp_path)


def test_plan_json_prints_the_scene_plan(tmp_path):
    r = _run(["plan", "a basketball player shoots and misses", "--json"], tmp_path)
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    assert {e["archetype"] for e in plan["entities"]} >= {"person", "basketball"}


def test_plan_human_output_lists_unresolved(tmp_path):
    r = _run(["plan", "a basketball player shoots"], tmp_path)
    assert r.returncode == 0 and "not understood" in r.stdout


def test_apikey_create_prints_only_the_key(tmp_path):
    r = _run(["apikey", "create", "--user", "admin"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("rc-") and len(r.stdout.strip().splitlines()) == 1


def test_generate_writes_an_mp4(tmp_path):
    r = _run(["generate", "a red ball bounces", "-o", "clip.mp4", "--seconds", "1", "--size", "160x90",
              "--seed", "7"], tmp_path, REELCAST_EXTRA_SIZES="160x90", REELCAST_EXTRA_SECONDS="1")
    assert r.returncode == 0, r.stderr
    info = probe(tmp_path / "clip.mp4")
    assert (info.width, info.height, info.n_frames) == (160, 90, 24)


def test_generate_with_invalid_size_fails_with_message(tmp_path):
    r = _run(["generate", "x", "--size", "3x3"], tmp_path)
    assert r.returncode == 2 and "Invalid size" in r.stderr
    assert not (tmp_path / "clip.mp4").exists()
