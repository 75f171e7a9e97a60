"""A quoted passage keeps its ``│`` bar on every line it wraps to: in the article pane and in ``reader show``."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from reader.app import ReaderApp
from reader.config import Config
from reader.library import load_library
from reader.model import Article, Block
from reader.paths import seeds_dir
from reader.render import article_renderable
from reader.store import Store
from tests.helpers.article import story_lines
from tests.helpers.pilot import settle, started

QUOTE = (
    "We kept the old bell, because people asked us to, and it rings on every crossing of the strait "
    "from the first boat at dawn to the last one after the night market closes."
)


def printed(article: Article, width: int) -> list[str]:
    console = Console(width=width, color_system=None, highlight=False)
    with console.capture() as captured:
        console.print(article_renderable(article))
    return captured.get().splitlines()


def test_every_line_of_a_wrapped_quote_starts_with_the_bar() -> None:
    article = Article(id="a", title="Ferry", body=(Block("quote", QUOTE), Block("paragraph", "After the quote.")))
    lines = printed(article, 40)
    quoted = [line for line in lines if line.startswith("│ ")]
    assert len(quoted) >= 4  # the quote wraps over several lines
    assert " ".join(line[2:].strip() for line in quoted) == QUOTE  # every word, each line barred
    assert all(len(line) <= 40 for line in lines)
    assert not any("│" in line for line in lines if "After the quote" in line)


async def test_the_article_pane_bars_every_line_of_a_quote_at_80_columns(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    page = (seeds_dir() / "tallow-ferry-strike.txt").read_text(encoding="utf-8")
    page = page.replace("SOURCE:Sample", f"> {QUOTE}\n\nSOURCE:Sample")
    (folder / "tallow-ferry-strike.txt").write_text(page, encoding="utf-8")
    app = ReaderApp(load_library([folder]), Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with started(app, (80, 24)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        lines = story_lines(app)
        first = next(n for n, line in enumerate(lines) if "We kept the old bell" in line)
        quoted = []
        for line in lines[first:]:
            if not line.strip():
                break
            quoted.append(line.strip())
        assert len(quoted) >= 3
        assert all(line.startswith("│ ") for line in quoted)
        assert " ".join(line[2:].strip() for line in quoted) == QUOTE
