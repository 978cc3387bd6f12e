"""Playwright on Debian's Chromium (never `playwright install`), and helpers that drive the web app."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from reelcast.social import accounts as acc

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
PASSWORD = "correct horse battery"


def screenshot_dir() -> Path:
    """Where browser tests save screenshots: $REELCAST_SCREENSHOTS (`make screenshots` points it at
    docs/screenshots/), else a temp folder, so that `make test` leaves the committed images alone."""
    out = Path(os.environ.get("REELCAST_SCREENSHOTS") or Path(tempfile.gettempdir()) / "reelcast-screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out
ADULT = "1990-01-01"


@contextmanager
def chromium(extra_args: list[str] | None = None) -> Iterator[Browser]:
    """Headless Debian Chromium."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS + (extra_args or []))
        try:
            yield browser
        finally:
            browser.close()


def operator_invite(srv: Any) -> str:
    """One operator invite code, minted in the database (what `reelcast invites create` does)."""
    with srv.rt.db.session() as s:
        return acc.mint_invites(s, None, 1)[0]


def sign_up(page: Page, srv: Any, handle: str, birthdate: str = ADULT) -> None:
    """Fill the sign-up form with a fresh invite and land on the feed."""
    page.goto(f"{srv.url}/signup")
    page.fill("input[name=invite_code]", operator_invite(srv))
    page.fill("input[name=handle]", handle)
    page.fill("input[name=display_name]", handle.capitalize())
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=birthdate]", birthdate)
    page.click("button[type=submit]")
    page.wait_for_url(f"{srv.url}/")


def create_video(page: Page, srv: Any, prompt: str) -> str:
    """Submit the Create form with the tiny test size and return the new video id."""
    page.goto(f"{srv.url}/create")
    page.fill("#prompt", prompt)
    page.select_option("select[name=size]", "160x90")
    page.select_option("select[name=seconds]", "1")
    page.click("#createform button[type=submit]")
    page.wait_for_url(re.compile(r".*/videos/video_[^/]+$"))
    return page.url.rsplit("/", 1)[1]


def wait_completed(page: Page, timeout_ms: int = 240_000) -> None:
    """Wait until the progress panel turns into the finished player."""
    page.wait_for_selector("[data-status=completed]", timeout=timeout_ms)


def post_video(page: Page, caption: str) -> str:
    """Post the finished video on its page; returns the post id."""
    page.fill("input[name=caption]", caption)
    page.click(".postform button[type=submit]")
    page.wait_for_url(re.compile(r".*/p/post_[^/]+$"))
    return page.url.rsplit("/", 1)[1]


def video_state(page: Page, selector: str) -> dict[str, Any]:
    """readyState, currentTime and frame size of a <video>."""
    return page.eval_on_selector(selector, "v => ({ready: v.readyState, t: v.currentTime, w: v.videoWidth, "
                                           "h: v.videoHeight, paused: v.paused, err: v.error && v.error.code})")
