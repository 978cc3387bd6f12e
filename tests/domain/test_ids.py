"""Prefixed sortable ids."""

from reelcast.domain.ids import new_id


def test_ids_have_prefix_and_sort_by_creation():
    ids = [new_id("video") for _ in range(500)]
    assert all(i.startswith("video_") for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
