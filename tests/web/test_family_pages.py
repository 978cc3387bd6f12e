"""Feed and family settings over plain HTTP: personalisation, a parent linking to a teen with the teen's code,
parental controls, and the ranked feed's break screen and mood reasons on the feed page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2 as httpx
import pytest

from tests.api.social_helpers import TEEN, Account, create_video, mint, render_all, signup
from tests.conftest import Server, server_settings, start_server
from tests.web.browser import PASSWORD
from tests.web.test_session_security import csrf_of


@dataclass
class Family:
    """A teen and a parent signed in to the web app, and an author with three posts."""

    srv: Server
    teen: httpx.Client
    parent: httpx.Client
    author: Account


def _web_user(srv: Server, handle: str, birthdate: str = "1980-05-05") -> httpx.Client:
    c = httpx.Client(base_url=srv.url, timeout=60)
    token = csrf_of(c.get("/signup").text)
    r = c.post("/signup", data={"csrf_token": token, "invite_code": mint(srv)[0], "handle": handle,
                                "password": PASSWORD, "birthdate": birthdate})
    assert r.status_code == 303, r.text
    return c


def _csrf(c: httpx.Client) -> str:
    return csrf_of(c.get("/settings").text)


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Family]:
    srv = start_server(server_settings(tmp_path_factory.mktemp("web-family"), None, worker="none"))
    author = signup(srv, "author")
    prompts = ["a calm lake at dawn, mist over still water", "a cat naps in the sun on a windowsill",
               "a basketball player dunks hard in a loud arena"]
    videos = [create_video(author, p).json()["id"] for p in prompts]
    render_all(srv)
    for v in videos:
        assert author.post("/posts", {"video_id": v, "caption": ""}).status_code == 201
    yield Family(srv, _web_user(srv, "kid", TEEN), _web_user(srv, "mum"), author)
    srv.stop()
    srv.rt.close()


def _link(f: Family) -> None:
    if "teen-kid" in f.parent.get("/settings").text:
        return
    f.teen.post("/settings/guardian_code", data={"csrf_token": _csrf(f.teen)})
    m = re.search(r'<code id="guardian-code">([^<]+)</code>', f.teen.get("/settings").text)
    assert m, "the teen's settings page shows the code"
    r = f.parent.post("/settings/guardians", data={"csrf_token": _csrf(f.parent), "code": m.group(1)})
    assert r.status_code == 303


def test_a_parent_links_with_the_teens_code(family: Family) -> None:
    _link(family)
    page = family.parent.get("/settings").text
    assert 'id="teen-kid"' in page and "guardian" in page


def test_parental_controls_form_lowers_the_teens_caps(family: Family) -> None:
    _link(family)
    r = family.parent.post("/settings/teens/kid", data={"csrf_token": _csrf(family.parent), "personalization": "on",
                                                         "continuous_feed": "on", "session_cap": "2",
                                                         "daily_cap": "50"})
    assert r.status_code == 303
    got = family.parent.get("/v1/users/kid/parental_controls").json()
    assert (got["session_cap"], got["daily_cap"], got["continuous_feed"]) == (2, 50, True)


def test_the_teens_feed_page_ends_with_a_break(family: Family) -> None:
    _link(family)
    family.parent.post("/settings/teens/kid", data={"csrf_token": _csrf(family.parent), "personalization": "on",
                                                     "continuous_feed": "on", "session_cap": "2", "daily_cap": "50"})
    page = family.teen.get("/").text
    assert page.count('class="slide" data-post=') == 2
    assert "Time for a break" in page


def test_a_teen_cannot_change_their_own_controls(family: Family) -> None:
    r = family.teen.post("/settings/teens/kid", data={"csrf_token": _csrf(family.teen), "session_cap": "99"})
    assert r.status_code == 303
    assert 'class="flash error"' in family.teen.get("/settings").text


def test_personalisation_switch_is_saved(family: Family) -> None:
    family.parent.post("/settings/feed", data={"csrf_token": _csrf(family.parent)})  # box unticked: off
    assert family.parent.get("/v1/me/feed_settings").json()["personalization"] is False
    family.parent.post("/settings/feed", data={"csrf_token": _csrf(family.parent), "personalization": "on"})
    assert family.parent.get("/v1/me/feed_settings").json()["personalization"] is True


def test_mood_box_steers_the_feed_page_and_says_why(family: Family) -> None:
    page = family.parent.get("/", params={"mood": "cute animals"}).text
    first = re.search(r'<p class="reason"[^>]*>([^<]+)</p>', page)
    assert first and "cute animals" in first.group(1)
    assert page.index("cat naps") < page.index("dunks hard")
