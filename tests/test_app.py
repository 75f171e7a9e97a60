"""The TUI through Pilot: keys pressed, then what the user sees and what the store holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, load_library
from reader.screens.help import HelpScreen
from reader.screens.main import MainScreen
from reader.screens.problems import ProblemsScreen, entry
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.breadcrumb import Breadcrumb
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from tests.helpers.article import screen_lines, story_text
from tests.helpers.pilot import main, settle

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"
COBALT = "2026-11-22-cobalt-bay-tidal-power-plant-reaches-full-output"
HEAT = "2026-11-24-heatwave-warning-for-marrowick-s-southern-coast"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


def make_app(library: Library, state: Path, config: Config | None = None) -> ReaderApp:
    return ReaderApp(library, Store(state), config or Config())


def visible_lines(widget: Widget) -> list[str]:
    """The lines a widget draws, as plain text."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))]


def visible(widget: Widget) -> str:
    """The text a widget draws on screen, line by line, whitespace folded."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return " ".join(" ".join(strip.text.split()) for strip in lines)


def article_text(app: ReaderApp) -> str:
    return story_text(app)


async def test_launch_shows_headlines_newest_first_and_unread_count(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.rows[0].id == TRAM
        dates = [a.published or "" for a in headlines.rows]
        assert dates == sorted(dates, reverse=True)
        assert f"{len(library)} unread" in app.sub_title


async def test_enter_opens_the_story_marks_it_read_and_persists(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Marrowick's council has approved a twelve-kilometre tram line" in article_text(app)
        assert app.store is not None and app.store.is_read(TRAM)
        assert f"{len(library) - 1} unread" in app.sub_title
    reopened = Store(state)
    assert reopened.is_read(TRAM) and reopened.last_opened == TRAM


async def test_m_toggles_read_and_b_bookmarks_which_survives_a_restart(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("down", "m")
        await settle(pilot)
        assert app.store is not None and app.store.is_read(HEAT)
        await pilot.press("m", "b")
        await settle(pilot)
        assert not app.store.is_read(HEAT) and app.store.is_bookmarked(HEAT)
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.store is not None and app.store.is_bookmarked(HEAT)
        await pilot.press("3")
        await settle(pilot)
        assert [a.id for a in app.screen.query_one(HeadlineList).rows] == [HEAT]


async def test_following_links_back_and_forward_like_a_browser(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 20)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the tram story
        await settle(pilot)
        article = app.screen.query_one(ArticleView)
        article.focus()
        await pilot.press("l", "enter")  # first inline Related link: Cobalt Bay
        await settle(pilot)
        assert main(app).current == COBALT
        assert "forty megawatts" in article_text(app)
        highlighted = app.screen.query_one(HeadlineList).highlighted
        assert highlighted is not None and highlighted.id == COBALT  # the list follows
        article.scroll_to(y=5, animate=False, immediate=True)
        await pilot.pause()
        assert article.scroll_y == 5
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert main(app).current == TRAM
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert main(app).current == COBALT
        assert article.scroll_y == 5  # the position we left is restored
        await pilot.press("backspace")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        await pilot.pause()
        target = next(k for k, e in sidebar.entries.items() if e.target == HEAT)
        sidebar.highlighted = sidebar.get_option_index(target)
        await pilot.press("enter")  # a new link after going back drops the forward entry
        await settle(pilot)
        assert main(app).current == HEAT
        assert not main(app).history.can_go_forward
        assert [v.article_id for v in main(app).history.trail] == [TRAM, HEAT]
        assert "Tram line" in visible(app.screen.query_one("#breadcrumb", Breadcrumb))


async def test_sidebar_shows_related_explore_linked_from_and_unresolved(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        main(app).open_article("2026-11-16-marrowick-chess-prodigy-11-wins-the-island-championship")
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        entries = list(sidebar.entries.values())
        reworded = {e.headline: e.target for e in entries}["Port Elsen night market brings back the lantern parade"]
        assert reworded == "2026-11-23-lantern-parade-returns-to-port-elsen-night-market"  # issue 10 bug 7
        assert any(e.target == COBALT for e in entries)
        # an entry that is not in the library: see tests/test_links_ui.py


async def test_n_opens_the_next_unread_linked_story(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "n")
        await settle(pilot)
        assert main(app).current == COBALT  # first Related link of the tram story, unread
        await pilot.press("n")
        await settle(pilot)
        assert main(app).current not in (TRAM, COBALT)


async def test_filter_narrows_headlines_by_title_and_body_and_escape_clears(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"chess")
        await settle(pilot)
        rows = app.screen.query_one(HeadlineList).rows
        assert [a.id for a in rows] == ["2026-11-16-marrowick-chess-prodigy-11-wins-the-island-championship"]
        assert "“chess”: 1" in app.sub_title
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"smoked eel")  # words only in the body
        await settle(pilot)
        assert [a.id for a in app.screen.query_one(HeadlineList).rows] == [
            "2026-11-23-lantern-parade-returns-to-port-elsen-night-market"
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen.query_one(HeadlineList).rows) == len(library)


async def test_unread_view_hides_read_stories(library: Library, state: Path) -> None:
    Store(state).set_read(TRAM)
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        ids = [a.id for a in app.screen.query_one(HeadlineList).rows]
        assert TRAM not in ids and len(ids) == len(library) - 1
        assert "Unread" in app.sub_title


async def test_narrow_terminal_folds_the_sidebar_and_s_shows_it(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        assert not sidebar.display
        left = app.screen.query_one("#left")
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display and sidebar.has_focus
        assert not left.display  # the sidebar takes the list's place: the article keeps its width
        assert app.screen.query_one(ArticleView).size.width >= 40
        await pilot.press("s")
        await pilot.pause()
        assert not sidebar.display and left.display
        assert app.screen.query_one(HeadlineList).has_focus


async def test_app_starts_where_the_user_left_off(library: Library, state: Path) -> None:
    store = Store(state)
    store.set_last_opened(COBALT)
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert main(app).current == COBALT
        assert "forty megawatts" in article_text(app)


async def test_clicking_a_headline_opens_it(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.click(HeadlineList, offset=(8, 2))  # the second headline's title line
        await settle(pilot)
        assert main(app).current == HEAT


async def test_markup_in_article_text_is_shown_literally(tmp_path: Path, state: Path) -> None:
    page = tmp_path / "hostile.txt"
    page.write_bytes(b"[bold red]Alarm[/] \x1b[31mtitle\n\nSee [link=http://evil]here[/link] now.")
    app = make_app(load_library([page]), state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = article_text(app)
        assert "[bold red]Alarm[/] title" in text
        assert "[link=http://evil]here[/link]" in text


async def test_help_screen_lists_every_key(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(visible(s) for s in app.screen.query(Static))
        for description in ("Filter", "Bookmark", "Back", "Next unread", "Open", "Follow link", "Quit"):
            assert description in shown
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_load_problems_are_notified_and_listed(tmp_path: Path, state: Path) -> None:
    (tmp_path / "good.txt").write_text("A good story\n\nBody.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 20)
    app = make_app(load_library([tmp_path]), state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert any("press p" in n.message for n in app._notifications)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert any(entry(p).plain == f"{tmp_path / 'bad.txt'}\nbinary file, not text" for p in app.screen.problems)


async def test_corrupt_state_file_is_moved_aside_and_the_app_still_starts(library: Library, state: Path) -> None:
    state.write_text("{ definitely not json")
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert any("moved it to" in n.message for n in app._notifications)
        assert len(app.screen.query_one(HeadlineList).rows) == len(library)


async def test_command_palette_opens_a_story_by_fuzzy_title(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"singing caves")
        command_list = app.screen.query_one(CommandList)
        for _ in range(200):  # the search runs in the background: wait for its hit (bounded)
            prompts = [str(command_list.get_option_at_index(n).prompt) for n in range(command_list.option_count)]
            if prompts and "singing caves" in prompts[0].casefold():
                break
            await pilot.pause(0.05)
        await pilot.press("enter")
        await settle(pilot)
        assert main(app).current == "2026-11-19-scientists-map-the-singing-caves-of-the-veldan-highlands"


async def test_theme_is_remembered_between_runs(library: Library, state: Path, tmp_path: Path) -> None:
    config_path = tmp_path / "config.json"
    app = ReaderApp(library, Store(state), Config.load(config_path), config_path=config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert Config.load(config_path).theme == "nord"
    app = ReaderApp(library, Store(state), Config.load(config_path), config_path=config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


async def test_loader_runs_in_a_worker_and_fills_the_list(library: Library, state: Path) -> None:
    app = ReaderApp(loader=lambda: (library, Store(state)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.screen.query_one(HeadlineList).rows) == len(library)


async def test_marks_made_by_another_process_show_up(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        Store(state).set_read(TRAM)  # as `reader read` in another terminal would
        main(app).poll_store()  # what the app does every poll_interval seconds
        await settle(pilot)
        assert app.store is not None and app.store.is_read(TRAM)
        assert f"{len(library) - 1} unread" in app.sub_title


async def test_clicking_an_inline_related_link_follows_it(library: Library, state: Path) -> None:
    app = make_app(library, state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        lines = screen_lines(app)
        row = next(n for n, line in enumerate(lines) if "Related: Cobalt Bay" in line)
        column = lines[row].index("Cobalt Bay") + 3
        await pilot.click(ArticleView, offset=(column, row))
        await settle(pilot)
        assert main(app).current == COBALT


async def test_a_bookmark_survives_its_file_being_deleted(tmp_path: Path, state: Path) -> None:
    page = tmp_path / "gone.txt"
    page.write_text("WORLD\n1 MIN READ\nA story that will vanish\nIts dek.\n\nBody.", encoding="utf-8")
    article = load_library([page]).articles[0]
    Store(state).set_bookmark(article.id, title=article.title, section=article.section)
    page.unlink()
    app = make_app(load_library([tmp_path]), state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert [a.title for a in app.screen.query_one(HeadlineList).rows] == ["A story that will vanish"]
        await pilot.press("enter")
        await settle(pilot)
        assert "no longer in the library; the bookmark keeps its title" in article_text(app)
        assert app.store is not None and app.store.is_bookmarked(article.id)
