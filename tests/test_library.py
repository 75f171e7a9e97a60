"""The library: loading, dedup, problems, the parse cache, link resolution and backlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.library import Library, ParseCache, load_library
from reader.links import Resolver
from reader.model import Article
from reader.paths import seeds_dir

PAGE = "SECTION\n1 MIN READ\n{title}\nA dek line.\n{date}\n\nBody text of {title}.\n\n{related}SOURCE:Sample\nExplore\n{explore}\n"


def write(folder: Path, name: str, title: str, date: str = "May 1, 2025", related: str = "", explore: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    rel = f"Related{related}\n" if related else ""
    path.write_text(PAGE.format(title=title, date=date, related=rel, explore=explore), encoding="utf-8")
    return path


def test_bundled_seeds_load_newest_first_without_problems() -> None:
    library = load_library(folders=[seeds_dir()])
    assert len(library) >= 11
    dates = [a.published or "" for a in library.articles]
    assert dates == sorted(dates, reverse=True)
    assert library.problems == []


def test_bad_files_are_skipped_and_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", "A good story")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    (tmp_path / "notes.md").write_text("not an article file")
    library = load_library([tmp_path, tmp_path / "missing"])
    assert [a.title for a in library.articles] == ["A good story"]
    reasons = {p.path.name: p.reason for p in library.problems}
    assert reasons.keys() == {"empty.txt", "binary.txt", "missing"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]


def test_the_same_article_found_twice_appears_once(tmp_path: Path) -> None:
    write(tmp_path / "a", "one.txt", "Same story")
    write(tmp_path / "b" / "deep", "two.txt", "Same story")
    write(tmp_path / "b", "other.txt", "Other story", date="June 2, 2025")
    library = load_library([tmp_path / "a", tmp_path / "b"])
    assert [a.title for a in library.articles] == ["Other story", "Same story"]


def test_parse_cache_avoids_reparsing_unchanged_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    for n in range(5):
        write(folder, f"s{n}.txt", f"Story number {n}")
    cache_file = tmp_path / "cache.json"
    load_library([folder], cache=ParseCache(cache_file))
    calls: list[Path] = []
    import reader.heads as heads_module

    real = heads_module.parse_head
    monkeypatch.setattr(heads_module, "parse_head", lambda p, *rest: calls.append(Path(p)) or real(p, *rest))
    again = load_library([folder], cache=ParseCache(cache_file))
    assert len(again) == 5 and calls == []
    changed = write(folder, "s3.txt", "Story number three, edited")
    os.utime(changed, ns=(1, 1_000_000_000))
    third = load_library([folder], cache=ParseCache(cache_file))
    assert [p.name for p in calls] == ["s3.txt"]
    assert "Story number three, edited" in {a.title for a in third.articles}


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"format": 1, "parser": 1, "entries": {"x": 5}}', b"[]"])
def test_a_corrupt_cache_is_rebuilt_silently(tmp_path: Path, garbage: bytes) -> None:
    write(tmp_path / "lib", "s.txt", "A cached story")
    cache_file = tmp_path / "cache.json"
    cache_file.write_bytes(garbage)
    library = load_library([tmp_path / "lib"], cache=ParseCache(cache_file))
    assert [a.title for a in library.articles] == ["A cached story"] and library.problems == []
    assert ParseCache(cache_file).entries  # rewritten in good shape


TITLES = [
    ("lighthouse", "Marrowick council votes to restore the Greyhaven lighthouse"),
    ("barley", "Veldan Highlands farmers harvest a record crop of blue barley"),
    ("trump", "'Stop worrying about Trump': NATO chief to allies"),
    ("turkiye", "Türkiye expresses condolences over deadly landslide in DRC"),
    ("toll", "Search for 10 missing in Indonesia landslide enters 9th day, death toll climbs to 70"),
    ("eu", "Trump meets EU chief"),
]


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("MARROWICK COUNCIL VOTES TO RESTORE THE GREYHAVEN LIGHTHOUSE", "lighthouse"),
        ("Marrowick council votes to restore Greyhaven lighthouse", "lighthouse"),  # "the" dropped
        ("Marrowick council  votes to restore the Greyhaven lighthouse.", "lighthouse"),  # spacing, punctuation
        ("Veldan Highlands farmers reap a record crop of blue barley", "barley"),  # a word changed
        ("“Stop worrying about Trump” — NATO chief to allies", "trump"),  # curly quotes, dash
        ("‘Stop worrying about Trump’: NATO chief to allies", "trump"),
        ("Turkiye expresses condolences over deadly landslide in DRC", "turkiye"),
        ("Search for 10 missing in Indonesia landslide enters 10th day, death toll climbs to 75", "toll"),
        ("Trump meets NATO chief", None),  # look-alike short headline: a different story
        ("Marrowick council votes to sell the old Greyhaven ferry terminal", None),
        ("Veldan Highlands shepherds report a poor crop of red wool", None),
        ("Egypt officially blocks Roblox, citing risks to children", None),
    ],
)
def test_headline_resolution(headline: str, expected: str | None) -> None:
    assert Resolver(TITLES).resolve(headline) == expected


def test_links_backlinks_and_unresolved_headlines(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.txt",
        "Harbour wall repairs begin",
        date="May 3, 2025",
        related="Ferry timetable changes for winter",
    )
    write(
        tmp_path,
        "b.txt",
        "Ferry timetable changes for winter",
        date="May 2, 2025",
        explore="Harbour wall repairs begin\nA story not in the library",
    )
    write(tmp_path, "c.txt", "Lighthouse reopens", date="May 1, 2025", explore="“Ferry timetable changes for winter”")
    library = load_library([tmp_path])
    a, b, c = library.articles
    assert [(link.kind, link.target) for link in library.links(b)] == [("explore", a.id), ("explore", None)]
    assert [x.id for x in library.backlinks(b.id)] == [a.id, c.id]
    assert [x.id for x in library.backlinks(a.id)] == [b.id]
    assert library.backlinks(c.id) == []


def test_find_by_unique_prefix() -> None:
    library = load_library(folders=[seeds_dir()])
    article = library.find("2024-11-23-nato")
    assert article.title.startswith("NATO chief")
    with pytest.raises(LookupError, match="ambiguous"):
        library.find("2026-11")
    with pytest.raises(LookupError, match="no article"):
        library.find("nothing-like-this")


def test_seed_stories_link_to_each_other() -> None:
    library = load_library(folders=[seeds_dir()])
    resolved = sum(1 for article in library.articles for link in library.links(article) if link.target)
    assert resolved >= 20
    assert isinstance(library, Library)


def test_a_cached_article_gets_its_body_back_when_opened(tmp_path: Path) -> None:
    write(tmp_path / "lib", "s.txt", "A cached story")
    cache_file = tmp_path / "cache.json"
    load_library([tmp_path / "lib"], cache=ParseCache(cache_file))
    library = load_library([tmp_path / "lib"], cache=ParseCache(cache_file))
    article = library.articles[0]
    assert article.partial and article.body == ()
    full = library.full(article)
    assert not full.partial and full.body[0].text == "Body text of A cached story."
    assert library.full(article) is full  # the last few bodies are kept, not read again


def test_bodies_are_not_kept_in_bulk(tmp_path: Path) -> None:
    """Issue 9 memory goal: loading keeps headlines only; opening keeps the last few bodies, no more."""
    from reader.library import RECENT_BODIES

    for n in range(RECENT_BODIES + 4):
        write(tmp_path / "lib", f"s{n}.txt", f"Story number {n}")
    library = load_library([tmp_path / "lib"])  # nothing cached: every file parsed now
    assert all(a.partial and a.body == () for a in library.articles)
    for article in library.articles:
        assert library.full(article).body
    assert len(library._recent) == RECENT_BODIES
    assert all(a.partial for a in library.by_id.values())


def test_backlinks_are_kept_between_runs_and_found_again_when_files_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9: the backlinks of an unchanged library come from the last run, not a rebuild."""
    from reader.cache import backlinks_path

    folder, cache_file = tmp_path / "lib", tmp_path / "cache.json"
    write(folder, "a.txt", "Harbour wall repairs begin", date="May 3, 2025", related="Ferry timetable changes")
    write(folder, "b.txt", "Ferry timetable changes", date="May 2, 2025")
    first = load_library([folder], cache=ParseCache(cache_file))
    ferry = first.find("2025-05-02")
    assert [a.title for a in first.backlinks(ferry.id)] == ["Harbour wall repairs begin"]
    assert backlinks_path(cache_file).is_file()

    def no_rebuild(self: Library, resolver: object) -> dict[str, list[str]]:
        raise AssertionError("rebuilt")

    monkeypatch.setattr(Library, "_build_backlinks", no_rebuild)
    again = load_library([folder], cache=ParseCache(cache_file))
    assert [a.title for a in again.backlinks(ferry.id)] == ["Harbour wall repairs begin"]
    monkeypatch.undo()

    changed = write(folder, "a.txt", "Harbour wall repairs begin", date="May 3, 2025")  # the link removed
    os.utime(changed, ns=(1, 2_000_000_000))
    later = load_library([folder], cache=ParseCache(cache_file))
    assert later.backlinks(ferry.id) == []
    backlinks_path(cache_file).write_bytes(b'{"key": 5, "graph": {"x": ["y"]}}')
    damaged = load_library([folder], cache=ParseCache(cache_file))
    assert damaged.backlinks(ferry.id) == []


def test_of_stories_with_the_same_id_the_first_is_kept_in_its_place() -> None:
    """The library lists each id once: the first story given with it, where the first was (ties in date keep
    the order given), whether ids repeat or not."""
    a1, b, a2, c = (
        Article(id="a", title="First A", published="2025-05-01"),
        Article(id="b", title="B", published="2025-05-01"),
        Article(id="a", title="Second A", published="2025-06-01"),
        Article(id="c", title="C", published="2025-05-01"),
    )
    library = Library(iter([a1, b, a2, c]))
    assert [x.title for x in library.articles] == ["First A", "B", "C"]
    assert library.get("a") is a1 and len(library) == 3
    assert [x.title for x in Library([c, b, a1]).articles] == ["C", "B", "First A"]  # same date: as given
