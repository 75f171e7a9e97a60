"""``reader feeds ...``, ``reader refresh`` and ``reader prune``: argparse setup and handlers.

:func:`add_commands` adds them to the main parser; :data:`COMMANDS` names them.
Errors are one ``reader: ...`` line on stderr; exit status 1 when something failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reader.feeds.subscriptions import FULL_TEXT, MAX_INTERVAL_MINUTES, MAX_KEEP_DAYS, Feed, SubscriptionError
from reader.json_lines import json_line
from reader.text import clean_line

COMMANDS = frozenset({"feeds", "refresh", "prune"})
OPML_LIMIT = 20_000_000
"""The largest OPML file ``feeds import`` reads (a FIFO or a device is refused outright)."""


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 item``, ``2 items``, ``0 stories``: a number and its noun, in the right number."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _fail(message: str) -> None:
    """One ``reader: ...`` line on stderr; external text in it cannot drive the terminal."""
    print(f"reader: {clean_line(message)}", file=sys.stderr)


def _settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title", help="your title for the feed")
    parser.add_argument("--folder", help="folder (OPML outline path, e.g. News/World)")
    parser.add_argument("--full-text", choices=FULL_TEXT, help="fetch story pages: auto (short items), always, never")
    parser.add_argument("--interval", type=int, metavar="MIN", help="background refresh interval in minutes")
    parser.add_argument("--keep-days", type=int, metavar="N", help="keep stories N days (default 90)")
    parser.add_argument("--keep", type=int, metavar="N", help="keep at most the newest N stories")


def _check_settings(args: argparse.Namespace) -> None:
    """Refuse settings that mean nothing (raises SubscriptionError with a one-line reason)."""
    interval = getattr(args, "interval", None)
    if interval is not None and interval < 1:
        raise SubscriptionError(f"--interval {interval}: the refresh interval is at least 1 minute")
    if interval is not None and interval > MAX_INTERVAL_MINUTES:
        raise SubscriptionError(
            f"--interval {interval}: the refresh interval is at most {MAX_INTERVAL_MINUTES} minutes (a year)"
        )
    for flag, value in (("--keep-days", getattr(args, "keep_days", None)), ("--keep", getattr(args, "keep", None))):
        if value is not None and value < 0:
            raise SubscriptionError(f"{flag} {value}: give 0 or more")
    days = getattr(args, "keep_days", None)
    if days is not None and days > MAX_KEEP_DAYS:
        raise SubscriptionError(f"--keep-days {days}: at most {MAX_KEEP_DAYS} (a hundred years)")


def _apply_settings(feed: Feed, args: argparse.Namespace) -> None:
    if getattr(args, "title", None) is not None:  # clean: no escape sequence reaches a terminal or the OPML
        feed.title_override = clean_line(args.title).strip() or None
    if getattr(args, "folder", None) is not None:
        feed.folder = clean_line(args.folder).strip().strip("/") or None
    if args.full_text:
        feed.full_text = args.full_text
    if args.interval is not None:
        feed.interval_minutes = args.interval
    if args.keep_days is not None:
        feed.retention_days = max(0, args.keep_days)
    if args.keep is not None:
        feed.retention_count = max(0, args.keep)


def cmd_add(args: argparse.Namespace) -> int:
    """``feeds add URL``: check the feed (or discover it on a page) and subscribe."""
    from reader.feeds.discover import find_feed
    from reader.feeds.extract import plain
    from reader.feeds.feedfile import FeedError
    from reader.feeds.http import FetchError
    from reader.feeds.subscriptions import add_feed, check_url, editing, find

    try:
        _check_settings(args)
        check_url(args.url)
        url, parsed = find_feed(args.url)
        feed, created = add_feed(url, title=args.title, folder=args.folder, feed_title=plain(parsed.title)[:200])
        with editing() as feeds:
            stored = find(feeds, feed.id)
            if stored is not None:
                _apply_settings(stored, args)
                feed = stored
    except (SubscriptionError, FetchError, FeedError) as error:
        _fail(f"{args.url}: {error}")
        return 1
    verb = "subscribed to" if created else "already subscribed to"
    items = count(len(parsed.items), "item")
    line = f"{verb} {feed.name} ({feed.id}) {feed.url}: {items}; `reader refresh` fetches them"
    print(clean_line(line))
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    """``feeds set FEED``: change a feed's settings."""
    from reader.feeds.subscriptions import editing, find

    try:
        _check_settings(args)
        with editing() as feeds:
            feed = find(feeds, args.feed)
            if feed is None:
                raise SubscriptionError(f"no feed {args.feed!r} (see `reader feeds list`)")
            _apply_settings(feed, args)
    except SubscriptionError as error:
        _fail(str(error))
        return 1
    print(clean_line(f"{feed.name}: full text {feed.full_text}, every {feed.interval_minutes} min"))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """``feeds remove URL|ID``: unsubscribe; the stories already fetched stay."""
    from reader.feeds.subscriptions import remove_feed

    try:
        feed = remove_feed(args.feed)
    except SubscriptionError as error:
        _fail(str(error))
        return 1
    print(clean_line(f"unsubscribed from {feed.name} ({feed.url}); its stories stay in articles/{feed.slug}/"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``feeds list [--json]``: each feed with items, unread, last refresh and last error."""
    from reader.feeds.subscriptions import feed_statuses
    from reader.store import open_store

    store = open_store()
    try:
        statuses = feed_statuses(store.read_marks)
    except SubscriptionError as error:
        _fail(str(error))
        return 1
    out = sys.stdout
    if statuses and not args.json and out.isatty():
        out.write(LIST_HEADER + "\n")
    for status in statuses:
        feed = status.feed
        record: dict[str, Any] = {
            "id": feed.id,
            "title": feed.name,
            "url": feed.url,
            "folder": feed.folder,
            "items": status.items,
            "unread": status.unread,
            "last_refresh": feed.last_refresh,
            "last_error": feed.last_error,
            "gone": feed.gone,
            "full_text": feed.full_text,
        }
        if args.json:
            out.write(json_line(record, out))
            continue
        out.write(list_row(feed, status.unread, status.items) + "\n")
    if not statuses and not args.json:
        out.write("no feeds yet: `reader feeds add URL` or `reader feeds import FILE.opml`\n")
    return 0


#: ``feeds list``'s header (on a terminal; piped, the rows alone): names the columns of :func:`list_row`.
LIST_HEADER = f"{'ID':8}  {'UNREAD':>6}  {'TOTAL':>6}  {'LAST REFRESH UTC':16}  FEED"


def list_row(feed: Feed, unread: int, total: int) -> str:
    """One feed's row of ``feeds list``: id, unread and total stories, last refresh, name, URL, last error.

    Each text from the file or the feed is made safe on its own, so the columns' spaces stay.
    """
    when = _safe(feed.last_refresh[:16].replace("T", " ")) if feed.last_refresh else "never refreshed"
    state = f"  ! failed: {_safe(feed.last_error)}" if feed.last_error else ""
    name, url = _safe(feed.name), _safe(feed.url)
    return f"{_safe(feed.id):8}  {unread:6d}  {total:6d}  {when:16}  {name}  <{url}>{state}"


def cmd_import(args: argparse.Namespace) -> int:
    """``feeds import FILE.opml``: subscribe to every feed in an OPML file (no network)."""
    from reader.feeds.opml import OpmlError, read_opml
    from reader.feeds.subscriptions import check_url, editing, feed_id, find, unique_slug
    from reader.files import FileRefused, describe_os_error, read_regular

    try:
        outlines = read_opml(read_regular(args.file, OPML_LIMIT))
    except OSError as error:
        _fail(f"{args.file}: {describe_os_error(error)}")
        return 1
    except (OpmlError, FileRefused) as error:
        _fail(f"{args.file}: {error}")
        return 1
    added = skipped = 0
    bad: list[str] = []
    with editing() as feeds:
        for outline in outlines:
            try:
                check_url(outline.url)
            except SubscriptionError as error:
                bad.append(str(error))
                continue
            if find(feeds, outline.url) is not None:
                skipped += 1
                continue
            # the outline's name is the one the user knew the feed by (renamed, or as another reader showed
            # it): kept as theirs, so the first refresh does not replace it with the feed's own title
            name = outline.title or None
            feed = Feed(feed_id(outline.url), outline.url, name or "", title_override=name, folder=outline.folder)
            feed.slug = unique_slug(feeds, outline.title or outline.url.split("/")[2])
            feeds.append(feed)
            added += 1
    for line in bad:
        _fail(f"{args.file}: skipped {line}")
    print(f"imported {count(added, 'feed')} ({skipped} already subscribed); `reader refresh` fetches them")
    return 1 if bad else 0


def cmd_export(args: argparse.Namespace) -> int:
    """``feeds export [-o FILE]``: OPML 2.0 on stdout or into FILE."""
    from reader.feeds.files import atomic_write
    from reader.feeds.opml import write_opml
    from reader.feeds.subscriptions import load_feeds

    try:
        data = write_opml(load_feeds())
    except SubscriptionError as error:
        _fail(str(error))
        return 1
    if args.output:
        from reader.files import describe_os_error

        target = Path(args.output)
        if target.is_dir() or (target.exists() and not target.is_file()):
            _fail(f"{args.output}: not a regular file: the OPML is written to a file")
            return 1
        try:
            atomic_write(target, data)
        except OSError as error:
            _fail(f"{args.output}: {describe_os_error(error)}")
            return 1
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    """``refresh [FEED...] [--json] [--due]``: fetch feeds; progress on a terminal, a summary when piped."""
    from reader.feeds.refresh import FeedResult, refresh

    tty = sys.stderr.isatty() and not args.json

    def progress(result: FeedResult, done: int, total: int) -> None:
        if args.json:
            sys.stdout.write(json_line(result.to_dict()))
            sys.stdout.flush()
        elif tty:
            width = 24
            filled = width * done // max(total, 1)
            name = result.name[:40]
            sys.stderr.write(f"\r\x1b[K[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {_safe(name)}")
            sys.stderr.flush()

    try:
        results = refresh(args.feeds, progress=progress, due_only=args.due)
    except (LookupError, SubscriptionError) as error:
        _fail(str(error).strip("'\""))
        return 1
    if tty:
        sys.stderr.write("\r\x1b[K")
    failed = [r for r in results if r.state in ("error", "gone")]
    if not args.json:
        for result in failed:
            _fail(_safe(result.line()))
        new = sum(r.new for r in results)
        updated = sum(r.updated for r in results)
        waiting = sum(1 for r in results if r.state == "waiting")
        tail = f", {waiting} waiting" if waiting else ""
        uncounted = sum(1 for r in results if not r.counted)
        if uncounted:  # a helper process died after writing their stories, before counting them
            tail += f"; {count(uncounted, 'feed')} with stories written but not counted (a helper process stopped)"
        print(f"refreshed {count(len(results), 'feed')}: {new} new, {updated} updated, {len(failed)} failed{tail}")
    return 1 if failed else 0


def _safe(text: str) -> str:
    from reader.feeds.extract import plain

    return plain(text)


def cmd_prune(args: argparse.Namespace) -> int:
    """``prune [--dry-run]``: delete stories past retention; never bookmarked or unread young ones."""
    from reader.feeds.prune import execute, plan
    from reader.feeds.subscriptions import load_feeds
    from reader.store import open_store

    store = open_store()
    try:
        doomed = plan(load_feeds(), store.read_marks, store.bookmarks_by_id)
    except SubscriptionError as error:
        _fail(str(error))
        return 1
    for item in doomed:
        print(f"{'would delete' if args.dry_run else 'delete'} {item.feed.slug}/{item.file}  {_safe(item.title)}")
    if args.dry_run:
        print(f"{count(len(doomed), 'story', 'stories')} would be deleted")
        return 0
    print(f"deleted {count(execute(doomed), 'story', 'stories')}")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``feeds``, ``refresh`` and ``prune`` to the main parser's subparsers."""
    feeds = sub.add_parser("feeds", help="subscriptions: add, remove, list, import, export, set")
    actions = feeds.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = actions.add_parser("add", help="subscribe to a feed URL (or a page that names its feed)")
    p.add_argument("url", metavar="URL")
    _settings(p)
    p.set_defaults(handler=cmd_add)

    p = actions.add_parser("set", help="change a feed's settings")
    p.add_argument("feed", metavar="FEED", help="id, URL or title")
    _settings(p)
    p.set_defaults(handler=cmd_set)

    p = actions.add_parser("remove", help="unsubscribe (stories already fetched stay)")
    p.add_argument("feed", metavar="URL|ID")
    p.set_defaults(handler=cmd_remove)

    p = actions.add_parser("list", help="feeds with items, unread, last refresh and error")
    p.add_argument("--json", action="store_true", help="JSON Lines, one object per feed")
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("import", help="subscribe to the feeds of an OPML file")
    p.add_argument("file", metavar="FILE.opml")
    p.set_defaults(handler=cmd_import)

    p = actions.add_parser("export", help="print the subscriptions as OPML 2.0")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("refresh", help="fetch new stories from your feeds")
    p.add_argument("feeds", nargs="*", metavar="FEED", help="id, URL or title (default: all)")
    p.add_argument("--json", action="store_true", help="one JSON object per feed as each finishes")
    p.add_argument("--due", action="store_true", help="only feeds whose interval has passed (and not backing off)")
    p.set_defaults(handler=cmd_refresh)

    p = sub.add_parser("prune", help="delete feed stories past their retention")
    p.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    p.set_defaults(handler=cmd_prune)
