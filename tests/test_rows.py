"""The list's data in columns (reader.rows): compact in memory, the same rows as the cache file holds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from reader.library import ParseCache, load_library
from reader.model import Article
from reader.rows import COLUMNS, Rows
from tests.helpers.pages import write


def some_rows(count: int = 6) -> Rows:
    rows = Rows()
    for n in range(count):
        article = Article(
            id=f"story-{n}",
            title=f"Story number {n}",
            section=("WORLD", "SPORT", None)[n % 3],
            published=("2025-05-01", "2025-05-02")[n % 2],
            read_minutes=n % 4 or None,
        )
        rows.append(f"/lib/story-{n}.txt", 1000 + n, 1_750_000_000_123_456_789 + n, article)
    return rows


def through_json(rows: Rows) -> dict[str, Any]:
    """The columns as the cache file holds them, decoded again (every text a new object)."""
    data: dict[str, Any] = orjson.loads(orjson.dumps(rows.to_json()))
    return data


def test_rows_read_back_from_json_are_the_rows_written() -> None:
    rows = some_rows()
    back = Rows.from_json(through_json(rows))
    assert back.same(rows) and len(back) == 6
    assert [back.article(n) for n in range(6)] == rows.articles()
    assert back.mtimes[5] == 1_750_000_000_123_456_794  # nanoseconds kept exactly
    assert all(type(column) is list for column in rows.to_json().values())  # ready for JSON


def test_sections_and_dates_read_back_are_one_string_each() -> None:
    """JSON decoding makes a string at every use; the rows keep one (100k stories, a handful of sections)."""
    data = through_json(some_rows())
    assert data["sections"][0] is not data["sections"][3]
    back = Rows.from_json(data)
    assert back.sections[0] == back.sections[3] == "WORLD" and back.sections[0] is back.sections[3]
    assert back.published[1] is back.published[3] is back.published[5]
    articles = back.articles()
    assert articles[1].section is articles[4].section == "SPORT"


def test_a_number_too_large_for_the_rows_drops_that_row_only() -> None:
    """A damaged cache holding a size or mtime past 64 bits: that row is dropped (its file parsed again)."""
    data = through_json(some_rows())
    data["sizes"][2] = 2**64
    data["mtimes"][4] = -(2**70)
    back = Rows.from_json(data)
    assert back.ids == ["story-0", "story-1", "story-3", "story-5"]
    assert list(back.sizes) == [1000, 1001, 1003, 1005]


def test_every_column_is_checked_and_kept() -> None:
    data = through_json(some_rows())
    assert set(COLUMNS) <= set(data)
    data["titles"][1] = "\x1b[2JPwned"
    back = Rows.from_json(data)
    assert "story-1" not in back.ids and len(back) == 5


def test_a_second_load_of_unchanged_files_leaves_the_cache_file_alone(tmp_path: Path) -> None:
    """The rows read back compare equal to those found again: the cache is not written at every start."""
    folder = tmp_path / "lib"
    for n in range(3):
        write(folder, f"s{n}.txt", f"Story {n} of the harbour", "Body.", f"May {n + 1}, 2025")
    cache_file = tmp_path / "cache" / "parse-cache.json"
    first = load_library([folder], cache=ParseCache(cache_file))
    written = cache_file.stat()
    os.utime(cache_file, ns=(1, 1))  # a rewrite would change it
    again = load_library([folder], cache=ParseCache(cache_file))
    assert cache_file.stat().st_mtime_ns == 1 and cache_file.stat().st_ino == written.st_ino
    assert [a.title for a in again.articles] == [a.title for a in first.articles]
    trusted = load_library([folder], cache=ParseCache(cache_file), trust=True)
    assert trusted.unchecked and [a.id for a in trusted.articles] == [a.id for a in first.articles]
    assert trusted.disk is not None and trusted.disk.unchanged()


def test_stamps_join_to_one_line_a_row_in_order() -> None:
    """What keys the backlinks kept between runs: the same text however many rows (kept files stay valid)."""
    rows = some_rows(4321)
    lines = "".join(rows.stamps()).split("\n")
    assert len(lines) == 4322 and lines[-1] == ""
    assert lines[0] == "/lib/story-0.txt\x001000\x001750000000123456789"
    assert lines[4320] == f"/lib/story-4320.txt\x00{1000 + 4320}\x00{1_750_000_000_123_456_789 + 4320}"
    assert "".join(Rows().stamps()) == ""


def test_a_partial_article_has_every_field_of_the_full_one() -> None:
    """The list's articles are built field by field (fast): each field set, the rest as the dataclass's defaults."""
    from dataclasses import fields

    from reader.rows import partial_article

    article = partial_article("story-1", "A title", "WORLD", 4, "2025-05-01")
    full = Article(id="story-1", title="A title", section="WORLD", read_minutes=4, published="2025-05-01")
    for field in fields(Article):
        expected = True if field.name == "partial" else getattr(full, field.name)
        assert getattr(article, field.name) == expected, field.name
    assert article == full and hash(article) == hash(full) and repr(article) == repr(full)


def test_each_kind_of_unsafe_text_in_a_cached_column_drops_its_row_only() -> None:
    """The columns are checked whole (quick); a title with any character the parser never leaves (C0 and C1
    controls, DEL, bidirectional overrides, lone surrogates, line breaks) drops that row; accents and the rest stay."""
    bad = ["\x1b[2J", "a\x00b", "del\x7f", "tab\there", "two\nlines", "c1 \x85", "bidi \u202e", "iso \u2066", "\ud800"]
    good = ["Café crème", "Ελληνικά", "emoji 🎉", "plain ASCII"]
    for title in bad:
        data = through_json(some_rows())
        data["titles"][2] = title
        assert Rows.from_json(data).ids == [f"story-{n}" for n in (0, 1, 3, 4, 5)], repr(title)
    for title in good:
        data = through_json(some_rows())
        data["titles"][2] = title
        assert Rows.from_json(data).titles[2] == title
