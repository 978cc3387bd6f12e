"""A screenshot pass over every page at phone (390x844) and desktop (1440x900) sizes, into screenshot_dir()
(`make screenshots`: docs/screenshots/); each page must fit the viewport's width (no horizontal overflow)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from reelcast.social import accounts as acc
from reelcast.store.models import User
from reelcast.web.common import templates
from tests.api.social_helpers import Account, create_video, person_cameo, render_all, signup
from tests.conftest import Server, server_settings, start_server
from tests.web.browser import DESKTOP, PASSWORD, PHONE, chromium, screenshot_dir

OUT = screenshot_dir()


@dataclass
class World:
    """Two users with posts, a remix, comments, a cameo used by the other, a report, and a queued draft."""

    srv: Server
    mina: Account
    jonas: Account
    post_id: str
    video_id: str
    cameo_id: str
    queued_id: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Seed through the JSON API; the test renders queued jobs itself (no inline worker)."""
    srv = start_server(server_settings(tmp_path_factory.mktemp("shots"), None, worker="none"))
    mina, jonas = signup(srv, "mina"), signup(srv, "jonas")
    mina.patch("/me", {"display_name": "Mina Park", "bio": "Skater, cat person, makes tiny films."})
    cameo_id = person_cameo(srv, mina, access="everyone")
    vid = create_video(mina, "a figure skater spins on an ice rink at night, anime style").json()["id"]
    other = create_video(mina, "a basketball player shoots and misses, the ball bounces off the backboard")
    with_cameo = create_video(jonas, "@mina does a backflip on a paddleboard on a calm lake")
    assert with_cameo.status_code == 200, with_cameo.text
    render_all(srv)
    post = mina.post("/posts", {"video_id": vid, "caption": "first time landing it"}).json()
    mina.post("/posts", {"video_id": other.json()["id"], "caption": "so close"})
    jonas.post(f"/users/{mina.handle}/follow")
    jonas.post(f"/posts/{post['id']}/like")
    jonas.post(f"/posts/{post['id']}/comments", {"text": "the cat would have landed it"})
    remix = jonas.post(f"/posts/{post['id']}/remix", {"prompt": "make it snow"}).json()
    render_all(srv)
    jonas.post("/posts", {"video_id": remix["id"], "caption": "snow edition"})
    jonas.post("/posts", {"video_id": with_cameo.json()["id"], "caption": "with @mina"})
    rep = jonas.post("/reports", {"target": "post", "id": post["id"], "reason": "spam (test report)"})
    assert rep.status_code == 200, rep.text
    queued = create_video(mina, "a dog chases a ball in the park at golden hour").json()["id"]
    with srv.rt.db.session() as s:  # the operator signs in to the web app with a password
        admin = acc.user_by_handle(s, srv.rt.settings.admin_handle)
        assert isinstance(admin, User)
        admin.password_hash = acc.hash_password(PASSWORD)
    yield World(srv, mina, jonas, post["id"], vid, cameo_id, queued)
    srv.stop()
    srv.rt.close()


def sign_in(page: Page, srv: Server, handle: str) -> None:
    """Sign in through the form."""
    page.goto(f"{srv.url}/signin")
    page.fill("input[name=handle]", handle)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{srv.url}/")


def shoot(page: Page, name: str, size: str) -> None:
    """Let media settle, check the width fits, save the screenshot."""
    page.wait_for_load_state("load")
    page.evaluate("() => Promise.all(Array.from(document.querySelectorAll('video')).map(v => v.readyState >= 2 ||"
                  " v.preload === 'none' ? 0 : new Promise(r => { v.addEventListener('loadeddata', r);"
                  " setTimeout(r, 3000); })))")
    page.wait_for_timeout(300)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} at {size} overflows by {overflow}px"
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}-{size}.png"))


def wellbeing_html(srv: Server) -> str:
    """The feed page rendered with a break and a nudge item (the stand-in feed cannot produce them yet)."""
    page = {"object": "list", "next_cursor": None, "has_more": False, "data": [
        {"object": "feed.item", "type": "break", "message": "You've watched for 40 minutes today. Take a breather.",
         "resumes_at": 1_800_000_000},
        {"object": "feed.item", "type": "nudge", "message": "Why not make something of your own?",
         "prompt_idea": "a cat surfs a tiny wave at sunset"}]}
    html = templates.get_template("feed.html").render(page=page, mood="", me=None, csrf="x", messages=[], path="/")
    for attr in ("href", "src"):
        html = html.replace(f'{attr}="/static/', f'{attr}="{srv.url}/static/')
    return html


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_fits_and_is_captured(world: World, size: str) -> None:
    """Every page renders without horizontal overflow; screenshots land in screenshot_dir()."""
    srv = world.srv
    viewport = PHONE if size == "phone" else DESKTOP
    with chromium() as browser:
        out = browser.new_context(viewport=viewport)
        page = out.new_page()
        for name, path in (("signin", "/signin"), ("signup", "/signup"), ("verify", "/verify")):
            page.goto(srv.url + path)
            shoot(page, name, size)
        page.set_input_files("input[type=file]", str(srv.rt.blobs.path(_video_blob(srv, world.video_id))))
        page.click("form.card button[type=submit]")
        page.wait_for_selector("#report", timeout=120_000)
        shoot(page, "verify-report", size)
        page.set_content(wellbeing_html(srv))
        page.locator(".slide.break").screenshot(path=str(OUT / f"feed-break-{size}.png"))
        page.locator(".slide.nudge").screenshot(path=str(OUT / f"feed-nudge-{size}.png"))

        mina = browser.new_context(viewport=viewport).new_page()
        sign_in(mina, srv, "mina")
        pages = [("feed", "/"), ("create", "/create"), ("create-remix", f"/create?remix={world.post_id}"),
                 ("video", f"/videos/{world.video_id}"), ("video-progress", f"/videos/{world.queued_id}"),
                 ("library", "/library"), ("post", f"/p/{world.post_id}"), ("profile", "/u/mina"),
                 ("cameos", "/cameos"), ("cameo-setup", "/cameos/setup"),
                 ("cameo-settings", f"/cameos/{world.cameo_id}"),
                 ("appearances", f"/cameos/{world.cameo_id}/appearances"), ("notifications", "/notifications"),
                 ("settings", "/settings")]
        for name, path in pages:
            mina.goto(srv.url + path)
            shoot(mina, name, size)
        mina.goto(srv.url + "/create")
        mina.fill("#prompt", "a day at the beach with @mi")
        mina.type("#prompt", "n")
        mina.wait_for_selector("#mentions li[data-handle=mina]")
        shoot(mina, "create-mention", size)

        jonas = browser.new_context(viewport=viewport).new_page()
        sign_in(jonas, srv, "jonas")
        jonas.goto(f"{srv.url}/u/mina")
        shoot(jonas, "profile-other", size)

        admin = browser.new_context(viewport=viewport).new_page()
        sign_in(admin, srv, srv.rt.settings.admin_handle)
        admin.goto(f"{srv.url}/moderation")
        shoot(admin, "moderation", size)
        assert admin.locator("li.report").count() >= 1, admin.inner_text("main")


def _video_blob(srv: Server, video_id: str) -> str:
    from reelcast.store.models import VideoJob

    with srv.rt.db.session() as s:
        job = s.get(VideoJob, video_id)
        assert job is not None and job.video_blob
        return job.video_blob
