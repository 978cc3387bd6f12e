"""Tiny random-weight Wan and LTX-Video pipelines saved once per test session (built in code, no downloads)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A REELCAST_DIFFUSERS_MODELS directory holding tiny wan-t2v, wan-i2v and ltx-video weights."""
    from reelcast.engines.diffusers.tiny import save_tiny_models

    return save_tiny_models(tmp_path_factory.mktemp("diffusers-models"), ("wan-t2v", "wan-i2v", "ltx-video"))
