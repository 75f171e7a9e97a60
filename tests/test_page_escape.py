"""The page format's escape: a body line after a backslash is a paragraph, whatever its shape."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reader.feeds.page import Page, render
from reader.model import Block
from reader.parse import ESCAPE, parse, reads_as_paragraph

HEAD = "WORLD\n2 MIN READ\nHarbour council votes on the budget\nNovember 3, 2026\n\n"
SHAPED = [
    "- 3 ways to cook a crab",
    "1. The first of two points",
    "> 5 is more than 4",
    "RelatedHarbour wall repairs halted",
    "READ MORE: Harbour wall repairs halted",
    "SOURCE:the minutes",
    "Explore",
    "Advertisement",
    "© the readers, who wrote in",
    "Contact us",
    "3 MIN READ",
    "02:48",
    "By Jane Doe",
    "November 3, 2026",
    "3 hours ago",
    "A caption of a photo / Photo: AP",
    "Voting closes at noon",
    "Harbour council votes on the budget",
    "\\d is a regular expression",
]


@pytest.mark.parametrize("text", SHAPED)
def test_an_escaped_line_reads_as_a_paragraph_of_its_text(text: str) -> None:
    """Under the header and among other paragraphs, the line is that paragraph and nothing else."""
    page = HEAD + ESCAPE + text + "\n\nThe council met on Monday.\n\n" + ESCAPE + text + "\n"
    article = parse(page)
    assert article.body == (
        Block("paragraph", text),
        Block("paragraph", "The council met on Monday."),
        Block("paragraph", text),
    )
    assert (article.authors, article.image, article.published) == ((), None, "2026-11-03")
    assert (article.related, article.source, article.explore) == ((), None, ())
    assert parse(page, body=False) == replace(article, body=())  # the list's parse reads the links the same way


@pytest.mark.parametrize("text", SHAPED)
def test_the_writer_escapes_exactly_the_paragraphs_that_need_it(text: str) -> None:
    """Each shaped paragraph is written escaped, and reads back; plain sentences are written as they are."""
    title = "Harbour council votes on the budget"
    assert not reads_as_paragraph(text, title)
    written = render(Page(title=title, published="2026-11-03", blocks=[("paragraph", text), ("paragraph", "Ok.")]))
    assert ESCAPE + text + "\n\nOk.\n" in written
    assert parse(written).body == (Block("paragraph", text), Block("paragraph", "Ok."))


def test_plain_sentences_and_other_blocks_are_written_unescaped() -> None:
    """A saved page stays readable: only paragraphs that need it carry the backslash."""
    blocks = [
        ("paragraph", "The council met on Monday and voted."),
        ("paragraph", "it began with a lower case word, and that is fine."),
        ("list_item", "Four thousand books."),
        ("quote", "People come for the books."),
        ("heading", "Built by volunteers"),
        ("paragraph", "Volunteers built it over two summers."),
    ]
    written = render(Page(title="Floating library opens", published="2026-11-18", blocks=blocks))
    assert ESCAPE not in written
    assert parse(written).body == tuple(Block(kind, text) for kind, text in blocks)


def test_a_bare_escape_is_no_paragraph_and_a_page_without_escapes_reads_as_before() -> None:
    article = parse(HEAD + ESCAPE + "\n\nThe council met.\n\n- an item\n")
    assert article.body == (Block("paragraph", "The council met."), Block("list_item", "an item"))


def test_a_title_that_starts_with_a_backslash_keeps_its_image_and_date() -> None:
    """The header still reads the title repeated over the caption when the title looks like an escape."""
    page = Page(
        title="\\o/ Harbour cheers",
        published="2026-11-03",
        caption="The crowd on the pier",
        credit="AP",
        blocks=[("paragraph", "\\o/ Harbour cheers"), ("paragraph", "The crowd cheered.")],
    )
    article = parse(render(page))
    assert (article.title, article.published) == ("\\o/ Harbour cheers", "2026-11-03")
    assert article.image is not None and (article.image.caption, article.image.credit) == (
        "The crowd on the pier",
        "AP",
    )
    assert article.body == (Block("paragraph", "\\o/ Harbour cheers"), Block("paragraph", "The crowd cheered."))
