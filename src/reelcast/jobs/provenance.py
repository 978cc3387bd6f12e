"""Provenance glue for jobs, API and CLI: sign outputs, record marks and fingerprints, trace and verify files."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelcast import __version__
from reelcast.jobs.runtime import Runtime
from reelcast.provenance import c2pa_sign
from reelcast.provenance import fingerprint as fp
from reelcast.provenance import trace as tr
from reelcast.provenance import watermark as wm
from reelcast.social.cameos import shows_someone_else
from reelcast.store import provenance as repo

log = logging.getLogger("reelcast.provenance")

_identities: dict[str, c2pa_sign.SigningIdentity] = {}
_indexes: dict[str, fp.FingerprintIndex] = {}
_registries: dict[str, tuple[int, list[str], Any]] = {}  # db url → (count, video ids, codeword matrix)
_lock = threading.Lock()


def identity_for(data_dir: Path, chain: Path | None = None, key: Path | None = None,
                 anchor: Path | None = None) -> c2pa_sign.SigningIdentity:
    """The signing identity (configured, or the local CA under data_dir created on first use); cached."""
    k = f"{data_dir.resolve()}|{chain}|{key}|{anchor}"
    with _lock:
        if k not in _identities:
            _identities[k] = c2pa_sign.load_identity(data_dir, chain, key, anchor)
        return _identities[k]


def runtime_identity(rt: Runtime) -> c2pa_sign.SigningIdentity:
    """The runtime's signing identity (REELCAST_C2PA_CERT_CHAIN / _KEY / _TRUST_ANCHOR when set)."""
    st = rt.settings
    return identity_for(st.data_dir, getattr(st, "c2pa_cert_chain", None), getattr(st, "c2pa_key", None),
                        getattr(st, "c2pa_trust_anchor", None))


@dataclass
class SignInputs:
    """What a finished render's manifests record."""

    video_id: str | None
    title: str
    engine: str
    model: str
    cameos: list[dict[str, Any]] = field(default_factory=list)
    ingredients: list[c2pa_sign.Ingredient] = field(default_factory=list)


def _spec(inp: SignInputs, mime: str, title: str, with_ingredients: bool) -> c2pa_sign.ManifestSpec:
    return c2pa_sign.ManifestSpec(
        title=title, mime=mime,
        software={"name": "reelcast", "version": __version__, "engine": inp.engine, "model": inp.model},
        video_id=inp.video_id, consent=inp.cameos, ingredients=inp.ingredients if with_ingredients else [],
    )


def sign_outputs(ident: c2pa_sign.SigningIdentity, inp: SignInputs, video: Path, thumbnail: bytes,
                 spritesheet: bytes) -> tuple[bytes, bytes]:
    """Sign the MP4 in place and return signed thumbnail (WebP) and spritesheet (JPEG) bytes. Call last."""
    c2pa_sign.sign_file(video, _spec(inp, "video/mp4", f"{inp.title}.mp4", True), ident)
    thumb = c2pa_sign.sign_bytes(thumbnail, _spec(inp, "image/webp", f"{inp.title}.webp", False), ident)
    sprite = c2pa_sign.sign_bytes(spritesheet, _spec(inp, "image/jpeg", f"{inp.title}-sprites.jpg", False), ident)
    return thumb, sprite


