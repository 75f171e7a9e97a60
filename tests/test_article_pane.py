"""The article pane through Pilot: an open story redrawn when its file changes, rewrapped, restyled."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.geometry import Region
from textual.pilot import Pilot

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, load_library
from reader.paths import seeds_dir
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.title_header import SteadyTitle, TitleHeader
from tests import test_feeds_support as support
from tests.helpers.article import article_view, screen_lines, story_text
from tests.helpers.pilot import main, settle
from tests.test_app_feeds import item, make_app, serve, subscribe

_module_server = support._module_server
server = support.server

COBALT = "2026-11-22-cobalt-bay-tidal-power-plant-reaches-full-output"
OLD = "The tidal plant in Cobalt Bay reached its full output of forty megawatts"
NEW = "The tidal plant in Cobalt Bay reached its full output of fifty megawatts"


def folder_app(folder: Path, tmp_path: Path) -> ReaderApp:
    return ReaderApp(
        load_library([folder]),
        Store(tmp_path / "state.json"),
        Config(),
        poll_interval=0,
        reloader=lambda: load_library([folder]),
        reload_interval=0,
    )


def seeds_app(tmp_path: Path, library: Library | None = None) -> ReaderApp:
    """The app over ``library`` (by default the bundled sample library), its state in ``tmp_path``."""
    library = load_library(folders=[seeds_dir()]) if library is None else library
    return ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)


def library_of(tmp_path: Path, *seeds: str) -> Path:
    """A library folder in ``tmp_path`` holding copies of the named seed pages."""
    folder = tmp_path / "library"
    folder.mkdir()
    for name in seeds:
        shutil.copy(seeds_dir() / name, folder / name)
    return folder


async def open_cobalt(pilot: Pilot[None]) -> ArticleView:
    """Wait for the app, open the Cobalt Bay story and wait for it to show; its article pane."""
    app = pilot.app
    assert isinstance(app, ReaderApp)
    await settle(pilot)
    main(app).open_article(COBALT)
    await settle(pilot)
    return article_view(app)


def rewrite(page: Path, old: str, new: str, more: str = "") -> None:
    """Change the page's text in place (same headline), as an editor would, a second later."""
    text = page.read_text(encoding="utf-8").replace(old, new)
    text = text.replace("\nSOURCE:", f"\n{more}\n\nSOURCE:") if more else text
    page.write_text(text, encoding="utf-8")
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def test_a_reload_redraws_the_open_story_in_place(tmp_path: Path) -> None:
    """Issue 11: the open story's file changes under the same headline; Ctrl+R's check shows the new text."""
    folder = library_of(tmp_path, "cobalt-bay-tidal.txt")
    page = folder / "cobalt-bay-tidal.txt"
    app = folder_app(folder, tmp_path)
    async with app.run_test(size=(100, 16)) as pilot:
        view = await open_cobalt(pilot)
        assert OLD in story_text(app)
        view.scroll_to(y=4, animate=False, immediate=True)
        await pilot.pause()
        rewrite(page, "forty", "fifty", more="A second paragraph the editor added at the end of the story.")
        main(app).check_library()  # what the app does every reload_interval seconds
        await settle(pilot)
        assert NEW in story_text(app) and OLD not in story_text(app)
        assert "A second paragraph the editor added" in story_text(app)
        assert view.scroll_y == 4  # the text grew: the reader stays where they were
        assert main(app).current == COBALT


async def test_a_reload_that_leaves_the_open_story_alone_keeps_it(tmp_path: Path) -> None:
    folder = library_of(tmp_path, "cobalt-bay-tidal.txt", "marrowick-chess-prodigy.txt")
    other = folder / "marrowick-chess-prodigy.txt"
    app = folder_app(folder, tmp_path)
    async with app.run_test(size=(100, 16)) as pilot:
        view = await open_cobalt(pilot)
        view.scroll_to(y=3, animate=False, immediate=True)
        await pilot.pause()
        lines = list(view.lines)
        rewrite(other, "chess", "draughts")
        main(app).check_library()
        await settle(pilot)
        assert view.lines == lines and view.scroll_y == 3


