"""Account pages over plain HTTP: their forms run the same services as the API (cameo settings, API keys,
account deletion, moderation)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from reelcast.social import accounts as acc
from reelcast.social import cameos
from tests.conftest import Server, server_settings, start_server
from tests.web.test_session_security import browser_for


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server without a worker."""
    s = start_server(server_settings(tmp_path_factory.mktemp("web-account"), None, worker="none"))
    yield s
    s.stop()
    s.rt.close()


def active_cameo(srv: Server, handle: str) -> str:
    """A verified person cameo for the user, made through the service (verification is issue #6's)."""
    with srv.rt.db.session() as s:
        owner = acc.user_by_handle(s, handle)
        assert owner is not None
        c = cameos.create(s, owner, kind="person", handle=None, name="", reference_blobs=[])
        cameos.set_status(s, c.id, "active")
        return c.id


def test_cameo_settings_form_changes_access_and_restrictions(srv: Server) -> None:
    """Saving the form is PATCH /v1/cameos/{id}: the API sees the new settings at once."""
    c, token = browser_for(srv, "settler")
    cid = active_cameo(srv, "settler")
    r = c.post(f"/cameos/{cid}", data={"csrf_token": token, "access": "mutuals", "preferences": "red cap",
                                       "restrictions": "never drinking alcohol"})
    assert r.status_code == 303
    got = c.get(f"/v1/cameos/{cid}").json()
    assert (got["access"], got["preferences"], got["restrictions"]) == ("mutuals", "red cap", "never drinking alcohol")
    assert "Cameo settings saved." in c.get(f"/cameos/{cid}").text


def test_cameo_settings_form_shows_a_refused_value(srv: Server) -> None:
    """An invalid access level is refused with the service's message, and nothing changes."""
    c, token = browser_for(srv, "badlevel")
    cid = active_cameo(srv, "badlevel")
    c.post(f"/cameos/{cid}", data={"csrf_token": token, "access": "the_whole_world"})
    page = c.get(f"/cameos/{cid}").text
    assert 'class="flash error"' in page
    assert c.get(f"/v1/cameos/{cid}").json()["access"] == "only_me"


def test_new_api_key_is_shown_once_and_works(srv: Server) -> None:
    """The settings page shows a new key once; it authenticates the API as its owner."""
    c, token = browser_for(srv, "keymaker")
    assert c.post("/settings/keys", data={"csrf_token": token, "name": "laptop"}).status_code == 303
    first = c.get("/settings").text
    m = re.search(r'<code id="newkey">([^<]+)</code>', first)
    assert m
    assert 'id="newkey"' not in c.get("/settings").text
    me = c.get("/v1/me", headers={"authorization": f"Bearer {m.group(1)}"}).json()
    assert me["handle"] == "keymaker"


def test_account_deletion_needs_the_handle_typed(srv: Server) -> None:
    """Without the confirmation nothing happens; with it the account is gone and the session ends."""
    c, token = browser_for(srv, "goner")
    c.post("/settings/delete", data={"csrf_token": token, "confirm": "someone else"})
    assert c.get("/v1/me").json()["handle"] == "goner"
    r = c.post("/settings/delete", data={"csrf_token": token, "confirm": "@goner"})
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    assert c.get("/v1/me").status_code == 401
    with srv.rt.db.session() as s:
        assert acc.user_by_handle(s, "goner") is None


def test_moderation_page_is_for_operators_only(srv: Server) -> None:
    """A regular user gets a 403 page, not the queue."""
    c, _ = browser_for(srv, "curious")
    r = c.get("/moderation")
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]
