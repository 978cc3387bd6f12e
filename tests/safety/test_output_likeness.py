"""Output check, likeness: a finished video that shows a verified person without their grant is not kept."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PIL import Image
from sqlalchemy import select

from reelcast.cameo.identity import embeddings_in_frame
from reelcast.safety.models import SafetyAudit
from reelcast.store.cameo_models import CameoVerification
from tests.api.social_helpers import Account, person_cameo, render_all, signup
from tests.cameo.clips import face_still
from tests.conftest import Server, server_settings, start_server


@dataclass
class Scene:
    """Alice is a verified person (her face: the astronaut still); bob and carol are other users."""

    srv: Server
    alice: Account
    bob: Account
    carol: Account
    cameo_id: str


def _png(rgb) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    srv = start_server(server_settings(tmp_path_factory.mktemp("likeness"), worker="none", extra_sizes="480x270"))
    alice, bob, carol = signup(srv, "alice"), signup(srv, "bob"), signup(srv, "carol")
    cameo_id = person_cameo(srv, alice, access="approved")
    (face,) = embeddings_in_frame(face_still("astronaut"))
    with srv.rt.db.session() as s:  # what a passed verification stores (the full flow is tested in tests/cameo)
        s.add(CameoVerification(cameo_id=cameo_id, status="active", started_at=int(time.time()),
                                face_embedding=[float(x) for x in face]))
    assert alice.post(f"/cameos/{cameo_id}/approvals", {"handle": "carol"}).status_code == 200
    yield Scene(srv, alice, bob, carol, cameo_id)
    srv.stop()
    srv.rt.close()


def _render_with_face(scene: Scene, acct: Account, prompt: str, face: str = "astronaut") -> dict:
    r = acct.http.post("/videos", data={"prompt": prompt, "size": "480x270", "seconds": "1"},
                       files={"input_reference": ("face.png", _png(face_still(face)), "image/png")})
    assert r.status_code == 200, r.text
    render_all(scene.srv)
    return acct.get(f"/videos/{r.json()['id']}").json()


def test_someone_elses_verified_face_fails_the_video(scene: Scene) -> None:
    video = _render_with_face(scene, scene.bob, "a person smiles at the camera")
    assert video["status"] == "failed"
    assert video["error"]["code"] == "output_moderation"
    assert "likeness" in video["error"]["message"] and "alice" not in video["error"]["message"]


def test_failed_likeness_is_audited_with_the_cameo_for_operators(scene: Scene) -> None:
    video = _render_with_face(scene, scene.bob, "a person waves at the camera")
    with scene.srv.rt.db.session() as s:
        row = s.scalars(select(SafetyAudit).where(SafetyAudit.target_id == video["id"],
                                                  SafetyAudit.action == "output_check")).one()
        assert (row.outcome, row.category, row.detail["cameo_id"]) == ("failed", "real_person", scene.cameo_id)


def test_your_own_face_is_fine(scene: Scene) -> None:
    assert _render_with_face(scene, scene.alice, "a person smiles at the camera")["status"] == "completed"


def test_a_granted_cameo_may_show_her_face(scene: Scene) -> None:
    assert _render_with_face(scene, scene.carol, "@alice smiles at the camera")["status"] == "completed"


def test_an_unverified_face_is_fine(scene: Scene) -> None:
    assert _render_with_face(scene, scene.bob, "a person smiles at the camera", face="hopper")["status"] == "completed"
