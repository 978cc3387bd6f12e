"""`reelcast password`: the operator sets a web sign-in password (the admin has none after first run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reelcast.config import Settings
from reelcast.jobs.runtime import Runtime
from reelcast.social import accounts as acc


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with a data dir under tmp_path."""
    env = {**os.environ, "REELCAST_DATA_DIR": str(tmp_path / "var")}
    return subprocess.run([sys.executable, "-m", "reelcast.cli", "password", *args], capture_output=True,
                          text=True, env=env, timeout=300, cwd=tmp_path)


def test_password_sets_the_admins_web_password(tmp_path: Path) -> None:
    """After `reelcast password`, the admin's password verifies."""
    r = run_cli(tmp_path, "--password", "operator passphrase")
    assert r.returncode == 0, r.stderr
    rt = Runtime.open(Settings(data_dir=tmp_path / "var"))
    try:
        with rt.db.session() as s:
            admin = acc.user_by_handle(s, "admin")
            assert admin is not None and admin.is_admin
            assert acc.verify_password(admin, "operator passphrase")
            assert not acc.verify_password(admin, "something else")
    finally:
        rt.close()


def test_password_refuses_a_short_password(tmp_path: Path) -> None:
    """Same rule as sign-up: at least 8 characters."""
    r = run_cli(tmp_path, "--password", "short")
    assert r.returncode == 2
    assert "8–256 characters" in r.stdout + r.stderr
