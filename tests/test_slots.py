"""Slots: items found by key through a table of numbers (the resolver's and backlinks' lookups)."""

from __future__ import annotations

import pytest

from reader.slots import Slots


def test_every_key_is_found_and_a_missing_one_is_not() -> None:
    keys = [f"story-{n}" for n in range(1000)]
    slots = Slots(len(keys))
    slots.place(map(hash, keys))
    for n, key in enumerate(keys):
        assert slots.find(hash(key), lambda m, key=key: keys[m] == key) == n  # type: ignore[misc]
    assert slots.find(hash("story-1000"), lambda m: keys[m] == "story-1000") is None


def test_of_equal_keys_the_first_placed_is_found() -> None:
    keys = ["harbour", "ferry", "harbour", "tram", "ferry"]
    slots = Slots(len(keys))
    slots.place(map(hash, keys), lambda number, other: keys[number] == keys[other])
    assert [slots.find(hash(k), lambda m, k=k: keys[m] == k) for k in keys] == [0, 1, 0, 3, 1]  # type: ignore[misc]


def test_colliding_hashes_are_told_apart_by_their_keys() -> None:
    keys = ["a", "b", "c", "d"]
    slots = Slots(len(keys))
    slots.place([7, 7, 7, 7])  # every key in one slot: each goes further along
    assert [slots.find(7, lambda m, k=k: keys[m] == k) for k in keys] == [0, 1, 2, 3]  # type: ignore[misc]
    assert slots.find(7, lambda m: keys[m] == "e") is None


def test_an_empty_table_finds_nothing_and_a_full_one_refuses_more() -> None:
    assert Slots(0).find(hash("x"), lambda m: True) is None
    slots = Slots(2)
    with pytest.raises(ValueError, match="more than 2"):
        slots.place([1, 2, 3])
