"""Opening a story the list's cursor rests on (issue 9): read ahead, so Enter shows its text at once, never
stale, and a file that cannot be read is reported once, by the open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot

from reader import render as render_module
from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, load_library
from reader.model import Article
from reader.screens.open_ahead import PREFETCH_DELAY
from reader.store import Store
from reader.widgets.sidebar import Sidebar
from tests.helpers.article import article_view, screen_lines, story_text
from tests.helpers.pages import write
from tests.helpers.pilot import main, settle


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    write(lib, "a.txt", "Harbour wall repairs begin", "The text of the harbour story.", "May 3, 2025")
    write(
        lib,
        "b.txt",
        "Ferry timetable changes",
        "The text of the ferry story.\nRelated: Harbour wall repairs begin",
        "May 2, 2025",
    )
    return lib


async def rest_on(pilot: Pilot[None], key: str) -> None:
    """Move the list's cursor with ``key`` and let it rest there until its story is read ahead."""
    await pilot.press(key)
    await pilot.pause(PREFETCH_DELAY + 0.1)
    await settle(pilot)


async def test_enter_on_a_story_read_ahead_shows_its_text_at_once_with_its_links(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([folder])
    store = Store(tmp_path / "state.json")
    app = ReaderApp(library, store, Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await rest_on(pilot, "down")

        def no_read(article: Article) -> Article:
            raise AssertionError("the story was read again on Enter")

        monkeypatch.setattr(library, "full", no_read)
        await pilot.press("enter")
        story = main(app).story
        assert story is not None and not story.loading  # no "Loading…" in between, no worker to wait for
        await pilot.pause()
        assert "The text of the ferry story." in story_text(app)
        harbour = library.find("2025-05-03").id
        assert (story.links[0].headline, story.links[0].target) == ("Harbour wall repairs begin", harbour)
        await settle(pilot)
        assert main(app).query_one(Sidebar).entries["e0"].target == harbour  # the sidebar follows
        assert store.is_read(library.find("2025-05-02").id)


async def test_a_story_changed_after_it_was_read_ahead_is_read_again(folder: Path, tmp_path: Path) -> None:
    library = load_library([folder])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await rest_on(pilot, "down")
        path = write(folder, "b.txt", "Ferry timetable changes", "The corrected ferry text.", "May 2, 2025")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        fresh = load_library([folder]).find("2025-05-02")
        library.add_or_update([fresh], {fresh.id: str(path)})  # as a reload applies it
        await pilot.press("enter")
        await settle(pilot)
        assert "The corrected ferry text." in story_text(app)
        assert "The text of the ferry story." not in story_text(app)


async def test_a_story_whose_file_changed_under_the_same_headline_after_it_was_read_ahead_shows_the_new_text(
    folder: Path, tmp_path: Path
) -> None:
    """The text edited on disk (the headline as it was, so no reload lists it) after the cursor rested on it."""
    library = load_library([folder])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await rest_on(pilot, "down")
        path = write(folder, "b.txt", "Ferry timetable changes", "The corrected ferry text.", "May 2, 2025")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        await pilot.press("enter")
        await settle(pilot)
        assert "The corrected ferry text." in story_text(app)
        assert "The text of the ferry story." not in story_text(app)
        assert main(app).current == library.find("2025-05-02").id


async def test_a_file_gone_before_it_is_read_ahead_is_reported_once_when_opened(folder: Path, tmp_path: Path) -> None:
    library: Library = load_library([folder])
    (folder / "b.txt").unlink()
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await rest_on(pilot, "down")
        assert not library.problems  # reading ahead reports nothing: the user opened nothing
        await pilot.press("enter")
        await settle(pilot)
        assert [p.path.name for p in library.problems] == ["b.txt"]
        assert main(app).current == library.find("2025-05-02").id


async def test_enter_on_a_story_read_ahead_paints_lines_rendered_ahead_and_the_rest_follows(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, title, story in (
        ("a.txt", "Harbour wall repairs begin", "harbour"),
        ("b.txt", "Ferry timetable changes", "ferry"),
    ):
        text = "\n\n".join(f"Paragraph {n} of the long {story} story." for n in range(80))
        write(folder, name, title, text, "May 3, 2025" if story == "harbour" else "May 2, 2025")
    library = load_library([folder])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # a long story first: the pane has its scrollbar, as when reading on
        await settle(pilot)
        await rest_on(pilot, "down")

        def no_render(*args: object, **kwargs: object) -> None:
            raise AssertionError("the story's text was rendered again on Enter")

        monkeypatch.setattr(render_module, "article_renderable", no_render)  # the pane imports it when it renders
        await pilot.press("enter")
        await pilot.pause()
        assert "Paragraph 0 of the long ferry story." in " ".join(screen_lines(app))  # on screen at once
        await settle(pilot)
        assert "Paragraph 79 of the long ferry story." in story_text(app)  # the rest of it follows
        await pilot.press("tab", "end")  # and scrolls to its end
        await settle(pilot)
        assert "Paragraph 79 of the long ferry story." in " ".join(screen_lines(app))


async def test_a_story_rendered_ahead_is_rendered_again_for_a_pane_that_changed_width(
    folder: Path, tmp_path: Path
) -> None:
    library = load_library([folder])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await rest_on(pilot, "down")
        view = article_view(app)
        width = view.scrollable_content_region.width
        await pilot.press("s")  # the sidebar folds away: the article pane widens
        await settle(pilot)
        assert view.scrollable_content_region.width > width
        await pilot.press("enter")
        await settle(pilot)
        assert "The text of the ferry story." in story_text(app)
        assert all(strip.cell_length == view.scrollable_content_region.width for strip in view.lines)


def sidebar_lines(app: ReaderApp) -> list[str]:
    """The sidebar's lines as they are on screen now."""
    sidebar = main(app).query_one(Sidebar)
    region = Region(0, 0, sidebar.outer_size.width, sidebar.outer_size.height)
    return [" ".join(strip.text.split()) for strip in sidebar.render_lines(region)]


async def test_the_sidebar_of_each_story_opened_shows_its_links_read_marks_as_they_are(
    folder: Path, tmp_path: Path
) -> None:
    library = load_library([folder])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # the ferry story: its sidebar lists the harbour story, unread
        await settle(pilot)
        assert any("● Harbour wall repairs begin" in line for line in sidebar_lines(app))
        await rest_on(pilot, "up")
        await pilot.press("enter")  # the harbour story, listed in the sidebar shown: read now, and its own sidebar
        await settle(pilot)
        lines = sidebar_lines(app)
        assert any("✓ Ferry timetable changes" in line for line in lines)  # linked from: read
        assert not any("Harbour wall repairs begin" in line for line in lines)
        await pilot.press("backspace")  # back to the ferry story: the harbour story is read now
        await settle(pilot)
        assert any("✓ Harbour wall repairs begin" in line for line in sidebar_lines(app))
        await pilot.press("up", "m")  # the harbour story marked unread again, from the list: the sidebar follows
        await settle(pilot)
        assert any("● Harbour wall repairs begin" in line for line in sidebar_lines(app))
