"""Issue 10 bug 7: reworded headlines (same key words, another order) resolve; other stories do not."""

from __future__ import annotations

import pytest

from reader.links import Resolver

TITLES = [
    ("lantern", "'Lantern parade' returns to Port Elsen night market"),
    ("barley", "Veldan Highlands farmers harvest a record crop of blue barley"),
    ("lighthouse", "Marrowick council votes to restore the Greyhaven lighthouse"),
    ("eu", "Trump meets EU chief"),
    ("tram", "Tram line to link Port Elsen and Cobalt Bay by 2028"),
]


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Port Elsen night market brings back the lantern parade", "lantern"),
        ("Night market in Port Elsen: the lantern parade returns", "lantern"),
        ("EU chief meets Trump", "eu"),  # the same four key words
        # different stories that share words
        ("Port Elsen night market closes for the winter", None),
        ("Lantern parade cancelled in Port Elsen", None),
        ("Veldan Highlands farmers harvest a record crop of red wool", None),  # same order: substitutions
        ("Record crop of red wool for Veldan Highlands farmers", None),
        ("NATO chief meets Trump", None),  # three shared key words: too few to judge by
        ("Cobalt Bay and Port Elsen tram line opens in 2031 after a long delay", None),
        ("Port Elsen council votes to restore the night market lighthouse", None),
    ],
)
def test_reworded_headlines_resolve_and_other_stories_do_not(headline: str, expected: str | None) -> None:
    assert Resolver(TITLES).resolve(headline) == expected


def test_the_closest_rewording_wins() -> None:
    titles = [
        ("fewer", "Port Elsen night market lantern parade draws record crowds to the harbour"),
        ("lantern", "'Lantern parade' returns to Port Elsen night market"),
    ]
    assert Resolver(titles).resolve("Port Elsen night market brings back the lantern parade") == "lantern"


def test_titles_with_the_same_words_resolve_to_the_first_and_near_matches_to_the_closest() -> None:
    titles = [
        ("first", "Harbour wall repairs begin after the winter storms"),
        ("second", "Harbour wall: repairs begin after the winter storms!"),  # the same words
        ("tram", "Tram line to Cobalt Bay opens"),
        ("élan", "Élan of the harbour café"),
    ]
    resolver = Resolver(titles)
    assert resolver.resolve("HARBOUR WALL REPAIRS BEGIN AFTER THE WINTER STORMS") == "first"
    assert resolver.resolve("Harbour wall repairs begin today after the winter storms") == "first"  # a new word
    assert resolver.resolve("Tram line to Cobalt Bay reopens") == "tram"  # one word changed
    assert resolver.resolve("elan of the harbour cafe") == "élan"  # accents and case do not count
    assert resolver.resolve("Zeppelin lands in Cobalt Bay") is None
    assert resolver.resolve("") is None


def test_a_large_library_resolves_every_title_to_itself_or_its_first_twin() -> None:
    titles = [(f"s{n}", f"Story {n % 4000} of harbour day {n % 7}") for n in range(5000)]
    resolver = Resolver(titles)
    first: dict[str, str] = {}
    for ident, title in titles:
        first.setdefault(title, ident)
    assert all(resolver.resolve(title) == first[title] for _, title in titles)
