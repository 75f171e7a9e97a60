"""The main screen's panes: focus, the sidebar, and one pane at a time on a very narrow terminal."""

from __future__ import annotations

from reader.screens.main_part import MainScreenPart
from reader.widgets.article_view import ArticleView
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar


class PaneActions(MainScreenPart):
    """Moving between the panes, and showing or hiding the sidebar."""

    def _show_article_pane(self) -> None:
        """When one pane shows at a time, move on to the article."""
        if self.has_class("single"):
            self.remove_class("sidebar-forced")
            self.add_class("show-article")
            self._apply_width(self.size.width)
            self.query_one(ArticleView).focus()

    def action_focus_headlines(self) -> None:
        """Back to the headline list (q in the article, the sidebar or the feeds)."""
        if self.has_class("single"):
            self.remove_class("show-article", "sidebar-forced", "sources")
            self._apply_width(self.size.width)
        elif self.has_class("sidebar-forced"):  # narrow: the sidebar was in the list's place
            self.remove_class("sidebar-forced")
            self._apply_width(self.size.width)
        self.query_one(HeadlineList).focus()

    def action_leave_pane(self) -> None:
        """Esc in the article or sidebar: one pane back when one shows at a time, else clear the filter."""
        if not self.has_class("single"):
            self.action_clear_filter()
        elif self.has_class("sidebar-forced") and self.story is not None:
            self._show_article_pane()
        else:
            self.action_focus_headlines()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        if self.has_class("sources"):
            # the Sources pane is in the sidebar's place: s puts the sidebar back (the list stays on its feed),
            # where before it only flipped the hidden sidebar's setting, and nothing changed on screen
            self.remove_class("sources")
            if not self.has_class("narrow") and not self.config.show_sidebar:
                self.config.show_sidebar = True
                self.post_message(self.SettingsChanged())
            self._apply_width(self.size.width)
            if self.has_class("narrow"):
                self.add_class("sidebar-forced")
                self._apply_width(self.size.width)
            sidebar.focus()
            return
        if self.has_class("narrow"):
            self.toggle_class("sidebar-forced")
            self._apply_width(self.size.width)
            if self.has_class("sidebar-forced"):
                sidebar.focus()
            else:
                self._focus_shown_pane()
            return
        self.config.show_sidebar = not sidebar.display
        self.post_message(self.SettingsChanged())
        self._apply_width(self.size.width)

    def _focus_shown_pane(self) -> None:
        """Give the keys to the pane in sight once the sidebar or the feeds close: the article when it holds
        the screen (one pane at a time), else the headline list."""
        if self.has_class("single") and self.has_class("show-article"):
            self.query_one(ArticleView).focus()
        else:
            self.query_one(HeadlineList).focus()
