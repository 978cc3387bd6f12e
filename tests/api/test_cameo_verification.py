"""Cameo verification over HTTP with the real models, on SQLite and PostgreSQL: challenge, selfie clip, outcome."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import update

from reelcast.cameo import identity
from reelcast.cameo import service as verification
from reelcast.store import accounts
from reelcast.store.cameo_models import CameoChallenge, CameoVerification
from reelcast.store.social_models import Cameo
from tests.api.social_helpers import Account, client_for, signup
from tests.cameo.clips import ClipSpec, make_clip

DIGITS = "31415"  # pinned after issue: espeak + pocketsphinx read these reliably (the server's digits are random)


def challenge(srv: Any, acct: Account, digits: str = DIGITS) -> dict[str, Any]:
    """A fresh challenge, its digits pinned in the database for a deterministic clip."""
    r = acct.post("/cameos/challenges")
    assert r.status_code == 201, r.text
    ch = r.json()
    with srv.rt.db.session() as s:
        s.execute(update(CameoChallenge).where(CameoChallenge.id == ch["id"]).values(digits=digits))
    return {**ch, "digits": digits}


def upload(acct: Account, challenge_id: str, video: bytes, **fields: str) -> httpx.Response:
    """POST /v1/cameos multipart with the selfie clip."""
    return acct.http.post("/cameos", data={"challenge_id": challenge_id, **fields},
                          files={"video": ("selfie.mp4", video, "video/mp4")})


def settled(acct: Account, cameo_id: str, deadline_s: float = 180.0) -> dict[str, Any]:
    """The cameo once its verification finished (bounded wait)."""
    end = time.monotonic() + deadline_s
    while True:
        c = acct.get(f"/cameos/{cameo_id}").json()
        if c["status"] != "verifying":
            return c
        assert time.monotonic() < end, f"verification of {cameo_id} did not finish"
        time.sleep(0.1)


def clip_for(tmp: Path, ch: dict[str, Any], **spec: Any) -> bytes:
    """A selfie clip doing what the challenge asks (unless the spec overrides it)."""
    s = ClipSpec(**{"turns": tuple(ch["turns"]), "digits": ch["digits"], **spec})
    return make_clip(tmp / f"{ch['id']}.mp4", s).read_bytes()


@pytest.fixture(scope="module")
def verified(server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A user whose person cameo passed verification (the astronaut's face), through the whole HTTP flow."""
    acct = signup(server, "astro")
    ch = challenge(server, acct)
    r = upload(acct, ch["id"], clip_for(tmp_path_factory.mktemp("clips"), ch), access="everyone")
    assert r.status_code == 201, r.text
    return {"acct": acct, "posted": r.json(), "cameo": settled(acct, r.json()["id"]), "challenge": ch}


def admin(srv: Any) -> httpx.Client:
    """A client with an operator's key."""
    with srv.rt.db.session() as s:
        key = accounts.create_api_key(s, accounts.get_or_create_user(s, srv.rt.settings.admin_handle, is_admin=True))
    return client_for(srv, key)


def test_a_challenge_has_five_digits_spoken_as_words_and_two_or_three_turns(server: Any) -> None:
    acct = signup(server, "chal_shape")
    ch = acct.post("/cameos/challenges").json()
    assert ch["object"] == "cameo.challenge" and ch["id"].startswith("chal_")
    assert len(ch["digits"]) == 5 and ch["digits"].isdigit() and len(ch["words"].split()) == 5
    assert 2 <= len(ch["turns"]) <= 3 and set(ch["turns"]) == {"left", "right"}
    assert 110 <= ch["expires_at"] - time.time() <= 121


def test_challenges_are_random(server: Any) -> None:
    acct = signup(server, "chal_random")
    digits = {acct.post("/cameos/challenges").json()["digits"] for _ in range(4)}
    assert len(digits) > 1


def test_challenges_are_rate_limited(server: Any) -> None:
    acct = signup(server, "chal_many")
    codes = [acct.post("/cameos/challenges").status_code for _ in range(verification.CHALLENGES_PER_HOUR + 1)]
    assert codes[-1] == 429 and set(codes[:-1]) == {201}


