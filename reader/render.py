"""Rich renderables for an article. Untrusted text only ever enters as ``Text`` data."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from reader.library import Link
from reader.model import Article


def meta_line(article: Article) -> Text:
    """``WORLD · 2 min read``: section and reading time."""
    parts = [p for p in (article.section, f"{article.read_minutes} min read" if article.read_minutes else None) if p]
    return Text(" · ".join(parts), style="bold")


def byline(article: Article) -> Text:
    """``By Ali Topchi · 2024-11-23``."""
    parts = []
    if article.authors:
        parts.append("By " + ", ".join(article.authors))
    if article.published:
        parts.append(article.published)
    return Text(" · ".join(parts), style="italic")


def article_renderable(
    article: Article, *, link_style: str = "underline", links: Sequence[Link] | None = None
) -> RenderableType:
    """The whole article as one rich renderable, with a clear hierarchy.

    With ``links`` (resolved), the Explore list says which stories are in the library.
    """
    parts: list[RenderableType] = []
    meta = meta_line(article)
    if meta:
        parts.append(meta)
    parts.append(Text(article.title, style="bold"))
    if article.dek:
        parts.append(Text(article.dek, style="italic"))
    if article.image and (article.image.caption or article.image.credit):
        caption = Text("▣ ", style="dim")
        caption.append(article.image.caption or "", style="dim")
        if article.image.credit:
            caption.append(f" ({article.image.credit})", style="dim")
        parts.append(caption)
    line = byline(article)
    if line:
        parts.append(line)
    parts.append(Rule(style="dim"))
    for block in article.body:
        if block.kind == "heading":
            parts += [Text(block.text, style="bold"), Text()]
        elif block.kind == "related":
            text = Text("Related: ", style="dim")
            text.append(block.text, style=link_style)
            parts += [text, Text()]
        elif block.kind == "list_item":
            parts.append(Text.assemble("  • ", block.text))
        elif block.kind == "quote":
            parts += [Text.assemble(("│ ", "dim"), (block.text, "italic")), Text()]
        else:
            parts += [Text(block.text), Text()]
    if article.source:
        parts.append(Text(f"Source: {article.source}", style="dim"))
    if article.explore:
        parts.append(Rule("Explore", style="dim"))
        targets = {link.headline: link.target for link in links or () if link.kind == "explore"}
        for headline in article.explore:
            if links is not None and targets.get(headline):
                line = Text.assemble(("→ ", "bold"), headline)
            else:
                line = Text.assemble("• ", headline)
                if links is not None:
                    line.append("  (not in library)", style="dim")
            parts.append(line)
    return Group(*parts)


def render_to_console(article: Article, console: Console | None = None, links: Sequence[Link] | None = None) -> None:
    """Print an article; plain text (no colour codes) when stdout is not a terminal."""
    console = console or Console(highlight=False, emoji=False, markup=False)
    console.print(article_renderable(article, links=links))


def print_library(extra: list[Path]) -> int:
    """Placeholder until the TUI lands: list the bundled library's titles."""
    from reader.parse import parse
    from reader.paths import seeds_dir

    for path in sorted(seeds_dir().glob("*.txt")):
        article = parse(path.read_bytes())
        sys.stdout.write(f"{article.published or '':10}  {article.title}\n")
    return 0
