"""The filter's headline matching (reader.title_match): the same rows as checking every title, found faster."""

from __future__ import annotations

from reader.model import Article
from reader.title_match import TitleMatcher


def rows() -> list[Article]:
    titles = [
        "Harbour stalls reopen after the STORM",
        "Storm closes the harbour",
        "Council debates the ferry budget",
        "Straße works: ÉTÉ festival",
        "Title with a \0 zero byte",
        "",
    ]
    return [Article(id=f"s{n}", title=title) for n, title in enumerate(titles)]


def by_loop(articles: list[Article], words: list[str]) -> list[int]:
    return [n for n, a in enumerate(articles) if all(w in a.title.casefold() for w in words)]


def test_matching_finds_the_rows_every_word_is_in_like_a_plain_loop() -> None:
    articles = rows()
    matcher = TitleMatcher(articles)
    for query in ["storm", "harbour storm", "STORM harb", "e", "strasse", "été", "zero byte", "nothing", "t h e"]:
        words = query.casefold().split()
        assert matcher.matching(words) == by_loop(articles, words), query


def test_a_word_never_spans_two_titles() -> None:
    matcher = TitleMatcher([Article(id="a", title="ends in storm"), Article(id="b", title="harbour begins")])
    assert matcher.matching(["stormharbour"]) == []
    assert matcher.matching(["storm\0harbour"]) == []
    assert matcher.matching(["m"]) == [0]


def test_positions_keep_row_order_and_every_row_of_a_repeated_id() -> None:
    articles = rows()
    articles.append(articles[1])  # a bookmark listed twice, say
    matcher = TitleMatcher(articles)
    assert matcher.positions({"s3", "s1", "gone"}) == [1, 3, 6]
    assert matcher.positions(set()) == []


def test_fits_only_the_same_stories_in_the_same_order() -> None:
    articles = rows()
    matcher = TitleMatcher(articles)
    assert matcher.fits(list(articles))
    assert not matcher.fits(articles[::-1])
    assert not matcher.fits(articles[:-1])
    changed = [*articles[:-1], Article(id=articles[-1].id, title="A new headline")]
    assert not matcher.fits(changed)  # same id, new story object: the titles are folded again
