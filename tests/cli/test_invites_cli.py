"""`reelcast invites create`: operator-minted single-use sign-up codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reelcast.config import Settings
from reelcast.jobs.runtime import Runtime
from reelcast.social import accounts as acc


def test_invites_create_prints_codes_that_sign_up_works_with(tmp_path: Path) -> None:
    env = {**os.environ, "REELCAST_DATA_DIR": str(tmp_path / "var")}
    r = subprocess.run([sys.executable, "-m", "reelcast.cli", "invites", "create", "-n", "3"], capture_output=True,
                       text=True, env=env, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    codes = r.stdout.split()
    assert len(codes) == 3 and len(set(codes)) == 3
    rt = Runtime.open(Settings(data_dir=tmp_path / "var"))
    try:
        with rt.db.session() as s:
            user = acc.register(s, handle="from_cli", password="long password", birthdate="1990-01-01",
                                invite_code=codes[0], display_name=None, open_registration=False)
            assert user.invited_by_id is not None
    finally:
        rt.close()
