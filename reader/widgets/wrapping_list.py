"""An option list whose options wrap: measured again when its scrollbar comes or goes."""

from __future__ import annotations

from textual.widgets import OptionList


class WrappingOptionList(OptionList):
    """An ``OptionList`` of multi-line options that stay whole when the scrollbar appears.

    Textual measures each option's height at the width the list has when the options are set.
    When they then overflow, the scrollbar takes columns from that width, the prompts wrap onto
    more lines than were measured, and the last line of each such option was cut off (a sidebar
    entry lost its "(not in library)"). A change of scrollbar measures them again.
    """

    def watch_show_vertical_scrollbar(self) -> None:
        """The width for the prompts changed without a resize: measure and draw them again."""
        self._clear_caches()
