"""The video page follows a render live: it shows the queued/rendering panel and turns into the player when the
job completes, without a reload."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.social_helpers import render_all
from tests.conftest import Server, server_settings, start_server
from tests.web.browser import PHONE, chromium, create_video, sign_up


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """No worker: the test decides when the job renders."""
    srv = start_server(server_settings(tmp_path_factory.mktemp("progress"), None, worker="none",
                                       daily_video_quota=5))
    yield srv
    srv.stop()
    srv.rt.close()


def test_video_page_turns_into_the_player_when_the_render_finishes(site: Server) -> None:
    """Queued panel first; after the job renders, the polled panel swaps to a playing <video>."""
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE).new_page()
        sign_up(page, site, "watcher")
        page.goto(f"{site.url}/create")
        assert page.inner_text(".quota") == "5 of 5"  # the daily quota is shown before creating
        create_video(page, site, "a red ball bounces on the floor")
        assert page.get_attribute(".progress", "data-status") == "queued"
        assert page.locator("#player").count() == 0
        assert render_all(site) == 1
        page.wait_for_selector("[data-status=completed] #player", timeout=60_000)
        page.wait_for_function("() => document.querySelector('#player').readyState >= 3", timeout=30_000)
        page.goto(f"{site.url}/create")
        assert page.inner_text(".quota") == "4 of 5"
