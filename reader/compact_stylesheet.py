"""The app's stylesheet: every source given to Textual's parser compact (:func:`reader.tcss.compact`).

Textual parses each widget class's ``DEFAULT_CSS`` and reader.tcss as a launch styles the first
screen (~10 ms); written for people to read, they are ~45% indents, line breaks and comments,
each a token the parser reads. The same rules, compact, take a third less of that.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path, PurePath

from textual.css.errors import StylesheetError
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from reader.tcss import compact

_compact = lru_cache(maxsize=512)(compact)  # a source is added again for each widget of its class


class CompactStylesheet(Stylesheet):
    """A Textual ``Stylesheet`` that keeps (and parses) each source compact: the same rules, fewer tokens."""

    def add_source(
        self,
        css: str,
        read_from: CSSLocation | None = None,
        is_default_css: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> None:
        """The source, compact, added as Textual adds it."""
        if read_from is None:  # where Textual would say it came from: the source as it was given
            read_from = ("", str(hash(css)))
        super().add_source(_compact(css), read_from, is_default_css, tie_breaker, scope)

    def read(self, filename: str | PurePath) -> None:
        """A stylesheet file (reader.tcss, dialogs.tcss) read and added compact, as Textual reads it."""
        path = os.path.abspath(os.path.expanduser(filename))
        try:
            css = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise StylesheetError(f"unable to read CSS file {str(filename)!r}") from None
        self.add_source(css, read_from=(path, ""))
