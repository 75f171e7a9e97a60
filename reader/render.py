"""Rich renderables for an article. Untrusted text only ever enters as ``Text`` data."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.style import Style
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
    article: Article,
    *,
    links: Sequence[Link] | None = None,
    link_style: Style | str = "underline",
    selected: int | None = None,
    clickable: bool = False,
) -> RenderableType:
    """The whole article as one rich renderable, with a clear hierarchy.

    Inline Related links are numbered in page order; with ``clickable`` each carries
    ``{"link": n}`` in its style's meta, and link ``selected`` is shown reversed.
    With ``links`` (resolved), headlines not in the library are marked as such.
    """
    targets = {(link.kind, link.headline): link.target for link in links or ()}
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
    number = 0
    for block in article.body:
        if block.kind == "heading":
            parts += [Text(block.text, style="bold"), Text()]
        elif block.kind == "related":
            text = Text("Related: ", style="dim")
            resolved = links is None or targets.get(("related", block.text)) is not None
            style = Style.parse(link_style) if isinstance(link_style, str) else link_style
            if not resolved:
                style = Style(dim=True)
            if clickable:
                style += Style(meta={"link": number})
            if number == selected:
                style += Style(reverse=True)
            text.append(block.text, style=style)
            if not resolved:
                text.append("  (not in library)", style="dim italic")
            parts += [text, Text()]
            number += 1
        elif block.kind == "list_item":
            parts.append(Text.assemble("  • ", block.text))
        elif block.kind == "quote":
            parts += [Text.assemble(("│ ", "dim"), (block.text, "italic")), Text()]
        else:
            parts += [Text(block.text), Text()]
    if article.source:
        parts.append(Text(f"Source: {article.source}", style="dim"))
    if article.explore and not clickable:
        parts.append(Rule("Explore", style="dim"))
        for headline in article.explore:
            if links is not None and targets.get(("explore", headline)):
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