def test_the_upload_answers_verifying_and_the_clip_verifies_in_the_background(verified: dict[str, Any]) -> None:
    assert verified["posted"]["status"] == "verifying"
    c = verified["cameo"]
    assert c["status"] == "active", c
    assert c["rejection"] is None
    assert c["turns_seen"] == verified["challenge"]["turns"]


def test_a_verified_cameo_shows_its_appearance_and_voice(verified: dict[str, Any]) -> None:
    c = verified["acct"].get(f"/cameos/{verified['cameo']['id']}").json()
    assert c["descriptors"]["glasses"] is False
    assert c["descriptors"]["hair_colour"] in ("blonde", "brown")
    assert c["voice"]["pitch_low_hz"] <= c["voice"]["pitch_median_hz"] <= c["voice"]["pitch_high_hz"]


def test_the_owner_corrects_a_descriptor(verified: dict[str, Any]) -> None:
    acct, cid = verified["acct"], verified["cameo"]["id"]
    r = acct.patch(f"/cameos/{cid}", {"descriptors": {"hair_colour": "red", "hair_length": "medium"}})
    assert r.status_code == 200, r.text
    d = acct.get(f"/cameos/{cid}").json()["descriptors"]
    assert (d["hair_colour"], d["hair_length"], d["glasses"]) == ("red", "medium", False)


def test_a_bad_descriptor_correction_is_a_400(verified: dict[str, Any]) -> None:
    r = verified["acct"].patch(f"/cameos/{verified['cameo']['id']}", {"descriptors": {"hair_colour": "plaid"}})
    assert r.status_code == 400 and r.json()["error"]["param"] == "descriptors"


def test_the_verified_face_is_found_by_match_face(server: Any, verified: dict[str, Any]) -> None:
    from tests.cameo.clips import face_still

    emb = identity.embeddings_in_frame(face_still("astronaut"))[0]
    with server.rt.db.session() as s:
        hit = identity.match_face(s, emb)
        miss = identity.match_face(s, identity.embeddings_in_frame(face_still("hopper"))[0])
    assert hit is not None and hit[0] == verified["cameo"]["id"] and hit[1] < 0.5
    assert miss is None


def test_the_verified_clip_itself_is_not_kept(server: Any, verified: dict[str, Any]) -> None:
    with server.rt.db.session() as s:
        v = s.get(CameoVerification, verified["cameo"]["id"])
        c = s.get(Cameo, verified["cameo"]["id"])
        assert v.video_blob is None and len(v.crop_blobs) >= 1
        assert c.reference_blobs == v.crop_blobs  # the engines get the face crops as reference images


def test_someone_elses_face_already_verified_is_a_duplicate_identity(
        server: Any, verified: dict[str, Any], tmp_path: Path) -> None:
    impostor = signup(server, "impostor")
    ch = challenge(server, impostor)
    r = upload(impostor, ch["id"], clip_for(tmp_path, ch))
    c = settled(impostor, r.json()["id"])
    assert c["status"] == "rejected" and c["rejection"]["code"] == "duplicate_identity"
    assert c["descriptors"] is None


def test_a_replayed_challenge_is_rejected(server: Any) -> None:
    acct = signup(server, "replayer")
    ch = challenge(server, acct)
    first = upload(acct, ch["id"], b"not a video")
    assert settled(acct, first.json()["id"])["rejection"]["code"] == "media_invalid"
    again = upload(acct, ch["id"], b"not a video")
    assert again.status_code == 201
    assert (again.json()["status"], again.json()["rejection"]["code"]) == ("rejected", "challenge_used")


def test_an_expired_challenge_is_rejected(server: Any) -> None:
    acct = signup(server, "latecomer")
    ch = challenge(server, acct)
    with server.rt.db.session() as s:
        s.execute(update(CameoChallenge).where(CameoChallenge.id == ch["id"]).values(expires_at=int(time.time()) - 1))
    c = upload(acct, ch["id"], b"whatever").json()
    assert (c["status"], c["rejection"]["code"]) == ("rejected", "challenge_expired")


def test_an_unknown_challenge_is_rejected(server: Any) -> None:
    acct = signup(server, "guesser")
    c = upload(acct, "chal_doesnotexist", b"whatever").json()
    assert (c["status"], c["rejection"]["code"]) == ("rejected", "challenge_unknown")


