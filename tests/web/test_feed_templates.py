"""The feed template renders every item type of the feed contract, including the wellbeing items."""

from __future__ import annotations

from reelcast.web.common import templates


def render_items(items: list[dict]) -> str:
    """The feed items partial for a page of items."""
    page = {"object": "list", "data": items, "next_cursor": None, "has_more": False}
    return templates.get_template("_feed_items.html").render(page=page, mood="", csrf="t")


def test_break_item_shows_its_message_and_when_the_feed_resumes() -> None:
    """A teen's break screen says why and until when, and offers to create instead."""
    html = render_items([{"object": "feed.item", "type": "break", "message": "Time to rest your eyes.",
                          "resumes_at": 1_800_000_000}])
    assert 'class="slide wellbeing break"' in html
    assert "Time to rest your eyes." in html
    assert "2027-01-15 08:00 UTC" in html
    assert 'href="/create"' in html


def test_nudge_item_offers_its_prompt_idea_on_the_create_page() -> None:
    """An adult's nudge links to Create with the suggested prompt filled in."""
    html = render_items([{"object": "feed.item", "type": "nudge", "message": "Make one yourself?",
                          "prompt_idea": "a cat surfs a tiny wave"}])
    assert 'class="slide wellbeing nudge"' in html
    assert 'action="/create"' in html and 'name="prompt" value="a cat surfs a tiny wave"' in html


def test_post_item_shows_its_reason() -> None:
    """Every post says why it is in the feed."""
    post = {"id": "post_1", "author": "mina", "caption": "hi", "cameos": [], "like_count": 0, "comment_count": 0,
            "you_like": False, "video": {"prompt": "a ball"}}
    html = render_items([{"object": "feed.item", "type": "post", "post": post, "reason": "you follow @mina"}])
    assert "you follow @mina" in html
    assert 'src="/media/posts/post_1"' in html and "muted" in html


def test_next_page_loads_when_the_last_item_scrolls_into_view() -> None:
    """With more items, the feed ends in an htmx loader for the next cursor (keeping the mood)."""
    page = {"object": "list", "data": [], "next_cursor": "1700000000:post_9", "has_more": True}
    html = templates.get_template("_feed_items.html").render(page=page, mood="cute animals", csrf="t")
    assert 'hx-get="/feed/more?cursor=1700000000%3Apost_9&mood=cute%20animals"' in html
    assert 'hx-trigger="revealed"' in html
