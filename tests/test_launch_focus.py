"""Issue 9: the headline list has the keys from the first frame, and is styled once as the screen is made."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets._footer import FooterKey

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import main, settle


async def test_the_headline_list_is_focused_and_styled_once_as_the_app_starts(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Focused before it was styled: Textual's auto-focus, after the mount, styled it twice more. It has the keys,
    its pane's title is lit, the footer shows its keys, and j moves its cursor."""
    styled: list[str] = []
    apply = Stylesheet.apply

    def counted(self: Stylesheet, node: DOMNode, **kwargs: object) -> None:
        styled.append(type(node).__name__)
        apply(self, node, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Stylesheet, "apply", counted)
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        headlines = screen.query_one(HeadlineList)
        assert styled.count("HeadlineList") == 1
        assert screen.focused is headlines and headlines.has_focus
        left = screen.query_one("#left")
        assert left.has_pseudo_class("focus-within")
        assert left.styles.border_top[0] == "heavy"  # the focused pane's title line
        keys = {key.description for key in screen.query(FooterKey)}
        assert "Open" in keys, keys  # the headline list's own key
        before = headlines.cursor
        await pilot.press("j")
        await settle(pilot)
        assert headlines.cursor == before + 1


async def test_the_find_bar_is_made_at_the_first_find_over_the_article(library: Library, tmp_path: Path) -> None:
    """A launch composes no find bar; ctrl+f makes it above the article, with the keys, and the words typed at once
    are found; Esc hides it and a second ctrl+f shows the same bar."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.query(FindBar)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+f", *"the")
        await settle(pilot)
        bar = screen.query_one(FindBar)
        centre = [child.id for child in screen.query_one("#centre").children]
        assert centre.index("find") == centre.index("article") - 1
        assert bar.display and bar.query_text == "the"
        assert screen.query_one(ArticleView).find_query == "the"
        await pilot.press("escape")
        await settle(pilot)
        assert not bar.display
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert list(screen.query(FindBar)) == [bar] and bar.display
