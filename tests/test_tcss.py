"""reader.tcss given to Textual compact: the same rules, fewer tokens to parse (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet
from textual.css.tokenize import tokenize

import reader
from reader.app import ReaderApp
from reader.tcss import compact

STYLES = Path(reader.__file__).parent


def rules(css: str) -> list[tuple[str, str]]:
    """Each rule's selectors and declarations, as Textual parses ``css``."""
    sheet = Stylesheet(variables=ReaderApp().get_css_variables())
    sheet.add_source(css, read_from=("test", ""))
    sheet.parse()
    return [(rule.selectors, rule.styles.css) for rule in sheet.rules]


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
    assert [selectors for selectors, _ in rules(small)] == ["#a, Sidebar > .b:focus-within, Foo Bar", "Baz.narrow #c"]


def test_the_app_reads_reader_tcss_compact_where_textual_would_read_the_file() -> None:
    app = ReaderApp()
    path = str(STYLES / "reader.tcss")
    assert app.css_path == []  # not read a second time as Textual starts
    assert app.stylesheet.source[(path, "")].content == compact((STYLES / "reader.tcss").read_text(encoding="utf-8"))
    assert not app.stylesheet.source[(path, "")].is_defaults