def test_another_users_challenge_is_unknown(server: Any) -> None:
    owner, thief = signup(server, "chal_owner"), signup(server, "chal_thief")
    ch = challenge(server, owner)
    c = upload(thief, ch["id"], b"whatever").json()
    assert c["rejection"]["code"] == "challenge_unknown"
    assert upload(owner, ch["id"], b"not a video").json()["status"] == "verifying"  # still usable by its owner


def test_an_upload_without_the_video_part_is_a_400(server: Any) -> None:
    acct = signup(server, "novideo")
    r = acct.http.post("/cameos", data={"challenge_id": challenge(server, acct)["id"]})
    assert r.status_code == 400 and r.json()["error"]["param"] == "video"


def test_a_verified_user_cannot_verify_again(verified: dict[str, Any], server: Any) -> None:
    acct = verified["acct"]
    r = upload(acct, challenge(server, acct)["id"], b"x")
    assert r.status_code == 409 and r.json()["error"]["code"] == "cameo_exists"


def test_a_user_cannot_activate_their_own_cameo_without_verification(server: Any) -> None:
    acct = signup(server, "selfservice")
    cid = acct.post("/cameos", {"kind": "person"}).json()["id"]
    acct.patch(f"/cameos/{cid}", {"status": "active"})
    assert acct.get(f"/cameos/{cid}").json()["status"] == "pending_verification"


def _in_review(srv: Any, handle: str, near: str) -> tuple[Account, str]:
    """A user whose cameo the pipeline sent to review (the borderline distance is set as the pipeline would)."""
    acct = signup(srv, handle)
    cid = acct.post("/cameos", {"kind": "person"}).json()["id"]
    with srv.rt.db.session() as s:
        s.add(CameoVerification(cameo_id=cid, status="in_review", started_at=1, finished_at=2, turns_seen=[],
                                voice={}, descriptors={}, estimated={}, crop_blobs=[], face_embedding=[0.0] * 128,
                                nearest_cameo_id=near, nearest_distance=0.55))
        s.get(Cameo, cid).status = "in_review"
    return acct, cid


