"""Every text the app draws is readable in every theme it offers: body text at 4.5:1, the rest at 3:1.

Measured on what the terminal is sent (the compositor's segments, dim text as a terminal dims it), in each
state a user meets: the list focused with read, unread and bookmarked rows, a story open, the sidebar and the
Sources pane focused, the filter box, the find bar, toasts, the help and the problems screens.
"""

from __future__ import annotations

import pytest
from textual.app import App
from textual.color import Color
from textual.theme import Theme

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.contrast import contrast
from reader.widgets.sidebar import Sidebar
from reader.widgets.theme_contrast import BACKGROUNDS, readable_variables
from tests.helpers.contrast_scan import BODY, SECONDARY, Drawn, drawn, too_faint
from tests.helpers.pilot import main, settle

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"
THEMES = [name for name in App().available_themes if not name.startswith("ansi")]  # ANSI: the terminal's colours


def faint(app: ReaderApp, state: str) -> list[str]:
    """What is drawn too faint now, described (a disabled footer key is exempt: an inactive control)."""
    runs: list[Drawn] = [
        run for run in drawn(app) if not run.where.startswith("FooterKey") or ".-disabled" not in run.where
    ]
    return [f"{state}: {run}" for run in too_faint(runs)]


@pytest.mark.parametrize(
    ("theme", "size"),
    [(theme, (120, 40)) for theme in THEMES] + [("textual-dark", (80, 24)), ("textual-light", (80, 24))],
)
async def test_every_text_the_app_draws_is_readable_in_every_theme(
    library: Library, theme: str, size: tuple[int, int]
) -> None:
    """Below 3:1 on main: textual-light's footer keys, solarized-light's and catppuccin-latte's header
    sub-title, the sidebar's hints, gruvbox's sidebar cursor, a find's matches (text on full orange)...
    (at 80 x 24 the footer is compact and the sidebar takes the list's place)."""
    app = ReaderApp(library, Store(None), Config(theme=theme), poll_interval=0)
    found: list[str] = []
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        found += faint(app, "list")
        await pilot.press("m", "j", "b", "j")  # a read row, a bookmarked one, the cursor on an unread one
        await settle(pilot)
        found += faint(app, "list, marked")
        screen.open_article(TRAM)  # Related and Explore in the sidebar, links in the story
        await settle(pilot)
        found += faint(app, "story open")
        screen.query_one(ArticleView).focus()
        await settle(pilot)
        found += faint(app, "article focused")
        screen.query_one(Sidebar).focus()
        await settle(pilot)
        found += faint(app, "sidebar focused")
        await pilot.press("4")
        await settle(pilot)
        found += faint(app, "sources")
        await pilot.press("q", "slash", "h", "a")
        await settle(pilot)
        found += faint(app, "filter")
        await pilot.press("escape")
        screen.query_one(ArticleView).focus()
        await pilot.press("ctrl+f", "t", "h", "e")
        await settle(pilot)
        found += faint(app, "find")
        await pilot.press("escape")
        for severity in ("information", "warning", "error"):
            app.notify(f"A toast: {severity}", title="Saved", severity=severity, timeout=60)
        await settle(pilot)
        found += faint(app, "toasts")
        app.clear_notifications()
        await pilot.press("question_mark")
        await settle(pilot)
        found += faint(app, "help")
        await pilot.press("escape")
        app.runtime_problems.append(("/srv/news/broken.txt", "not UTF-8 text"))
        await pilot.press("p")
        await settle(pilot)
        found += faint(app, "problems")
    assert found == []


def test_a_users_theme_with_faint_colours_is_made_readable() -> None:
    """A theme the user registers: its faint text, muted text, links and footer keys reach their minimums,
    moved towards black (a light theme) without a change of hue beyond that."""
    app = App[None]()
    app.register_theme(
        Theme(
            name="faint-paper",
            primary="#9FB8D0",
            accent="#E0A060",
            foreground="#9A9A9A",
            background="#F4F4F4",
            surface="#ECECEC",
            panel="#E4E4E4",
            dark=False,
            variables={"footer-key-foreground": "#C0C0C0", "footer-background": "#E4E4E4"},
        )
    )
    app.theme = "faint-paper"
    variables = readable_variables(app.get_css_variables())
    backgrounds = [Color.parse(variables[name]) for name in BACKGROUNDS]
    foreground = Color.parse(variables["foreground"])
    assert all(contrast(foreground, bg) >= BODY for bg in backgrounds)
    assert Color.parse(variables["foreground"]).brightness < Color.parse("#9A9A9A").brightness  # darker, not lighter
    link = Color.parse(variables["text-accent"])
    assert all(contrast(link, bg) >= BODY for bg in backgrounds)
    muted = Color.parse(variables["foreground-muted"])
    assert all(contrast(bg + muted, bg) >= SECONDARY for bg in backgrounds)
    key = Color.parse(variables["footer-key-foreground"])
    assert contrast(key, Color.parse(variables["footer-background"])) >= SECONDARY


def test_ansi_themes_are_left_to_the_terminal() -> None:
    app = App[None]()
    app.theme = "ansi-dark"
    variables = app.get_css_variables()
    assert readable_variables(variables) == variables
