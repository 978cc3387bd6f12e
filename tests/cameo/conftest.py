"""Fixture clips, generated once per test session (each costs a fraction of a second of CPU)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cameo.clips import ClipSpec, make_clip


@pytest.fixture(scope="session")
def clip() -> Callable[[ClipSpec], Path]:
    """Path of the clip for a spec, made on first use."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="cameo-clips-"))
    made: dict[ClipSpec, Path] = {}

    def get(spec: ClipSpec) -> Path:
        if spec not in made:
            made[spec] = make_clip(root / f"clip{len(made)}.mp4", spec)
        return made[spec]

    return get
