"""`reelcast generate` signs its output; `reelcast verify` and `reelcast trace` read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXE = [sys.executable, "-m", "reelcast.cli"]


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REELCAST_DATA_DIR": str(tmp_path / "var"), "REELCAST_EXTRA_SIZES": "160x90",
           "REELCAST_EXTRA_SECONDS": "1"}
    return subprocess.run(EXE + args, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)


def test_generated_file_verifies_and_traces_by_its_manifest(tmp_path: Path) -> None:
    r = _run(["generate", "a red ball bounces", "-o", "clip.mp4", "--seconds", "1", "--size", "160x90",
              "--seed", "3"], tmp_path)
    assert r.returncode == 0, r.stderr
    v = _run(["verify", "clip.mp4"], tmp_path)
    assert v.returncode == 0, v.stdout + v.stderr
    report = json.loads(v.stdout)
    assert report["state"] == "Trusted" and report["video_id"].startswith("video_")
    t = _run(["trace", "clip.mp4"], tmp_path)
    assert t.returncode == 0, t.stderr
    body = json.loads(t.stdout)
    assert body["c2pa"]["video_id"] == report["video_id"]
    assert body["matches"] == []  # a local render is not in the server's database


def test_verify_of_an_unsigned_file_exits_1(tmp_path: Path) -> None:
    (tmp_path / "x.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    v = _run(["verify", "x.mp4"], tmp_path)
    assert v.returncode == 1 and json.loads(v.stdout)["present"] is False
