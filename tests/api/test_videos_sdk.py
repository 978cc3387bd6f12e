"""Conformance with the OpenAI Videos API as the official `openai` SDK sees it (reference §7)."""

from __future__ import annotations

import base64

import openai
import pytest
from openai.types import Video, VideoDeleteResponse

from tests.api.helpers import TINY, client, png_bytes, tiny


def test_create_returns_pending_video_with_echoed_fields(server):
    c = client(server)
    v = c.videos.create(prompt="a cat", model="sora-2", seconds="8", size="1280x720")
    try:
        assert type(v) is Video and v.object == "video" and v.id
        assert v.status in {"queued", "in_progress"}
        assert (v.model, v.seconds, v.size, v.prompt) == ("sora-2", "8", "1280x720", "a cat")
        assert 0 <= v.progress <= 100 and isinstance(v.created_at, int)
        assert v.completed_at is None and v.error is None
    finally:
        c.videos.delete(v.id)


def test_create_applies_openai_defaults(server):
    c = client(server)
    v = c.videos.create(prompt="x")
    try:
        assert (v.model, v.seconds, v.size) == ("sora-2", "4", "720x1280")
    finally:
        c.videos.delete(v.id)


def test_create_accepts_reference_image_file_part(server):
    c = client(server)
    v = c.videos.create(prompt="a red ball", input_reference=("ref.png", png_bytes(), "image/png"), **TINY)
    assert v.status in {"queued", "in_progress"}


def test_create_accepts_reference_image_data_url_form_field(server):
    c = client(server)
    url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    v = c.videos.create(prompt="a red ball", extra_body={"input_reference": {"image_url": url}}, **TINY)
    assert v.status in {"queued", "in_progress"}


def test_create_accepts_json_body(server):
    c = client(server)
    url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    v = c.videos.create(prompt="a red ball", extra_headers={"Content-Type": "application/json"},
                        extra_body={"input_reference": {"image_url": url}}, **TINY)
    assert v.prompt == "a red ball"


@pytest.mark.parametrize(("field", "value"), [("size", "999x1"), ("seconds", "7")])
def test_invalid_size_or_seconds_is_bad_request_naming_the_param(server, field, value):
    c = client(server)
    with pytest.raises(openai.BadRequestError) as e:
        c.videos.create(prompt="x", **{field: value})
    assert e.value.param == field and e.value.type == "invalid_request_error"
    assert e.value.body["message"]


def test_missing_prompt_is_bad_request(server):
    c = client(server)
    with pytest.raises(openai.BadRequestError) as e:
        c.post("/videos", cast_to=Video, body={"size": "160x90"},
               options={"headers": {"Content-Type": "application/json"}})
    assert e.value.param == "prompt"


def test_unreadable_reference_image_is_bad_request(server):
    c = client(server)
    with pytest.raises(openai.BadRequestError) as e:
        c.videos.create(prompt="x", input_reference=("ref.png", b"not an image", "image/png"), **TINY)
    assert e.value.param == "input_reference"


def test_retrieve_returns_same_video_with_poll_and_request_id_headers(server):
    c = client(server)
    v = c.videos.create(prompt="a blue box falls", **TINY)
    raw = c.videos.with_raw_response.retrieve(v.id)
    r = raw.parse()
    assert r.id == v.id
    assert raw.headers.get("x-request-id")
    if r.status in {"queued", "in_progress"}:
        assert int(raw.headers["openai-poll-after-ms"]) > 0


def test_create_and_poll_completes_default_video(server):
    c = client(server)
    f = c.videos.create_and_poll(prompt="a ball bounces", seconds="4")
    assert f.status == "completed", f.error
    assert f.progress == 100 and f.completed_at >= f.created_at
    assert f.expires_at is None or f.expires_at > f.completed_at


def test_poll_with_custom_interval_returns_terminal_video(server):
    c = client(server)
    v = c.videos.create(prompt="a ball rolls", **TINY)
    f = c.videos.poll(v.id, poll_interval_ms=50)
    assert f.status == "completed"


def test_failed_job_is_returned_by_poll_with_error(server):
    c = client(server)
    f = c.videos.create_and_poll(prompt="reelcast-test-fail please", poll_interval_ms=50, **TINY)
    assert f.status == "failed"
    assert isinstance(f.error.code, str) and isinstance(f.error.message, str) and f.error.message


def test_download_video_is_mp4(server):
    c = client(server)
    f = tiny(c)
    res = c.videos.download_content(f.id)
    assert res.content[4:8] == b"ftyp"
    assert res.response.headers["content-type"] == "video/mp4"


def test_download_thumbnail_is_webp(server):
    c = client(server)
    f = tiny(c)
    data = c.videos.download_content(f.id, variant="thumbnail").content
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def test_download_spritesheet_is_jpeg(server):
    c = client(server)
    f = tiny(c)
    assert c.videos.download_content(f.id, variant="spritesheet").content[:2] == b"\xff\xd8"


def test_streaming_download_to_file(server, tmp_path):
    c = client(server)
    f = tiny(c)
    with c.videos.with_streaming_response.download_content(f.id) as resp:
        resp.stream_to_file(tmp_path / "out.mp4")
    assert (tmp_path / "out.mp4").read_bytes()[4:8] == b"ftyp"


