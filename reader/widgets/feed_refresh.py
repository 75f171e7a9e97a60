"""Refreshes feeds in a thread worker and reports progress, new stories and failures by message."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widget import Widget

from reader.model import Article

if TYPE_CHECKING:
    from reader.feeds.refresh import FeedResult


class FeedRefresher(Widget):
    """Invisible; runs one refresh at a time and, every ``interval_minutes``, a refresh of the feeds due."""

    DEFAULT_CSS = "FeedRefresher { display: none; }"

    class Progress(Message):
        """One more feed is done."""

        def __init__(self, done: int, total: int, errors: int) -> None:
            super().__init__()
            self.done = done
            self.total = total
            self.errors = errors

    class Finished(Message):
        """The refresh is over: each feed's result, and the stories of the feeds that changed."""

        def __init__(
            self,
            results: list[FeedResult],
            articles: list[Article] | None = None,
            paths: dict[str, str] | None = None,
            error: str | None = None,
            background: bool = False,
            missing: Sequence[str] = (),
        ) -> None:
            """``error``: the refresh could not run at all (damaged subscriptions file, ...); ``missing``: the
            feeds it was to refresh, one of them no longer subscribed (nothing was refreshed)."""
            super().__init__()
            self.results = results
            self.articles = [] if articles is None else articles
            self.paths = {} if paths is None else paths
            self.error = error
            self.background = background
            self.missing = list(missing)

    class Problems(Message):
        """Feeds that failed, one each (for the problems screen): a line, or what it is about and what went wrong."""

        def __init__(self, lines: Sequence[str | tuple[str, str]]) -> None:
            super().__init__()
            self.lines = list(lines)

    def __init__(self, interval_minutes: int = 30, limit: int | None = None) -> None:
        """``interval_minutes``: minutes between background refreshes (0: none); ``limit``: page size limit."""
        super().__init__()
        self.interval_minutes = interval_minutes
        self.limit = limit
        self.running = False

    def on_mount(self) -> None:
        if self.interval_minutes > 0:
            self.set_interval(self.interval_minutes * 60, self._background)

    def _background(self) -> None:
        self.start((), due_only=True, background=True)

    def start(self, keys: Sequence[str] = (), *, due_only: bool = False, background: bool = False) -> bool:
        """Refresh the feeds named by id (all when ``keys`` is empty); False when a refresh is already running."""
        if self.running:
            return False
        self.running = True
        self._run(tuple(keys), due_only, background)
        return True

    @work(thread=True, exclusive=True, group="refresh", description="refresh")
    def _run(self, keys: tuple[str, ...], due_only: bool, background: bool) -> None:
        from reader.feeds.refresh import refresh
        from reader.feeds.subscriptions import SubscriptionError

        errors = 0

        def progress(result: FeedResult, done: int, total: int) -> None:
            nonlocal errors
            errors += result.state in ("error", "gone")
            self.post_message(self.Progress(done, total, errors))

        try:
            results = refresh(keys, progress=progress, due_only=due_only)
        except LookupError as error:  # a feed named is no longer subscribed (removed while the app runs)
            self.post_message(self.Finished([], error=str(error), background=background, missing=keys))
            return
        except (SubscriptionError, OSError) as error:
            self.post_message(self.Finished([], error=str(error) or type(error).__name__, background=background))
            return
        except Exception as error:  # never a traceback in the app: one line instead
            text = f"refresh failed: {error or type(error).__name__}"
            self.post_message(self.Finished([], error=text, background=background))
            return
        failed = [feed_problem(result.name, result.error) for result in results if result.state in ("error", "gone")]
        if failed:
            self.post_message(self.Problems(failed))
        # "updated": new or changed stories, counted or not (a helper process may die before counting them)
        articles, paths = self._stories([r.feed_id for r in results if r.state == "updated"])
        self.post_message(self.Finished(results, articles, paths, background=background))

    def _stories(self, feed_ids: list[str]) -> tuple[list[Article], dict[str, str]]:
        """The stories of these feeds, read from their files (a file that cannot be read is skipped)."""
        from reader.feeds.stories import feed_folder, feed_stories
        from reader.feeds.subscriptions import SubscriptionError, load_feeds
        from reader.library import read_article
        from reader.parse import ParseError

        if not feed_ids:
            return [], {}
        try:
            slugs = [feed.slug for feed in load_feeds() if feed.id in feed_ids]
        except SubscriptionError:
            return [], {}
        articles: list[Article] = []
        paths: dict[str, str] = {}
        for slug in slugs:
            folder = feed_folder(slug)
            for record in feed_stories(slug).values():
                path = Path(folder) / str(record.get("file", ""))
                try:
                    article = read_article(path, self.limit)
                except (ParseError, OSError):
                    continue
                articles.append(article)
                paths[article.id] = str(path)
        return articles, paths

    def on_feed_refresher_finished(self) -> None:
        self.running = False


def feed_problem(name: str, error: str | None) -> tuple[str, str]:
    """A failing feed for the problems screen: its name in quotes, and what went wrong (apart: whatever the
    name holds, nothing of it is taken for the error)."""
    return f"feed “{name}”", error or "failed"
