"""Cameo set-up in Chromium with a fake camera and microphone: the page gets a challenge, records with
getUserMedia + MediaRecorder, uploads the webm clip to POST /v1/cameos and shows the status the server returns.

Written against the cameo-verification API contract (issue #6: POST /v1/cameos/challenges, multipart POST
/v1/cameos {challenge_id, video}, GET /v1/cameos/{id}); it passes once that API is merged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Route

from tests.conftest import Server, server_settings, start_server
from tests.web.browser import PHONE, chromium, screenshot_dir, sign_up
from tests.web.media_fixtures import face_still, speak_digits, write_y4m


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real server on SQLite with the inline worker."""
    srv = start_server(server_settings(tmp_path_factory.mktemp("cameo-web"), None))
    yield srv
    srv.stop()
    srv.rt.close()


def test_setup_page_records_uploads_and_shows_the_verdict(site: Server, tmp_path: Path) -> None:
    """Challenge → camera recording → multipart webm upload → the server's status (and reason) on the page."""
    video = write_y4m(tmp_path / "face.y4m", face_still())
    audio = speak_digits(tmp_path / "digits.wav", "0")  # replaced by the real digits once the challenge is known
    args = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}", f"--use-file-for-fake-audio-capture={audio}"]
    with chromium(args) as browser:
        ctx = browser.new_context(viewport=PHONE)
        ctx.grant_permissions(["camera", "microphone"])
        page = ctx.new_page()
        sign_up(page, site, "camila")
        challenge: dict = {}

        def speak_challenge(route: Route) -> None:
            # The fake microphone reads its file when capture starts, which the page does after the challenge.
            resp = route.fetch()
            challenge.update(resp.json())
            speak_digits(audio, str(challenge.get("digits", "")))
            route.fulfill(response=resp)

        page.route("**/v1/cameos/challenges", speak_challenge)
        page.goto(f"{site.url}/cameos/setup")
        page.click("#start")
        page.wait_for_selector("#setup[data-state=recording], #setup[data-state=error]", timeout=30_000)
        assert page.get_attribute("#setup", "data-state") == "recording", page.inner_text("#status")
        assert page.inner_text("#digits") == challenge["digits"]
        assert page.locator("#turns li").count() == len(challenge["turns"])
        # long enough for the digits (spoken from 1 s in) and the turns; the verifier accepts 3–15 s
        page.wait_for_function("() => parseFloat(document.getElementById('rectime').textContent) >= 8",
                               timeout=30_000)
        with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/v1/cameos")) as sent:
            page.click("#stop")
        req = sent.value
        assert req.headers["content-type"].startswith("multipart/form-data")
        body = req.post_data_buffer or b""
        assert b'name="challenge_id"' in body and challenge["id"].encode() in body
        assert b'filename="cameo.webm"' in body and b"Content-Type: video/webm" in body
        assert int(page.get_attribute("#setup", "data-bytes") or 0) > 1000
        page.wait_for_selector("#cameo-status", timeout=120_000)
        page.wait_for_function("() => ['active', 'rejected', 'in_review'].includes("
                               "document.getElementById('verdict').dataset.status)", timeout=180_000)
        status = page.get_attribute("#verdict", "data-status")
        if status == "rejected":
            assert page.inner_text("#cameo-reason").strip() != ""  # the reason is shown
        page.screenshot(path=str(screenshot_dir() / "cameo-setup-verdict-phone.png"))
