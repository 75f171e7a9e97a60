"""Rich renderables for an article. Untrusted text only ever enters as ``Text`` data."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.pager import Pager
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
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


def list_item(text: str) -> Table:
    """A bulleted list item whose wrapped lines hang under its first word, not under the bullet."""
    grid = Table.grid()
    grid.add_column(width=4, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row("  • ", Text(text))
    return grid


class Quote:
    """A quoted passage, wrapped with the ``│`` bar at the start of every line (not the first alone)."""

    BAR = "│ "

    def __init__(self, text: str) -> None:
        self.text = Text(text, style="italic")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width - len(self.BAR))
        bar = Segment(self.BAR, console.get_style("dim"))
        for line in self.text.wrap(console, width):
            yield bar
            yield from line.render(console)
            yield Segment.line()


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
    for n, block in enumerate(article.body):
        if n and article.body[n - 1].kind == "list_item" and block.kind != "list_item":
            parts.append(Text())  # a list ends with a blank line, like a paragraph
        if block.kind == "heading":
            parts += [Text(block.text, style="bold"), Text()]
        elif block.kind == "related":
            text = Text.assemble(("Related: ", "dim"))  # dim for the label only: the headline is the link
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
            parts.append(list_item(block.text))
        elif block.kind == "quote":
            parts += [Quote(block.text), Text()]
        else:
            parts += [Text(block.text), Text()]
    if article.body and article.body[-1].kind == "list_item":
        parts.append(Text())
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


#: The widest an article is printed on a terminal (a comfortable measure).
MAX_WIDTH = 100
DEFAULT_PAGER = "less -FRX"


class CommandPager(Pager):
    """Pipes text to a pager command (``$PAGER``, else ``less``)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def show(self, content: str) -> None:
        """Run the pager on ``content`` and wait for the reader to quit it."""
        try:
            proc = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE, errors="replace", text=True)
        except OSError:
            print(content, end="")
            return
        assert proc.stdin is not None
        try:
            with proc.stdin as pipe:
                pipe.write(content)
        except OSError:
            pass  # the reader quit the pager early
        proc.wait()


def pager_command() -> tuple[str, bool] | None:
    """The pager to use and whether it shows colours: ``$PAGER`` (plain text), else ``less -FRX``."""
    command = os.environ.get("PAGER", "").strip()
    if command:
        try:
            first = shlex.split(command)[0]
        except (ValueError, IndexError):
            first = ""
        return command, os.path.basename(first) == "less" and "R" in os.environ.get("LESS", "").upper()
    if shutil.which("less"):
        return DEFAULT_PAGER, True
    return None


class _PipedConsole(Console):
    """A console whose reader going away (``reader parse ... | head``) ends the command as every other
    command's output does (status 0, see ``cli.main``), not with rich's status 1."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def render_to_console(
    article: Article,
    console: Console | None = None,
    links: Sequence[Link] | None = None,
    *,
    page: bool = False,
) -> None:
    """Print an article; plain text (no colour codes) when stdout is not a terminal.

    On a terminal the text is at most :data:`MAX_WIDTH` columns wide, and with
    ``page`` it goes through a pager (see :func:`pager_command`).
    """
    if console is None:
        console = _PipedConsole(highlight=False, emoji=False, markup=False)
        if console.is_terminal:
            console.width = min(console.width, MAX_WIDTH)
    renderable = article_renderable(article, links=links)
    pager = pager_command() if page and console.is_terminal else None
    if pager is None and not console.is_terminal and isinstance(console, _PipedConsole):
        with console.capture() as captured:  # to a file or another program: lines without the padding to the width
            console.print(renderable)
        console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
        console.file.flush()
        return
    if pager is None:
        console.print(renderable)
        return
    command, styles = pager
    with console.pager(CommandPager(command), styles=styles):
        console.print(renderable)
