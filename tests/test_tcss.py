"""Stylesheets given to Textual compact (reader.tcss, dialogs.tcss, every DEFAULT_CSS): the same rules, fewer tokens (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css.errors import StylesheetError
from textual.css.stylesheet import Stylesheet
from textual.css.tokenize import tokenize
from textual.dom import DOMNode

import reader
from reader.app import ReaderApp
from reader.compact_stylesheet import CompactStylesheet
from reader.tcss import compact
from reader.widgets.headline_list import HeadlineList

STYLES = Path(reader.__file__).parent


VARIABLES = ReaderApp().get_css_variables()


def rules(css: str, *, default: bool = False) -> list[tuple[str, str, bool]]:
    """Each rule's selectors and declarations, as Textual parses ``css``."""
    sheet = Stylesheet(variables=VARIABLES)
    sheet.add_source(css, read_from=("test", ""), is_default_css=default)
    sheet.parse()
    return [(rule.selectors, repr(rule.styles.get_rules()), rule.is_default_rules) for rule in sheet.rules]


def default_css() -> dict[str, str]:
    """The DEFAULT_CSS of every widget class reader or Textual's widgets define, by class name."""
    import textual.widgets

    import reader.commands
    import reader.screens.help
    import reader.screens.problems
    import reader.widgets.filter_box
    import reader.widgets.sources  # noqa: F401

    for name in vars(textual.widgets)["__all__"]:  # the lazily imported widgets
        getattr(textual.widgets, name)
    found: dict[str, str] = {}
    classes: list[type[DOMNode]] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if css := cls.__dict__.get("DEFAULT_CSS"):
            found[f"{cls.__module__}.{cls.__qualname__}"] = css
    return found


def test_every_widget_s_default_css_compact_has_the_same_rules() -> None:
    found = default_css()
    assert len(found) > 60 and "textual.widgets._option_list.OptionList" in found
    for name, css in found.items():
        assert rules(compact(css), default=True) == rules(css, default=True), name


@pytest.mark.parametrize("name", ["reader.tcss", "screens/dialogs.tcss"])
def test_a_compact_stylesheet_has_the_same_rules_in_fewer_tokens(name: str) -> None:
    css = (STYLES / name).read_text(encoding="utf-8")
    small = compact(css)
    assert rules(small) == rules(css) != []
    assert len(list(tokenize(small, ("test", "")))) < 0.7 * len(list(tokenize(css, ("test", ""))))


def test_compacting_keeps_selector_lists_values_and_a_last_declaration_without_its_semicolon() -> None:
    css = """
/* a comment */
#a,
Sidebar > .b:focus-within  ,  Foo   Bar {
    border-top: heavy $accent;   /* lit */
    padding: 1 2;
    color: $text-muted
}

Baz.narrow #c { width: 32%; }
"""
    small = compact(css)
    assert "comment" not in small and "lit" not in small
    assert rules(small) == rules(css)
    assert [rule[0] for rule in rules(small)] == ["#a, Sidebar > .b:focus-within, Foo Bar", "Baz.narrow #c"]


def test_the_app_parses_every_source_compact_reader_tcss_and_widgets_default_css() -> None:
    app = ReaderApp()
    assert isinstance(app.stylesheet, CompactStylesheet)
    path = str(STYLES / "reader.tcss")
    app.stylesheet.read_all(app.css_path)  # as Textual does as it starts
    app.stylesheet.add_source(HeadlineList.DEFAULT_CSS or "HeadlineList {}", ("x", "HeadlineList"), is_default_css=True)
    read = app.stylesheet.source[(path, "")]
    assert read.content == compact((STYLES / "reader.tcss").read_text(encoding="utf-8")) and not read.is_defaults
    assert app.stylesheet.source[("x", "HeadlineList")].is_defaults
    app.stylesheet.parse()
    assert any(rule.selectors == "#left:focus-within, Sidebar:focus" for rule in app.stylesheet.rules)


def test_a_stylesheet_file_that_cannot_be_read_is_a_stylesheet_error(tmp_path: Path) -> None:
    with pytest.raises(StylesheetError, match="unable to read CSS file"):
        CompactStylesheet().read(tmp_path / "missing.tcss")
