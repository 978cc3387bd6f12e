"""Sessions over plain HTTP: sign-in sets a signed cookie, every state-changing request needs the CSRF token,
pages redirect to sign-in, and /v1 accepts the session cookie (writes only with the X-CSRF-Token header)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from tests.api.social_helpers import mint
from tests.conftest import Server, server_settings, start_server
from tests.web.browser import PASSWORD


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server without a worker (nothing renders here)."""
    s = start_server(server_settings(tmp_path_factory.mktemp("web-session"), None, worker="none"))
    yield s
    s.stop()
    s.rt.close()


def csrf_of(html: str) -> str:
    """The page's CSRF token."""
    m = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert m, "no csrf meta tag"
    return m.group(1)


def browser_for(srv: Server, handle: str) -> tuple[httpx.Client, str]:
    """A cookie-keeping client signed up through the form; returns it with its CSRF token."""
    c = httpx.Client(base_url=srv.url, timeout=60)
    token = csrf_of(c.get("/signup").text)
    r = c.post("/signup", data={"csrf_token": token, "invite_code": mint(srv)[0], "handle": handle,
                                "password": PASSWORD, "birthdate": "1990-01-01"})
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return c, csrf_of(c.get("/").text)


def test_pages_redirect_to_sign_in_without_a_session(srv: Server) -> None:
    """A signed-out visitor is sent to the sign-in form, which returns them to the page afterwards."""
    r = httpx.get(f"{srv.url}/library", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/signin?next=/library"


def test_form_post_without_csrf_token_is_refused(srv: Server) -> None:
    """A cross-site form post (no token) changes nothing."""
    c, _ = browser_for(srv, "csrfvictim")
    r = c.post("/create", data={"prompt": "a red ball bounces", "size": "160x90", "seconds": "1"})
    assert r.status_code == 403
    assert c.get("/v1/videos").json()["data"] == []


def test_sign_in_with_a_wrong_password_is_refused(srv: Server) -> None:
    """Wrong password: 401 page, no session."""
    browser_for(srv, "pwuser")
    c = httpx.Client(base_url=srv.url)
    token = csrf_of(c.get("/signin").text)
    r = c.post("/signin", data={"csrf_token": token, "handle": "pwuser", "password": "not the password"})
    assert r.status_code == 401
    assert "Incorrect handle or password" in r.text
    assert c.get("/library", follow_redirects=False).status_code == 303


def test_api_accepts_the_session_cookie_and_needs_the_csrf_header_to_write(srv: Server) -> None:
    """The set-up page calls /v1 with the cookie: reads work, writes need X-CSRF-Token."""
    c, token = browser_for(srv, "cookieuser")
    browser_for(srv, "someone")
    assert c.get("/v1/me").json()["handle"] == "cookieuser"
    refused = c.post("/v1/users/someone/follow")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    ok = c.post("/v1/users/someone/follow", headers={"x-csrf-token": token})
    assert ok.status_code == 200 and ok.json()["you_follow"] is True


def test_sign_out_ends_the_session(srv: Server) -> None:
    """After signing out the cookie no longer authenticates pages or the API."""
    c, token = browser_for(srv, "leaver")
    assert c.post("/signout", data={"csrf_token": token}).status_code == 303
    assert c.get("/library", follow_redirects=False).status_code == 303
    assert c.get("/v1/me").status_code == 401


def test_refusals_show_as_pages_and_api_errors_stay_json(srv: Server) -> None:
    """A service refusal on a page renders HTML; the same path under /v1 keeps the OpenAI-style body."""
    c, token = browser_for(srv, "refused")
    page = c.post("/create", data={"csrf_token": token, "prompt": "x", "size": "999x999", "seconds": "1"})
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "size" in page.text.lower()
    missing = c.get("/p/post_nope")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    api = c.get("/v1/posts/post_nope")
    assert api.status_code == 404 and api.json()["error"]["code"] == "post_not_found"
