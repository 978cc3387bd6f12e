"""Helpers for the social API tests: users with invites, JSON calls, rendering queued jobs in the test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2 as httpx

from reelcast.jobs.worker import JobRunner
from reelcast.social import accounts as acc
from reelcast.social import cameos

ADULT = "1990-01-01"
TEEN = "2011-06-01"


@dataclass
class Account:
    """A signed-up user and an HTTP client carrying its key."""

    handle: str
    key: str
    http: httpx.Client

    def get(self, path: str, **kw: Any) -> httpx.Response:
        """GET under /v1."""
        return self.http.get(path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        """POST JSON under /v1."""
        return self.http.post(path, json=json if json is not None else {}, **kw)

    def patch(self, path: str, json: Any) -> httpx.Response:
        """PATCH JSON under /v1."""
        return self.http.patch(path, json=json)

    def delete(self, path: str) -> httpx.Response:
        """DELETE under /v1."""
        return self.http.delete(path)


def client_for(srv: Any, key: str | None) -> httpx.Client:
    """An httpx client on the server's /v1 with an optional Bearer key."""
    headers = {"authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=srv.api, headers=headers, timeout=300)


def mint(srv: Any, n: int = 1) -> list[str]:
    """Operator invite codes, minted straight in the database (what `reelcast invites create` does)."""
    with srv.rt.db.session() as s:
        return acc.mint_invites(s, None, n)


def signup(srv: Any, handle: str, birthdate: str = ADULT, password: str = "correct horse battery") -> Account:
    """Sign up with a fresh operator invite."""
    code = mint(srv)[0]
    r = client_for(srv, None).post("/users", json={"handle": handle, "password": password, "birthdate": birthdate,
                                                   "invite_code": code})
    assert r.status_code == 201, r.text
    return Account(handle, r.json()["api_key"], client_for(srv, r.json()["api_key"]))


def person_cameo(srv: Any, owner: Account, access: str = "everyone") -> str:
    """Create the owner's person cameo and mark it verified (verification is its own feature)."""
    r = owner.post("/cameos", {"kind": "person", "access": access})
    assert r.status_code == 201, r.text
    with srv.rt.db.session() as s:
        cameos.set_status(s, r.json()["id"], "active")
    return r.json()["id"]


def create_video(acct: Account, prompt: str) -> httpx.Response:
    """POST /v1/videos with a tiny size."""
    return acct.post("/videos", {"prompt": prompt, "size": "160x90", "seconds": "1"})


def render_all(srv: Any) -> int:
    """Render every queued job in this thread (the test servers run without an inline worker)."""
    runner = JobRunner(srv.rt)
    n = 0
    while runner.run_once():
        n += 1
    return n
