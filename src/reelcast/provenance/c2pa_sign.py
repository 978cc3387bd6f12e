"""C2PA: an offline signing identity (root CA → intermediate → ES256 leaf), manifest signing and verification."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from c2pa import (
    Builder,
    C2paBuilderIntent,
    C2paDigitalSourceType,
    C2paError,
    C2paSignerInfo,
    C2paSigningAlg,
    Context,
    Reader,
    Settings,
    Signer,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CONSENT_LABEL = "org.reelcast.consent"
VIDEO_LABEL = "org.reelcast.video"
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")
MIME = {"mp4": "video/mp4", "webp": "image/webp", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class SigningIdentity:
    """PEM bytes for signing (leaf + intermediate chain, private key) and the trust anchor (root)."""

    chain_pem: bytes
    key_pem: bytes
    root_pem: bytes

    def signer(self) -> Signer:
        """A fresh c2pa Signer (signers are consumed by use)."""
        return Signer.from_info(C2paSignerInfo(C2paSigningAlg.ES256, self.chain_pem, self.key_pem, None))

    def context(self) -> Context:
        """A c2pa Context that trusts our root."""
        return trust_context(self.root_pem)


def trust_context(root_pem: bytes | str | None) -> Context:
    """A c2pa Context with `root_pem` as a user trust anchor (or the default trust list when None)."""
    # c2pa would embed its own (large, uncompressed) thumbnail of the asset; we ship our own thumbnails.
    conf: dict[str, Any] = {"builder": {"thumbnail": {"enabled": False}}}
    if root_pem:
        conf["trust"] = {"user_anchors": root_pem.decode() if isinstance(root_pem, bytes) else root_pem}
    return Context(settings=Settings.from_dict(conf))


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "reelcast (self-hosted)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def create_identity(directory: Path, operator: str = "reelcast") -> SigningIdentity:
    """Create a local root CA, an intermediate and an ES256 signing leaf under `directory` (PEM files)."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_key, int_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))

    def build(subject: str, issuer: x509.Name, pub: Any, sign_key: Any, days: int, ca: bool,
              pathlen: int | None, issuer_pub: Any) -> x509.Certificate:
        b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer).public_key(pub)
             .serial_number(x509.random_serial_number()).not_valid_before(now)
             .not_valid_after(now + dt.timedelta(days=days))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen), critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_pub), critical=False))
        if ca:
            b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
        else:
            b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), True)
            b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
                                critical=False)
        return b.sign(sign_key, hashes.SHA256())

    root_name = _name(f"{operator} root CA")
    root = build(f"{operator} root CA", root_name, root_key.public_key(), root_key, 3650, True, 1,
                 root_key.public_key())
    inter = build(f"{operator} intermediate CA", root_name, int_key.public_key(), root_key, 3650, True, 0,
                  root_key.public_key())
    leaf = build(f"{operator} C2PA signer", inter.subject, leaf_key.public_key(), int_key, 825, False, None,
                 int_key.public_key())
    directory.mkdir(parents=True, exist_ok=True)
    key_pem = leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    ident = SigningIdentity(chain_pem=_pem(leaf) + _pem(inter), key_pem=key_pem, root_pem=_pem(root))
    (directory / "root-ca.pem").write_bytes(ident.root_pem)
    (directory / "chain.pem").write_bytes(ident.chain_pem)
    key_path = directory / "signer.key"
    key_path.write_bytes(key_pem)
    os.chmod(key_path, 0o600)
    return ident


def load_identity(data_dir: Path, chain: Path | None = None, key: Path | None = None,
                  trust_anchor: Path | None = None) -> SigningIdentity:
    """The operator's identity from the configured files, else the local one under data_dir (created on first use)."""
    if chain and key:
        root = trust_anchor.read_bytes() if trust_anchor else b""
        return SigningIdentity(chain_pem=chain.read_bytes(), key_pem=key.read_bytes(), root_pem=root)
    d = data_dir / "c2pa"
    if (d / "chain.pem").exists() and (d / "signer.key").exists() and (d / "root-ca.pem").exists():
        return SigningIdentity((d / "chain.pem").read_bytes(), (d / "signer.key").read_bytes(),
                               (d / "root-ca.pem").read_bytes())
    return create_identity(d)


@dataclass
class Ingredient:
    """An input recorded in the manifest (remix parent, extension source, reference image)."""

    path: Path
    title: str
    mime: str
    role: str  # remix_parent | extension_source | reference_image
    relationship: str = "componentOf"  # placed into the output (c2pa.placed requires componentOf)


@dataclass
class ManifestSpec:
    """What one output's manifest says."""

    title: str
    mime: str
    software: dict[str, str]  # name, version, engine, model
    video_id: str | None = None
    consent: list[dict[str, Any]] = field(default_factory=list)
    ingredients: list[Ingredient] = field(default_factory=list)