def test_download_of_pending_video_is_bad_request_without_retry(server):
    c = client(server, max_retries=2)
    v = c.videos.create(prompt="x", seconds="8", size="1280x720")
    try:
        with pytest.raises(openai.BadRequestError):
            c.videos.download_content(v.id)
    finally:
        c.videos.delete(v.id)


def test_download_unknown_variant_is_bad_request(server):
    c = client(server)
    f = tiny(c)
    with pytest.raises(openai.BadRequestError) as e:
        c.videos.download_content(f.id, variant="poster")  # type: ignore[arg-type]
    assert e.value.param == "variant"


def test_list_paginates_with_cursor(server):
    c = client(server)
    made = [c.videos.create(prompt=f"list item {i}", **TINY).id for i in range(3)]
    p = c.videos.list(limit=2, order="asc", after=_before(c, made[0]))
    assert [x.id for x in p.data] == made[:2]
    assert p.has_more is True and p.last_id == p.data[-1].id
    assert p.has_next_page()
    assert p.get_next_page().data[0].id == made[2]


def _before(c, first_id):  # type: ignore[no-untyped-def]
    """The id just before `first_id` in ascending order (None when it is the first)."""
    ids = [x.id for x in c.videos.list(limit=100, order="asc")]
    i = ids.index(first_id)
    return ids[i - 1] if i > 0 else openai.NOT_GIVEN


def test_list_auto_iterates_every_video_once(server):
    c = client(server)
    for i in range(3):
        c.videos.create(prompt=f"iter {i}", **TINY)
    ids = [x.id for x in c.videos.list(limit=2)]
    assert len(ids) == len(set(ids)) >= 3


def test_list_desc_reverses_asc(server):
    c = client(server)
    asc = [x.id for x in c.videos.list(limit=100, order="asc")]
    desc = [x.id for x in c.videos.list(limit=100, order="desc")]
    assert desc == asc[::-1]


def test_list_limit_over_100_is_bad_request(server):
    c = client(server)
    with pytest.raises(openai.BadRequestError):
        c.videos.list(limit=101)


def test_list_after_last_video_is_empty(server):
    c = client(server)
    newest = c.videos.list(limit=1, order="desc").data[0].id
    p = c.videos.list(order="asc", after=newest)
    assert p.data == [] and p.has_more is False and p.last_id is None


def test_remix_creates_new_pending_video_linked_to_source(server):
    c = client(server)
    f = tiny(c)
    rx = c.videos.remix(f.id, prompt="make it blue")
    assert rx.id != f.id and rx.remixed_from_video_id == f.id
    assert rx.status in {"queued", "in_progress"}


def test_remix_of_unfinished_video_is_bad_request(server):
    c = client(server)
    v = c.videos.create(prompt="x", seconds="8", size="1280x720")
    try:
        with pytest.raises(openai.BadRequestError):
            c.videos.remix(v.id, prompt="make it blue")
    finally:
        c.videos.delete(v.id)


def test_extend_reports_stitched_total_seconds(server):
    c = client(server)
    f = tiny(c)
    mp4 = c.videos.download_content(f.id).content
    ext = c.videos.extend(prompt="the ball keeps rolling", seconds="1", video=("in.mp4", mp4, "video/mp4"))  # type: ignore[arg-type]
    done = c.videos.poll(ext.id, poll_interval_ms=50)
    assert done.status == "completed", done.error
    assert done.seconds == "2"


def test_edit_with_uploaded_video_returns_video(server):
    c = client(server)
    f = tiny(c)
    mp4 = c.videos.download_content(f.id).content
    ed = c.videos.edit(prompt="make the ball green", video=("in.mp4", mp4, "video/mp4"))
    assert ed.object == "video" and ed.id != f.id


def test_character_round_trip(server):
    c = client(server)
    f = tiny(c)
    mp4 = c.videos.download_content(f.id).content
    ch = c.videos.create_character(name="bob", video=("c.mp4", mp4, "video/mp4"))
    assert ch.id and ch.name == "bob" and isinstance(ch.created_at, int)
    got = c.videos.get_character(ch.id)
    assert (got.id, got.name, got.created_at) == (ch.id, ch.name, ch.created_at)


def test_delete_removes_video_and_content(server):
    c = client(server)
    f = tiny(c)
    d = c.videos.delete(f.id)
    assert d == VideoDeleteResponse(id=f.id, object="video.deleted", deleted=True)
    with pytest.raises(openai.NotFoundError):
        c.videos.retrieve(f.id)
    with pytest.raises(openai.NotFoundError):
        c.videos.download_content(f.id)


def test_unknown_video_is_not_found_with_openai_error_shape(server):
    c = client(server)
    with pytest.raises(openai.NotFoundError) as e:
        c.videos.retrieve("video_missing")
    err = e.value
    assert err.status_code == 404 and err.code and err.type
    assert err.message.startswith("Error code: 404 - ")
    assert err.request_id


def test_bad_api_key_is_authentication_error(server):
    c = openai.OpenAI(api_key="rc-wrong", base_url=server.api, max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        c.videos.retrieve("video_missing")
