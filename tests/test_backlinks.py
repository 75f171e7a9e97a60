"""Backlinks: every story's "Linked from", as built, and as read back from the file kept between runs."""

from __future__ import annotations

import os
from pathlib import Path

from reader.backlinks import Backlinks
from reader.links import Resolver
from reader.model import Article


def stories(count: int) -> list[Article]:
    """Stories each linking to the next two (by headline) and to one that does not exist."""
    return [
        Article(
            id=f"s{n}",
            title=f"Harbour story number {n} of the week",
            related=(f"Harbour story number {(n + 1) % count} of the week",),
            explore=(f"Harbour story number {(n + 2) % count} of the week", "A story nobody wrote"),
        )
        for n in range(count)
    ]


def expected(articles: list[Article]) -> dict[str, list[str]]:
    """Who links to whom, the slow plain way."""
    resolver = Resolver((a.id, a.title) for a in articles)
    found: dict[str, list[str]] = {a.id: [] for a in articles}
    for article in articles:
        targets = dict.fromkeys(t for h in article.related + article.explore if (t := resolver.resolve(h)))
        for target in targets:
            if target != article.id:
                found[target].append(article.id)
    return found


def test_built_kept_and_read_back_in_either_order_every_story_has_its_backlinks(tmp_path: Path) -> None:
    articles = stories(300)
    resolver = Resolver((a.id, a.title) for a in articles)
    built = Backlinks.build(articles, resolver.resolve, lambda a: (a.related, a.explore))
    want = expected(articles)
    assert {a.id: [b.id for b in built.of(a.id)] for a in articles} == want
    assert built.of("no-such-story") == []
    built.write(tmp_path / "backlinks.bin", "key")
    same = Backlinks.read(tmp_path / "backlinks.bin", "key", articles)
    shuffled = articles[1::2] + articles[::2]
    other_order = Backlinks.read(tmp_path / "backlinks.bin", "key", shuffled)
    assert same is not None and other_order is not None
    assert {a.id: [b.id for b in same.of(a.id)] for a in articles} == want
    assert {a.id: sorted(b.id for b in other_order.of(a.id)) for a in articles} == {
        k: sorted(v) for k, v in want.items()
    }
    assert Backlinks.read(tmp_path / "backlinks.bin", "other key", articles) is None
    assert (
        Backlinks.read(tmp_path / "backlinks.bin", "key", [*articles[:-1], stories(301)[-1]]) is None
    )  # other stories


def test_a_kept_file_cut_short_grown_or_not_a_file_is_not_used(tmp_path: Path) -> None:
    articles = stories(50)
    resolver = Resolver((a.id, a.title) for a in articles)
    path = tmp_path / "backlinks.bin"
    Backlinks.build(articles, resolver.resolve, lambda a: (a.related, a.explore)).write(path, "key")
    whole = path.read_bytes()
    for damaged in (whole[:-1], whole + b"\0\0\0\0", whole[:40], b""):
        path.write_bytes(damaged)
        assert Backlinks.read(path, "key", articles) is None
    path.unlink()
    os.mkfifo(path)  # a pipe where the file was: refused at once, never waited on
    assert Backlinks.read(path, "key", articles) is None
    path.unlink()
    path.mkdir()
    assert Backlinks.read(path, "key", articles) is None