async def test_a_feed_refresh_redraws_the_open_story(server: HTTPServer, tmp_path: Path) -> None:
    """Issue 11: a refresh brings a changed item; the story on show is drawn again with its new text."""
    base = server.url_for("/")
    ferry = item("Harbour ferry returns after winter refit", "ferry", 20, base)
    url = serve(server, "/gazette.xml", "Marrowick Gazette", [ferry])
    subscribe(url)
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "argued about the harbour" in story_text(app)
        server.clear()
        changed = dict(ferry, content="<p>The ferry sailed at dawn with the mayor aboard and a brass band.</p>" * 8)
        serve(server, "/gazette.xml", "Marrowick Gazette", [changed])
        await pilot.press("R")
        await settle(pilot)
        assert "sailed at dawn with the mayor aboard" in story_text(app)
        assert "argued about the harbour" not in story_text(app)


def text_width(lines: list[str]) -> int:
    """How many columns the text spans, from its leftmost to its rightmost character."""
    written = [line for line in lines if line.strip()]
    left = min(len(line) - len(line.lstrip()) for line in written)
    return max(len(line.rstrip()) for line in written) - left


async def test_a_narrower_pane_rewraps_the_story(tmp_path: Path) -> None:
    app = seeds_app(tmp_path)
    async with app.run_test(size=(240, 40)) as pilot:
        view = await open_cobalt(pilot)
        wide = [strip.text for strip in view.lines]
        assert text_width(wide) == 80  # the measure, in a pane wider than it
        await pilot.resize_terminal(150, 40)
        await settle(pilot)
        narrow = [strip.text for strip in view.lines]
        assert text_width(narrow) <= view.scrollable_content_region.width < 80
        assert len(narrow) > len(wide)
        assert OLD in story_text(app)


async def test_a_new_theme_recolours_the_links(tmp_path: Path) -> None:
    app = seeds_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_cobalt(pilot)

        def link_colour() -> str | None:
            for strip in view.lines:
                for segment in strip:
                    if segment.style and segment.style.meta.get("link") == 0 and segment.style.color:
                        return segment.style.color.name
            return None

        dark = link_colour()
        app.theme = "textual-light"
        await settle(pilot)
        assert link_colour() is not None and link_colour() != dark


def long_story(folder: Path) -> Path:
    """The Cobalt Bay page with forty more paragraphs, the last one saying so."""
    page = folder / "cobalt.txt"
    shutil.copy(seeds_dir() / "cobalt-bay-tidal.txt", page)
    more = "\n\n".join(
        f"Paragraph {n} of the longer story, with a few words to wrap across the pane." for n in range(40)
    )
    rewrite(page, "forty", "forty", more=more + "\n\nThe very last paragraph of the story.")
    return page


async def test_the_end_of_a_long_story_is_reached_with_G_also_after_a_resize(tmp_path: Path) -> None:
    """The first screenful is drawn first; G still goes to the very end, before and after a rewrap."""
    folder = library_of(tmp_path)
    long_story(folder)
    app = folder_app(folder, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        view = await open_cobalt(pilot)
        view.focus()
        await pilot.press("G")
        await settle(pilot)
        assert any("The very last paragraph of the story." in line for line in screen_lines(app))
        assert any("Source: Sample" in line for line in screen_lines(app))
        await pilot.press("g")
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert any("Source: Sample" in line for line in screen_lines(app))


async def test_the_header_shows_the_unread_count_after_an_open(tmp_path: Path) -> None:
    """The header's line is repainted alone when opening a story changes the unread count."""
    library = load_library(folders=[seeds_dir()])
    app = seeds_app(tmp_path, library)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        title = app.screen.query_one(TitleHeader).query_one(SteadyTitle)

        def shown() -> str:
            return title.render_lines(Region(0, 0, title.outer_size.width, 1))[0].text

        assert f"{len(library)} unread" in shown()
        await pilot.press("enter")
        await settle(pilot)
        assert f"{len(library) - 1} unread" in shown()
        await pilot.press("m")  # unread again
        await settle(pilot)
        assert f"{len(library)} unread" in shown()
