"""What the Pilot tests read off the article pane: the lines it draws, whole or on screen."""

from __future__ import annotations

from textual.geometry import Region

from reader.app import ReaderApp
from reader.widgets.article_view import ArticleView


def article_view(app: ReaderApp) -> ArticleView:
    """The article pane of the screen on show."""
    return app.screen.query_one(ArticleView)


def story_lines(app: ReaderApp) -> list[str]:
    """Every line the article pane draws for its story, top to bottom (what scrolling shows), as plain text."""
    return [strip.text for strip in article_view(app).lines]


def story_text(app: ReaderApp) -> str:
    """The text of the article pane's story, line by line, whitespace folded."""
    return " ".join(" ".join(line.split()) for line in story_lines(app))


def line_of(app: ReaderApp, text: str) -> int:
    """The story line (from 0, scrolled out of sight or not) that first shows ``text``."""
    return next(n for n, line in enumerate(story_lines(app)) if text in line)


def screen_lines(app: ReaderApp) -> list[str]:
    """The article pane's lines as they are on screen now (edge and padding included)."""
    view = article_view(app)
    return [strip.text for strip in view.render_lines(Region(0, 0, view.outer_size.width, view.outer_size.height))]
