"""Find in the story: the find bar and the article's matches."""

from __future__ import annotations

from reader.screens.main_part import MainScreenPart
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar


class FindActions(MainScreenPart):
    """ctrl+f: the find bar over the article, its matches counted and stepped through."""

    def action_find(self) -> None:
        self.query_one(FindBar).open()
        query = self.query_one(FindBar).query_text
        self.query_one(ArticleView).find_query = query

    def action_close_find(self) -> None:
        bar = self.query_one(FindBar)
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
        self.query_one(FindBar).found = (message.current, message.count)
