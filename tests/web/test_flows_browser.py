"""End to end in a real browser: sign up with an invite, create, watch it render and play, post, a second user
sees it in the feed and remixes it, and the first user sees the remix in the lineage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Server, server_settings, start_server
from tests.web.browser import (
    DESKTOP,
    PHONE,
    chromium,
    create_video,
    post_video,
    screenshot_dir,
    sign_up,
    video_state,
    wait_completed,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real server on SQLite with the inline worker."""
    srv = start_server(server_settings(tmp_path_factory.mktemp("web"), None))
    yield srv
    srv.stop()
    srv.rt.close()


def test_create_post_feed_remix_lineage(site: Server) -> None:
    """The product's main loop works in Chromium, and the <video> element really plays what was rendered."""
    with chromium() as browser:
        mina_ctx = browser.new_context(viewport=PHONE)
        mina = mina_ctx.new_page()
        sign_up(mina, site, "mina")
        video_id = create_video(mina, site, "a red ball bounces on the floor")
        # live progress: the page polls until the render is done, then shows the player
        wait_completed(mina)
        mina.wait_for_function("() => { const v = document.querySelector('#player');"
                               " return v && v.readyState >= 3 && v.currentTime > 0.1; }", timeout=30_000)
        first = video_state(mina, "#player")
        mina.wait_for_function(f"() => document.querySelector('#player').currentTime != {first['t']}",
                               timeout=10_000)
        assert first["err"] is None
        assert (first["w"], first["h"]) == (160, 90)
        assert mina.locator(".plan").count() == 1  # the plan is shown back
        post_id = post_video(mina, "my first reel")
        ranged = mina.request.get(f"{site.url}/media/posts/{post_id}", headers={"range": "bytes=0-99"})
        assert ranged.status == 206 and len(ranged.body()) == 100  # seeking works: the media route serves ranges

        jo_ctx = browser.new_context(viewport=DESKTOP)
        jo = jo_ctx.new_page()
        sign_up(jo, site, "jonas")
        slide = jo.locator(f"article.slide[data-post='{post_id}']")
        slide.wait_for()
        assert slide.locator(".reason").inner_text().strip() != ""
        jo.wait_for_function(f"() => {{ const v = document.querySelector(\"article[data-post='{post_id}'] video\");"
                             " return v && v.readyState >= 3 && !v.paused && v.muted; }", timeout=30_000)
        slide.locator("a[aria-label=Remix]").click()
        jo.wait_for_url(f"**/create?remix={post_id}")
        jo.fill("#prompt", "make it snow")
        jo.click("#createform button[type=submit]")
        jo.wait_for_url("**/videos/video_*")
        remix_video_id = jo.url.rsplit("/", 1)[1]
        assert remix_video_id != video_id
        wait_completed(jo)
        remix_post_id = post_video(jo, "now with snow")

        mina.goto(f"{site.url}/p/{post_id}")
        remixes = mina.locator("#lineage a[href='/p/" + remix_post_id + "']")
        assert remixes.count() == 1
        mina.goto(f"{site.url}/p/{remix_post_id}")
        assert mina.locator(f"#lineage a[href='/p/{post_id}']").count() == 1
        mina.screenshot(path=str(screenshot_dir() / "flow-post-lineage-phone.png"))