def test_operators_approve_a_borderline_cameo_from_the_review_queue(server: Any, verified: dict[str, Any]) -> None:
    acct, cid = _in_review(server, "lookalike", verified["cameo"]["id"])
    op = admin(server)
    queue = op.get("/moderation/cameos").json()["data"]
    item = next(i for i in queue if i["cameo_id"] == cid)
    assert (item["nearest_cameo_id"], item["nearest_distance"]) == (verified["cameo"]["id"], 0.55)
    r = op.post(f"/moderation/cameos/{cid}", json={"decision": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert acct.get(f"/cameos/{cid}").json()["status"] == "active"
    assert all(i["cameo_id"] != cid for i in op.get("/moderation/cameos").json()["data"])


def test_operators_reject_a_borderline_cameo_as_duplicate(server: Any, verified: dict[str, Any]) -> None:
    acct, cid = _in_review(server, "twinish", verified["cameo"]["id"])
    r = admin(server).post(f"/moderation/cameos/{cid}", json={"decision": "reject"})
    assert r.json()["status"] == "rejected"
    assert acct.get(f"/cameos/{cid}").json()["rejection"]["code"] == "duplicate_identity"


def test_only_operators_see_and_decide_the_review_queue(server: Any) -> None:
    acct, cid = _in_review(server, "nosy", "cameo_other")
    assert acct.get("/moderation/cameos").status_code == 403
    assert acct.post(f"/moderation/cameos/{cid}", {"decision": "approve"}).status_code == 403


def test_a_crashing_verification_records_why(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcast.cameo import pipeline

    acct = signup(server, "unlucky")
    ch = challenge(server, acct)
    with server.rt.db.session() as s:
        user = accounts.user_for_key(s, acct.key)
        cameo, _queued = verification.submit(s, server.rt.blobs, user, ch["id"], b"x", {})
        cid = cameo.id

    def boom(*_a: object, **_k: object) -> None:
        raise MemoryError("out of memory")

    monkeypatch.setattr(pipeline, "verify", boom)
    assert verification.run_verification(server.rt, cid) == "rejected"
    c = acct.get(f"/cameos/{cid}").json()
    assert c["rejection"]["code"] == "verification_error" and "MemoryError" in c["rejection"]["message"]


def test_the_data_export_includes_what_verification_kept(verified: dict[str, Any]) -> None:
    import io
    import json
    import zipfile

    r = verified["acct"].get("/me/export")
    assert r.status_code == 200, r.text
    cams = json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("cameos.json"))
    v = next(c for c in cams if c["id"] == verified["cameo"]["id"])["verification"]
    assert v["status"] == "active" and len(v["face_embedding"]) == 128 and "skin_tone" in v["descriptors"]
    assert len(v["voice_embedding"]) == 256


def test_deleting_a_cameo_mid_verification_deletes_its_clip(server: Any) -> None:
    acct = signup(server, "quitter")
    ch = challenge(server, acct)
    with server.rt.db.session() as s:
        cameo, _queued = verification.submit(s, server.rt.blobs, accounts.user_for_key(s, acct.key), ch["id"],
                                             b"clip bytes", {})
        key = s.get(CameoVerification, cameo.id).video_blob
    assert server.rt.blobs.exists(key)
    assert acct.delete(f"/cameos/{cameo.id}").status_code == 200
    assert not server.rt.blobs.exists(key)


def test_a_video_of_a_verified_cameo_renders_with_its_look(server: Any, verified: dict[str, Any]) -> None:
    from reelcast.jobs.worker import build_request
    from reelcast.store.models import VideoJob
    from tests.api.social_helpers import create_video

    r = create_video(verified["acct"], "@astro waves at the camera")
    assert r.status_code in (200, 201), r.text
    with server.rt.db.session() as s:
        job = s.get(VideoJob, r.json()["id"])
        s.expunge(job)
    look = build_request(server.rt, job).cameo_looks["@astro"]
    assert look["skin_rgb"].startswith("#") and float(look["voice_pitch_hz"]) > 60


def test_a_verification_orphaned_by_a_crash_is_resumed_at_start(server: Any) -> None:
    acct = signup(server, "orphan")
    ch = challenge(server, acct)
    with server.rt.db.session() as s:
        cameo, _queued = verification.submit(s, server.rt.blobs, accounts.user_for_key(s, acct.key), ch["id"],
                                             b"not a video", {})  # stored, but its background run never started
        cid = cameo.id
        s.get(CameoVerification, cid).started_at -= verification.STALE_VERIFYING_S + 1
    assert acct.get(f"/cameos/{cid}").json()["status"] == "verifying"
    assert cid in verification.resume_orphans(server.rt)
    assert settled(acct, cid)["rejection"]["code"] == "media_invalid"


def test_a_fresh_verification_is_not_taken_for_an_orphan(server: Any) -> None:
    acct = signup(server, "notorphan")
    ch = challenge(server, acct)
    with server.rt.db.session() as s:
        cameo, _queued = verification.submit(s, server.rt.blobs, accounts.user_for_key(s, acct.key), ch["id"],
                                             b"not a video", {})
    assert cameo.id not in verification.resume_orphans(server.rt)


def test_identical_uploads_of_two_users_keep_the_shared_clip_until_both_are_verified(server: Any) -> None:
    a, b = signup(server, "same_bytes_a"), signup(server, "same_bytes_b")
    cha, chb = challenge(server, a), challenge(server, b)
    with server.rt.db.session() as s:
        ca, _ = verification.submit(s, server.rt.blobs, accounts.user_for_key(s, a.key), cha["id"],
                                    b"identical bytes", {})
        cb, _ = verification.submit(s, server.rt.blobs, accounts.user_for_key(s, b.key), chb["id"],
                                    b"identical bytes", {})
        key = s.get(CameoVerification, ca.id).video_blob
        assert key == s.get(CameoVerification, cb.id).video_blob  # content-addressed: one blob for both
    verification.run_verification(server.rt, ca.id)
    assert server.rt.blobs.exists(key)
    verification.run_verification(server.rt, cb.id)
    assert not server.rt.blobs.exists(key)
    assert settled(b, cb.id)["rejection"]["code"] == "media_invalid"