def consent_entries(cameos: list[str], grants: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The org.reelcast.consent list: one entry per cameo handle, with its access/grant when known."""
    out = []
    for handle in cameos:
        g = (grants or {}).get(handle, {})
        out.append({"handle": handle, "cameo_id": g.get("cameo_id"), "access": g.get("access"),
                    "grant": g.get("grant")})
    return out


def record(rt: Runtime, video_id: str, video: Path) -> int:
    """Store the video's watermark payload and fingerprints; returns the number of hashes."""
    hashes = fp.fingerprint_video(video)
    with rt.db.session() as s:
        repo.record_mark(s, video_id, wm.payload_for_id(video_id))
        repo.replace_fingerprints(s, video_id, [(h.t, h.kind, h.hash, h.quality) for h in hashes])
        s.commit()
    return len(hashes)


def index_for(rt: Runtime) -> fp.FingerprintIndex:
    """The process-wide fingerprint index for this database, brought up to date from the table."""
    url = rt.settings.resolved_database_url
    with _lock:
        idx = _indexes.setdefault(url, fp.FingerprintIndex())
    with rt.db.session() as s:
        while True:
            rows = repo.fingerprints_after(s, idx.last_row)
            if not rows:
                break
            by_video: dict[str, list[tuple[float, bytes]]] = {}
            for _, vid, t, h in rows:
                by_video.setdefault(vid, []).append((t, h))
            for vid, items in by_video.items():
                idx.add(vid, items)
            idx.last_row = rows[-1][0]
    return idx


def _registry(rt: Runtime) -> tuple[list[str], Any]:
    """All registered watermark payloads as video ids + codewords (rebuilt when the count changes)."""
    url = rt.settings.resolved_database_url
    with rt.db.session() as s:
        n = repo.count_marks(s)
        cached = _registries.get(url)
        if cached is not None and cached[0] == n:
            return cached[1], cached[2]
        marks = repo.all_marks(s)
    ids = [v for v, _ in marks]
    matrix = wm.codewords(p for _, p in marks)
    _registries[url] = (n, ids, matrix)
    return ids, matrix


def trace_file(rt: Runtime, data: bytes, path: Path) -> dict[str, Any]:
    """Find the source video of a file by C2PA manifest, invisible watermark and fingerprint."""
    report = c2pa_sign.verify_bytes(data, runtime_identity(rt).root_pem)
    matches: dict[str, dict[str, Any]] = {}

    def add(video_id: str, method: str, confidence: float) -> None:
        with rt.db.session() as s:
            summary = repo.video_summary(s, video_id)
        if summary is None:
            return
        prev = matches.get(video_id)
        if prev is None or confidence > prev["confidence"]:
            matches[video_id] = {**summary, "method": method, "confidence": round(confidence, 3)}

    if report.present and report.video_id and report.state in ("Trusted", "Valid") and not report.failures:
        add(report.video_id, "c2pa", 1.0 if report.trusted else 0.9)
    analysis = tr.analyse(data, path)
    det = analysis.detection
    vid = None
    if det.payload is not None:
        with rt.db.session() as s:
            vid = repo.video_for_payload(s, det.payload)
        if vid:
            add(vid, "watermark", det.confidence)
    if vid is None and det.soft is not None:  # too many bit errors for RS: list-decode against the registry
        ids, matrix = _registry(rt)
        picked = wm.list_decode(det, matrix)
        if picked is not None:
            add(ids[picked[0]], "watermark", min(0.99, 0.8 + (picked[1] - wm.list_threshold(len(ids))) / 20))
    named = set(matches)  # videos named by C2PA or the watermark
    similar: list[dict[str, Any]] = []
    pairs = index_for(rt).search(analysis.query)
    for cand in fp.vote(pairs, analysis.samples, single_image=analysis.is_image):
        if named and cand.video_id not in named:
            # the file's own mark names another video; this one only looks alike (e.g. same prompt, other seed)
            similar.append({"video_id": cand.video_id, "method": "fingerprint", "confidence": cand.confidence})
            continue
        add(cand.video_id, "fingerprint", cand.confidence)
    ordered = sorted(matches.values(), key=lambda m: -m["confidence"])
    return {"matches": ordered, "c2pa": report.to_dict() if report.present else None, "similar": similar}


def verify_file(rt: Runtime | None, data: bytes, root_pem: bytes | None = None) -> dict[str, Any]:
    """The C2PA validation report of a file against our trust anchor."""
    anchor = root_pem if root_pem is not None else (runtime_identity(rt).root_pem if rt else None)
    return c2pa_sign.verify_bytes(data, anchor).to_dict()


def _job_ingredients(rt: Runtime, job: Any) -> list[c2pa_sign.Ingredient]:
    from reelcast.store import videos as videos_repo

    out: list[c2pa_sign.Ingredient] = []
    if job.source_video_id:
        with rt.db.session() as s:
            src = videos_repo.get_video(s, job.source_video_id)
            key = src.video_blob if src is not None else None
        if key and rt.blobs.exists(key):
            role = "extension_source" if job.kind == "extend" else "remix_parent"
            out.append(c2pa_sign.Ingredient(rt.blobs.path(key), f"{job.source_video_id}.mp4", "video/mp4", role))
    elif job.source_blob and rt.blobs.exists(job.source_blob):
        role = "extension_source" if job.kind == "extend" else "edit_source"
        out.append(c2pa_sign.Ingredient(rt.blobs.path(job.source_blob), "source.mp4", "video/mp4", role))
    if job.reference_blob and rt.blobs.exists(job.reference_blob):
        data = rt.blobs.read_bytes(job.reference_blob)
        mime = c2pa_sign.sniff_mime(data)
        if mime and mime.startswith("image/"):
            out.append(c2pa_sign.Ingredient(rt.blobs.path(job.reference_blob), "input_reference", mime,
                                            "reference_image"))
    return out


def cameo_grants(rt: Runtime, job: Any, handles: list[str]) -> dict[str, dict[str, Any]]:
    """Cameo id, access level and the grant in force now (the access rule's reason) for each handle."""
    from reelcast.social import cameos as cameo_service
    from reelcast.store.models import User

    out: dict[str, dict[str, Any]] = {}
    with rt.db.session() as s:
        user = s.get(User, job.user_id)
        for h in handles:
            cameo = cameo_service.by_handle(s, h)
            if cameo is None or user is None:
                continue
            d = cameo_service.decide_for(s, "generate", user, cameo)
            out[h] = {"cameo_id": cameo.id, "access": cameo.access,
                      "grant": {"allowed": d.allowed, "reason": d.reason, "checked_at": int(time.time())}}
    return out


def finish_job_outputs(rt: Runtime, job: Any, out: Any) -> tuple[bytes, bytes]:
    """Sign a finished job's MP4 (in place), thumbnail and spritesheet, and record its mark and fingerprints."""
    handles = list(getattr(out.plan, "cameos", []) or [])
    inp = SignInputs(video_id=job.id, title=job.id, engine=job.engine, model=job.model,
                     cameos=consent_entries(handles, cameo_grants(rt, job, handles) if handles else None),
                     ingredients=_job_ingredients(rt, job))
    thumb, sprite = sign_outputs(runtime_identity(rt), inp, out.video_path, out.thumbnail, out.spritesheet)
    n = record(rt, job.id, out.video_path)
    log.info("job %s signed and fingerprinted (%d hashes)", job.id, n)
    return thumb, sprite


def export_visible(rt: Runtime, job: Any, handle: str) -> Path:
    """A share/export copy of a completed video with the moving visible watermark, signed; caller deletes it."""
    from reelcast.media.encode import encode_mp4
    from reelcast.media.probe import decode_audio, decode_frames
    from reelcast.provenance.visible import overlay_frames

    src = rt.blobs.path(job.video_blob)
    with rt.db.session() as s:
        marked = shows_someone_else(s, job)
    if marked:  # rendered with the visible mark already (another person's cameo): the signed file is the export
        out = rt.blobs.temp_path(".mp4")
        shutil.copyfile(src, out)
        return out
    frames, fps = decode_frames(src)
    audio = decode_audio(src)
    h, w = frames[0].shape[:2]
    out = rt.blobs.temp_path(".mp4")
    rate = int(round(fps))
    try:
        encode_mp4(overlay_frames(frames, handle, w, h, rate, seed=job.id), audio if len(audio) else None, out,
                   width=w, height=h, fps=rate, n_frames=len(frames))
        inp = SignInputs(video_id=job.id, title=f"{job.id}-export", engine=job.engine, model=job.model,
                         cameos=consent_entries(list((job.plan or {}).get("cameos", []) or [])),
                         ingredients=[c2pa_sign.Ingredient(src, f"{job.id}.mp4", "video/mp4", "export_source")])
        c2pa_sign.sign_file(out, _spec(inp, "video/mp4", f"{job.id}-export.mp4", True), runtime_identity(rt))
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out
