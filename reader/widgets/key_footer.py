"""The footer of the main screen: Textual's, rebuilt once for a burst of binding changes."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's footer, but of a run of binding changes (start-up moves focus and shows keys several times
    before the first paint) only the last rebuilds its keys, not each one."""

    _changes = 0  # binding changes seen: a rebuild waiting for a later one is skipped

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._changes += 1
            self.call_after_refresh(self._rebuild, self._changes)

    async def _rebuild(self, change: int) -> None:
        if change == self._changes:  # the latest: it shows the bindings as they are now
            await self.recompose()
