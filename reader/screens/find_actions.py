"""Find in the story: the find bar and the article's matches."""

from __future__ import annotations

from reader.screens.main_part import MainScreenPart
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar


class FindActions(MainScreenPart):
    """ctrl+f: the find bar over the article, its matches counted and stepped through."""

    def _find_bar(self) -> FindBar:
        """The find bar over the article, made the first time it is wanted (a launch does without it)."""
        for bar in self.query(FindBar):
            return bar
        bar = FindBar(id="find")
        article = self.query_one(ArticleView)
        self.query_one("#centre").mount(bar, before=article)
        return bar

    def action_find(self) -> None:
        bar = self._find_bar()
        bar.open()
        self.query_one(ArticleView).find_query = bar.query_text

    def action_close_find(self) -> None:
        for bar in self.query(FindBar):
            bar.display = False
            bar.found = None
        self.query_one(ArticleView).find_query = ""
        self.query_one(ArticleView).focus()

    def on_find_bar_changed(self, message: FindBar.Changed) -> None:
        self.query_one(ArticleView).find_query = message.query

    def on_find_bar_step(self, message: FindBar.Step) -> None:
        self.query_one(ArticleView).action_find_step(message.step)

    def on_find_bar_closed(self) -> None:
        self.action_close_find()

    def on_article_view_found(self, message: ArticleView.Found) -> None:
        for bar in self.query(FindBar):  # none before the first find
            bar.found = (message.current, message.count)
