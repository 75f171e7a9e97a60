"""Issue 10 features at scale: the header's unread count with minutes, sorting and sections, find in a long story.

Run: ``python -m bench.bench_features [STORIES]`` (default 100,000). Prints medians in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Group
from rich.style import Style
from rich.text import Text

from reader.changes import PendingChanges
from reader.find import mark
from reader.library import Library
from reader.model import Article
from reader.store import Store
from reader.views import arrange, sections, unread_count, unread_totals

SECTIONS = ("WORLD", "POLITICS", "SPORT", "CULTURE", "SCIENCE", "LOCAL", "WEATHER", "ENERGY")


def median_ms(run: Callable[[], object], times: int = 5) -> float:
    """The median time of ``run`` in milliseconds."""
    found = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        found.append(time.perf_counter() - start)
    return statistics.median(found) * 1000


def main(count: int) -> None:
    articles = [
        Article(
            id=f"story-{n}",
            title=f"Story {n}",
            section=SECTIONS[n % len(SECTIONS)],
            read_minutes=n % 9 or None,
            published=f"20{10 + n % 16}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        )
        for n in range(count)
    ]
    library = Library(articles)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "state.json")
        for n in range(0, count, 3):
            store.set_read(f"story-{n}", True)  # a third read
        changes = PendingChanges(store)
        rows = library.articles
        print(f"{count:,} stories")
        print(f"  unread count (before: count only) {median_ms(lambda: unread_count(library, changes)):8.1f} ms")
        print(f"  unread count and minutes (header) {median_ms(lambda: unread_totals(library, changes)):8.1f} ms")
        print(f"  sort oldest first                 {median_ms(lambda: arrange(rows, 'oldest')):8.1f} ms")
        print(f"  sort by section                   {median_ms(lambda: arrange(rows, 'section')):8.1f} ms")
        print(f"  one section                       {median_ms(lambda: arrange(rows, 'newest', 'SPORT')):8.1f} ms")
        print(f"  sections for the palette          {median_ms(lambda: sections(library)):8.1f} ms")
    paragraph = "The council met on Tuesday to discuss the harbour, the tram and the port. " * 12

    def find() -> int:
        story = Group(*(Text(paragraph) for _ in range(200)))  # a very long story: ~180,000 characters
        return mark(story, "the", 0, Style(), Style())

    print(f"  find 'the' in a 180,000-character story  {median_ms(find):8.1f} ms ({find():,} matches)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
