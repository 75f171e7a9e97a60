"""The main screen's sort order and section, as the config remembers them."""

from __future__ import annotations

from collections.abc import Sequence

from reader.config import SORTS
from reader.model import Article
from reader.screens.main_part import MainScreenPart
from reader.views import SORT_NAMES, arrange, section_groups, view_rows


class SortActions(MainScreenPart):
    """Sorting the headlines (S) and showing one section."""

    def _load_arrangement(self) -> None:
        """Take the sort and section from the config (a section no longer in the library is dropped)."""
        if self.config.section and not any(a.section == self.config.section for a in self.library.articles):
            self.config.section = ""
        self.section = self.config.section

    def _view_rows(self) -> list[Article]:
        """The view's stories in the chosen section and order."""
        return arrange(view_rows(self.view, self.library, self.changes), self.config.sort, self.section)

    def _groups(self, rows: Sequence[Article]) -> list[tuple[int, str]]:
        """The section headers over ``rows`` when they are sorted by section (else none)."""
        return section_groups(rows) if self.config.sort == "section" else []

    def action_cycle_sort(self) -> None:
        """Newest first → oldest first → by section → newest first."""
        self.set_sort(SORTS[(SORTS.index(self.config.sort) + 1) % len(SORTS)])

    def set_sort(self, sort: str) -> None:
        """Sort the headlines (one of ``SORTS``) and remember it."""
        self.config.sort = sort
        self.post_message(self.SettingsChanged())
        self._show_rows()
        self.notify(f"Sorted {SORT_NAMES[sort]}", timeout=2)

    def set_section(self, section: str) -> None:
        """Show only one section's stories ("" for all) and remember it."""
        self.config.section = self.section = section
        self.post_message(self.SettingsChanged())
        self._show_rows()
