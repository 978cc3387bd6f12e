"""Feed items: the page query's columns and the named rows read from it stay in step."""

from __future__ import annotations

from reelcast.feed import items


def test_page_row_fields_are_the_page_query_columns_in_order() -> None:
    for pg in (False, True):
        assert tuple(c.key for c in items._page_query(pg).selected_columns) == items.PageRow._fields
