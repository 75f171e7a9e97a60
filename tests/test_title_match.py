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


def many_rows(count: int = 1200) -> list[Article]:
    """Titles where some words are rare (found place by place) and some common (title by title)."""
    words = ["harbour", "Storm", "ferry", "ÉTÉ", "straße", "council", "budget", "night"]
    articles = []
    for n in range(count):
        picked = [words[(n * k) % len(words)] for k in (1, 3, 5) if (n + k) % (k + 1)]
        rare = ["zeppelin"] if n % 397 == 5 else []
        articles.append(Article(id=f"s{n % 1000}", title=" ".join([*picked, *rare, f"no{n}"])))
    return articles


def test_rare_and_common_words_give_the_rows_a_plain_loop_gives() -> None:
    """A word in few titles is found place by place, one in many title by title: the same rows either way."""
    articles = many_rows()
    matcher = TitleMatcher(articles)
    queries = [
        "zeppelin",  # rare: 4 titles
        "zeppelin storm",  # rare, with a common word
        "storm",  # common
        "storm harbour night",
        "strasse",  # ß folds to ss
        "été council",
        "no1",  # no1, no10..no19, no100..: many, each a prefix
        "no1199",  # the very last title
        "no0 harbour",  # the very first title
        "1 no",
        "nothing here",
    ]
    for query in queries:
        words = query.casefold().split()
        expected = by_loop(articles, words)
        assert matcher.matching(words) == expected, query
    assert len(matcher.matching(["zeppelin"])) == 4
    assert len(matcher.matching(["storm"])) > len(articles) // 8  # common enough to be checked title by title


def test_plain_ascii_titles_with_a_zero_byte_stay_apart() -> None:
    articles = [Article(id="a", title="storm\0harbour"), Article(id="b", title="ferry")]
    matcher = TitleMatcher(articles)
    assert matcher.matching(["harbour"]) == [0]
    assert matcher.matching(["ferry"]) == [1]
    assert matcher.matching(["storm", "harbour"]) == [0]


def test_positions_of_many_ids_among_many_rows() -> None:
    articles = many_rows()  # ids s0..s999, then s0..s199 again
    matcher = TitleMatcher(articles)
    assert matcher.positions(["s5", "s999", "s1000", "nothing"]) == [5, 999, 1005]
    wanted = {f"s{n}" for n in range(0, 1000, 7)}
    assert matcher.positions(wanted) == [n for n, a in enumerate(articles) if a.id in wanted]


def test_a_search_overtaken_by_a_newer_one_stops_looking_through_the_titles() -> None:
    articles = [Article(id=f"s{n}", title=f"Harbour story {n}") for n in range(10_000)]
    matcher = TitleMatcher(articles)
    asked: list[int] = []

    def stale() -> bool:
        asked.append(1)
        return len(asked) > 2  # a newer query came while the third chunk of titles was due

    assert len(matcher.matching(["harbour"])) == 10_000  # every title checked: a common word
    found = matcher.matching(["harbour"], stale)
    assert len(asked) == 3 and len(found) < 10_000  # stopped early, its rows thrown away by the caller
    assert matcher.matching(["harbour", "story"], lambda: False) == list(range(10_000))
