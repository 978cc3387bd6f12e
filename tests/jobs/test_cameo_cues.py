"""Cameo reference images reach the diffusers engine (image-to-video conditioning)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from reelcast.jobs.runtime import Runtime
from reelcast.jobs.worker import cameo_cues
from reelcast.social import cameos as cameo_service
from reelcast.store import accounts
from tests.conftest import server_settings


def _png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, format="PNG")
    return buf.getvalue()


def test_cue_carries_handle_preferences_and_the_reference_image(tmp_path):
    rt = Runtime.open(server_settings(tmp_path))
    try:
        key = rt.blobs.put_bytes(_png((10, 200, 30)), "img")
        with rt.db.session() as s:
            owner = accounts.get_or_create_user(s, "owner")
            cameo = cameo_service.create(s, owner, kind="character", handle="rocket", name="Rocket",
                                         reference_blobs=[key], preferences="always wearing a red cap")
            handle = "@" + cameo.handle
        (cue,) = cameo_cues(rt, {handle: "always wearing a red cap"})
        assert cue.handle == handle and cue.preferences == "always wearing a red cap"
        assert isinstance(cue.image, np.ndarray) and cue.image.shape == (30, 40, 3)
        assert tuple(cue.image[0, 0]) == (10, 200, 30)
    finally:
        rt.close()


def test_cue_without_a_readable_reference_has_no_image(tmp_path):
    rt = Runtime.open(server_settings(tmp_path))
    try:
        key = rt.blobs.put_bytes(b"not media", "bin")
        with rt.db.session() as s:
            owner = accounts.get_or_create_user(s, "owner")
            cameo_service.create(s, owner, kind="character", handle="blob", name="Blob", reference_blobs=[key])
        (cue,) = cameo_cues(rt, {"@blob": ""})
        assert cue.image is None
    finally:
        rt.close()
