"""The org.reelcast.consent entries carry the cameo id, access level and the grant in force at render time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reelcast.config import Settings
from reelcast.jobs import provenance
from reelcast.jobs.runtime import Runtime
from reelcast.social import cameos as cameo_service
from reelcast.store import accounts


@dataclass
class _Job:
    user_id: str


@pytest.fixture()
def rt(tmp_path: Path, pg_url: str):  # type: ignore[no-untyped-def]
    """A runtime on the session's PostgreSQL database."""
    r = Runtime.open(Settings(data_dir=tmp_path, database_url=pg_url))
    yield r
    r.close()


def test_owner_using_own_character_is_recorded_with_its_grant(rt: Runtime) -> None:
    with rt.db.session() as s:
        owner = accounts.get_or_create_user(s, "consent_owner")
        cameo = cameo_service.create(s, owner, kind="character", handle="@consent_robot", name="Robot",
                                     reference_blobs=[], access="everyone")
        s.commit()
        owner_id, cameo_id = owner.id, cameo.id
    grants = provenance.cameo_grants(rt, _Job(owner_id), ["@consent_robot"])
    [entry] = provenance.consent_entries(["@consent_robot"], grants)
    assert entry["cameo_id"] == cameo_id and entry["access"] == "everyone"
    assert entry["grant"]["allowed"] is True and entry["grant"]["reason"] == "owner"


def test_unknown_handle_keeps_empty_grant_fields(rt: Runtime) -> None:
    with rt.db.session() as s:
        user_id = accounts.get_or_create_user(s, "consent_nobody").id
        s.commit()
    grants = provenance.cameo_grants(rt, _Job(user_id), ["@no_such_cameo"])
    assert provenance.consent_entries(["@no_such_cameo"], grants) == [
        {"handle": "@no_such_cameo", "cameo_id": None, "access": None, "grant": None}]