def build_manifest(spec: ManifestSpec) -> dict[str, Any]:
    """The manifest definition for c2pa's Builder."""
    agent = {"name": spec.software.get("name", "reelcast"), "version": spec.software.get("version", "")}
    params: dict[str, Any] = {k: v for k, v in spec.software.items() if k not in ("name", "version")}
    created: dict[str, Any] = {"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                               "softwareAgent": agent}
    if params:
        created["parameters"] = params
    actions: list[dict[str, Any]] = [created]
    ids = [f"ing{i}" for i in range(len(spec.ingredients))]
    if spec.ingredients:
        actions.append({"action": "c2pa.placed", "parameters": {"ingredientIds": ids}})
    assertions: list[dict[str, Any]] = [
        {"label": "c2pa.actions", "data": {"actions": actions}},
        {"label": CONSENT_LABEL, "data": {"cameos": spec.consent}},
    ]
    if spec.video_id:
        assertions.append({"label": VIDEO_LABEL, "data": {"video_id": spec.video_id}})
    return {
        "claim_generator_info": [agent],
        "title": spec.title,
        "format": spec.mime,
        "assertions": assertions,
    }


def sign_file(path: Path, spec: ManifestSpec, identity: SigningIdentity) -> int:
    """Embed a signed manifest into the file at `path` (replaced atomically); returns the manifest size."""
    builder = Builder(build_manifest(spec), identity.context())
    try:
        for i, ing in enumerate(spec.ingredients):
            with open(ing.path, "rb") as f:
                builder.add_ingredient({"title": ing.title, "relationship": ing.relationship, "label": f"ing{i}",
                                        "description": ing.role},
                                       ing.mime, f)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=path.suffix)
        os.close(fd)
        try:
            with open(path, "rb") as src, open(tmp, "w+b") as dst:
                manifest = builder.sign(identity.signer(), spec.mime, src, dst)
            shutil.copymode(path, tmp) if path.exists() else None
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    finally:
        builder.close()
    return len(manifest)


def sign_bytes(data: bytes, spec: ManifestSpec, identity: SigningIdentity) -> bytes:
    """Return `data` (an image) with a signed manifest embedded."""
    builder = Builder(build_manifest(spec), identity.context())
    try:
        dst = io.BytesIO()
        builder.sign(identity.signer(), spec.mime, io.BytesIO(data), dst)
        return dst.getvalue()
    finally:
        builder.close()


def sniff_mime(data: bytes) -> str | None:
    """The MIME type of an MP4/MOV, WebP, JPEG or PNG by magic bytes."""
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    return None


@dataclass
class VerifyReport:
    """The C2PA validation of one file."""

    present: bool
    state: str | None  # Trusted | Valid | Invalid | None when no manifest
    trusted: bool
    failures: list[dict[str, Any]]
    active_manifest: dict[str, Any] | None
    manifest_count: int
    video_id: str | None
    consent: list[dict[str, Any]] | None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready report."""
        return {
            "present": self.present, "state": self.state, "trusted": self.trusted, "failures": self.failures,
            "manifest_count": self.manifest_count, "video_id": self.video_id, "consent": self.consent,
            "active_manifest": self.active_manifest, "error": self.error,
        }


def _assertion(manifest: dict[str, Any], label: str) -> dict[str, Any] | None:
    for a in manifest.get("assertions", []):
        if a.get("label") == label:
            return a.get("data")
    return None


def verify_bytes(data: bytes, root_pem: bytes | str | None, mime: str | None = None) -> VerifyReport:
    """Validate a file's C2PA manifest against our trust anchor; `Trusted` is required for `trusted`."""
    mime = mime or sniff_mime(data)
    if mime is None:
        return VerifyReport(False, None, False, [], None, 0, None, None, error="unsupported file type")
    try:
        reader = Reader(mime, io.BytesIO(data), None, trust_context(root_pem))
    except C2paError as exc:
        msg = str(exc)
        return VerifyReport(False, None, False, [], None, 0, None, None,
                            error=None if "ManifestNotFound" in msg or "JUMBF" in msg else msg)
    try:
        state = reader.get_validation_state()
        store = json.loads(reader.json())
        active = store.get("manifests", {}).get(store.get("active_manifest", ""), None)
        results = reader.get_validation_results() or {}
        failures: list[dict[str, Any]] = []
        active_res = results.get("activeManifest", {}) if isinstance(results, dict) else {}
        failures = list(active_res.get("failure", []))
        video = _assertion(active, VIDEO_LABEL) if active else None
        consent = _assertion(active, CONSENT_LABEL) if active else None
        return VerifyReport(True, state, state == "Trusted", failures, active, len(store.get("manifests", {})),
                            (video or {}).get("video_id"), (consent or {}).get("cameos") if consent else None)
    finally:
        reader.close()


__all__ = ["C2paBuilderIntent", "C2paDigitalSourceType"]
