"""The main screen's feeds: the Sources pane, refreshing feeds, and the story's web address."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from reader.model import Article
from reader.screens.main_part import MainScreenPart
from reader.text import clean_line
from reader.widgets.article_view import ArticleView
from reader.widgets.feed_refresh import FeedRefresher, feed_problem
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from reader.feeds.stories import StoryInfo
    from reader.feeds.subscriptions import FeedStatus
    from reader.widgets.sources import Sources


NO_FEEDS = "No feeds yet: `reader feeds add URL` subscribes (a feed's address or a site's page)"


class FeedActions(MainScreenPart):
    """The Sources pane and the list scoped to one feed, refresh (r, R), open and copy the address (o, y)."""

    @work(thread=True, exclusive=True, group="feed-info", description="feed-info")
    def _load_feed_info(self) -> None:
        from reader.feeds.stories import all_stories
        from reader.feeds.subscriptions import SubscriptionError, feed_statuses

        info = all_stories()
        unreadable = False
        try:
            statuses = feed_statuses(set())
        except SubscriptionError as error:
            statuses, unreadable = [], True
            self.post_message(FeedRefresher.Problems([str(error)]))
        self.post_message(self.FeedsKnown(info, statuses, unreadable))

    class FeedsKnown(Message, namespace="main_screen"):  # handled as on_main_screen_feeds_known, as before
        """The feeds, their state, and where each feed story came from (``unreadable``: feeds.json is not)."""

        def __init__(self, info: dict[str, StoryInfo], statuses: list[FeedStatus], unreadable: bool = False) -> None:
            super().__init__()
            self.info = info
            self.statuses = statuses
            self.unreadable = unreadable

    def on_main_screen_feeds_known(self, message: FeedsKnown) -> None:
        self.feed_info = message.info
        self.feed_statuses = {status.feed.id: status for status in message.statuses}
        for status in message.statuses:  # kept once a feed is removed: r on its stories names it
            self.feed_names[status.feed.id] = self.feed_names[status.feed.slug] = status.feed.name
        self._sources().show(message.statuses, unreadable=message.unreadable)
        failing = [failure_line(status) for status in message.statuses if status.feed.gone or status.feed.last_error]
        if failing:  # failed in `reader refresh` or an earlier session: p lists them too (each once)
            self.post_message(FeedRefresher.Problems(failing))
        if self.scope is not None:
            self._show_rows()
        self._show_source()
        self._name_scope()

    def _scoped(self, rows: list[Article]) -> list[Article]:
        status = self.feed_statuses.get(self.scope or "")
        if self.scope is None:
            return rows
        ids = set(status.story_ids) if status else set()
        return [article for article in rows if article.id in ids]

    def watch_scope(self) -> None:
        self._name_scope()
        self._show_rows()

    def _name_scope(self) -> None:
        status = self.feed_statuses.get(self.scope or "")
        self.scope_name = clean_line(status.feed.name) if status else ""
        self._count_scope()

    def watch_unread(self) -> None:
        self.call_later(self._count_scope)  # once the change that moved the count is held by ``changes``

    def _count_scope(self) -> None:
        """Count the unread stories of the feed the list is scoped to (for the header)."""
        status = self.feed_statuses.get(self.scope or "")
        is_read = self.changes.is_read
        self.scope_unread = sum(1 for i in status.story_ids if not is_read(i)) if status else 0

    def _sources(self) -> Sources:
        """The Sources pane, made the first time it is wanted (a launch does without it: it shows once the feeds are
        known, just after the first frame; so is its module)."""
        from reader.widgets.sources import Sources

        for sources in self.query(Sources):
            return sources
        sources = Sources(id="sources")
        sources.is_read = self.changes.is_read
        self.mount(sources, after=self.query_one(Sidebar))
        sources.display = self.has_class("sources")
        return sources

    def _apply_sources(self) -> None:
        shown = self.has_class("sources")
        for sources in self.query("#sources"):  # by id: the pane's module is not imported before it is made
            sources.display = shown
        if shown:
            self._sources().display = True
            self.query_one(Sidebar).display = False

    def action_sources(self) -> None:
        """Show or hide the Sources pane (in the sidebar's place); hiding it shows every story again."""
        if self.scope is not None and not self.has_class("sources"):
            self.add_class("sources")  # narrow: the list was scoped with the pane closed; show the feeds again
            self._apply_width(self.size.width)
            self._sources().focus()
            return
        self.toggle_class("sources")
        self._apply_width(self.size.width)
        if self.has_class("sources"):
            self._load_feed_info()
            self._sources().focus()
        else:
            self.scope = None
            self._focus_shown_pane()

    def on_sources_scope(self, event: Sources.Scope) -> None:
        self.scope = event.feed_id
        self._show_rows()
        if self.has_class("narrow"):  # the article pane comes back; 4 shows the feeds again
            self.remove_class("sources")
            self._apply_width(self.size.width)
        self.query_one(HeadlineList).focus()

    def on_sources_to_list(self) -> None:
        self.action_focus_headlines()

    def on_sources_mark_read(self, event: Sources.MarkRead) -> None:
        status = self.feed_statuses.get(event.feed_id)
        if status is not None:
            self._mark_read(status.story_ids, f"in {clean_line(status.feed.name)}")

    def _feed_of(self, article: Article | None) -> str | None:
        info = self.feed_info.get(article.id) if article else None
        if info is not None:
            return info.feed_id
        return None

    def _feed_folder_of(self, article: Article | None) -> str | None:
        """The feed folder holding the story's file, when the feed indexes no longer list it (folder removed)."""
        from reader.feeds.stories import articles_root

        path = self.library.paths.get(article.id) if article else None
        if path is None or Path(path).parent.parent != articles_root():
            return None
        return Path(path).parent.name

    def action_refresh_feed(self) -> None:
        """Refresh the highlighted feed (Sources pane), else the current story's feed."""
        sources = self._sources()
        target = self._target()
        feed_id = sources.highlighted_feed if sources.has_focus else None
        feed_id = feed_id or self._feed_of(target) or self.scope
        if feed_id is None and (slug := self._feed_folder_of(target)) is not None:
            by_folder = {status.feed.slug: status.feed.id for status in self.feed_statuses.values()}
            if slug not in by_folder:
                self._not_subscribed(slug)
                return
            feed_id = by_folder[slug]  # still subscribed: the refresh writes its folder again
        if feed_id is None:
            self.notify("Not a feed story: R refreshes every feed" if self.feed_statuses else NO_FEEDS, markup=False)
            return
        self._start_refresh([feed_id])

    def _not_subscribed(self, key: str) -> None:
        """Say that the feed ``key`` (an id or a folder) is no longer subscribed: one wording, however r found it."""
        name = self.feed_names.get(key)
        feed = f"“{clean_line(name)}”" if name else "This story's feed"
        self.notify(f"{feed} is no longer subscribed: nothing to refresh", severity="warning", timeout=5, markup=False)

    def action_refresh_all(self) -> None:
        """Refresh every feed."""
        self._start_refresh([])

    def _start_refresh(self, keys: list[str]) -> None:
        if not self.query_one(FeedRefresher).start(keys):
            self.notify("A refresh is already running", timeout=3)
            return
        self.refresh_status = "refreshing…"

    def on_feed_refresher_progress(self, message: FeedRefresher.Progress) -> None:
        errors = f", {message.errors} failed" if message.errors else ""
        self.refresh_status = f"refreshing {message.done}/{message.total}{errors}"

    def on_feed_refresher_finished(self, message: FeedRefresher.Finished) -> None:
        self.refresh_status = ""
        if len(message.missing) == 1:  # r on a feed removed since the Sources pane was filled
            self._not_subscribed(message.missing[0])
            self._load_feed_info()
            return
        if message.error is not None:
            self.notify(f"Refresh failed: {clean_line(message.error)}", severity="error", timeout=8, markup=False)
            return
        edited = self._edited_ids(message.paths)
        new = self.library.add_or_update(message.articles, message.paths) if message.articles else 0
        new -= len(edited)  # the same stories under the ids their edited headlines give them: not new
        self.library.remove(edited.values())
        now = {old: article_id for article_id, old in edited.items()}
        shown = self.story.article if self.story else None
        if shown is not None and shown.id in now:  # the open story's headline was edited: the story as it is now
            view = self.query_one(ArticleView)
            self.open_article(now[shown.id], record=False, scroll_y=view.scroll_y, mark_read=False)
        elif shown is not None and any(a.id == shown.id and a != shown for a in message.articles):
            self.redraw_open_story()  # the open story's text changed: draw the new one in place
        if message.articles:
            self.post_message(self.LibraryChanged())
            highlighted = self.query_one(HeadlineList).highlighted
            self._show_rows_in_place(now.get(highlighted.id) if highlighted else None)
            self._recount()
        self._load_feed_info()
        failed = sum(1 for result in message.results if result.state in ("error", "gone"))
        if message.background and not new and not failed:
            return
        if not message.results:
            self.notify(NO_FEEDS, timeout=5, markup=False)
            return
        text = f"Refreshed {len(message.results)} feed{'s' if len(message.results) != 1 else ''}: {new} new"
        if failed:
            text += f", {failed} failed (p shows why)"
        self.notify(text, severity="warning" if failed else "information", timeout=5, markup=False)

    def _edited_ids(self, paths: dict[str, str]) -> dict[str, str]:
        """Earlier id by new id, for the stories of a refresh whose file held another id (an edited headline:
        its marks moved to the new id; the earlier one, left in the library, showed as a second row)."""
        fresh = {path: article_id for article_id, path in paths.items() if article_id not in self.library.by_id}
        if not fresh:
            return {}
        # one pass over the library's paths, keeping only the few asked about (~6 ms at 100k stories)
        held = {path: article_id for article_id, path in self.library.paths.items() if path in fresh}
        return {fresh[path]: old for path, old in held.items() if old != fresh[path]}

    def _show_rows_in_place(self, keep: str | None = None) -> None:
        """Show the rows again with the highlighted story (or ``keep``) on the same screen line (new stories
        above it)."""
        headlines = self.query_one(HeadlineList)
        before = headlines.cursor_line - headlines.scroll_y
        self._show_rows(keep)

        def keep_line() -> None:
            headlines.scroll_to(y=max(0, headlines.cursor_line - before), animate=False, immediate=True)

        headlines.call_after_refresh(keep_line)

    def _story_url(self) -> str | None:
        article = self._target()
        info = self.feed_info.get(article.id) if article else None
        if info is None or not info.url:
            self.notify("This story has no web address", timeout=3)
            return None
        return info.url

    def action_open_url(self) -> None:
        """Open the story's web page in the browser."""
        url = self._story_url()
        if url is not None:
            self._open_in_browser(url)

    @work(thread=True, group="browser", description="browser")
    def _open_in_browser(self, url: str) -> None:
        from reader import outside

        if not outside.open_url(url):
            self.app.call_from_thread(
                self.notify, "No browser could be started: y copies the address", severity="warning", timeout=5
            )

    def action_copy_url(self) -> None:
        """Copy the story's web address to the clipboard."""
        url = self._story_url()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {clean_line(url)}", timeout=3, markup=False)

    def _show_source(self) -> None:
        """The line above the article: the feed and the address of a feed story."""
        line = self.query_one("#story-source", Static)
        info = self.feed_info.get(self.current or "")
        line.display = info is not None
        if info is None:
            return
        status = self.feed_statuses.get(info.feed_id)
        name = status.feed.name if status else info.feed_slug
        url = clean_line(info.url or "no web address")
        line.update(Text.assemble((clean_line(name), "bold"), " · ", url, no_wrap=True, overflow="ellipsis"))


#: What a refresh of every feed says of a gone feed it skips (:func:`reader.feeds.refresh.refresh_async`).
GONE_SKIPPED = "gone (HTTP 410); name it to try again"


def failure_line(status: FeedStatus) -> tuple[str, str]:
    """A failing feed's line on the problems screen, as a refresh in the app words it (listed once: a gone
    feed as the next refresh, which skips it, says it)."""
    feed = status.feed
    return feed_problem(feed.name, GONE_SKIPPED if feed.gone else feed.last_error)
