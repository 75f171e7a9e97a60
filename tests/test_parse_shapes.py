"""Page shapes seen since the first parser (issue 12): date-first video pages, a standfirst
under the title in title-first dumps, and dumps cut at a fixed length."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.parse import parse

PAGES = Path(__file__).parent / "fixtures" / "pages"


def page(name: str) -> dict[str, Any]:
    """A fixture page, parsed, as JSON-ready data."""
    return parse((PAGES / name).read_bytes()).to_dict()


def test_date_first_video_page() -> None:
    assert page("video-date-first.txt") == {
        "id": "2022-01-25-lantern-boats-return-to-the-tallow-river-after-ten-dark-winters",
        "section": None,
        "read_minutes": None,
        "title": "Lantern boats return to the Tallow River after ten dark winters",
        "dek": (
            "Boatbuilders in Port Elsen spent the winter restoring twelve lantern boats, and on Saturday night "
            "the fleet sailed again past the old customs house while crowds on both banks watched the lights "
            "drift down toward the harbour mouth."
        ),
        "image": None,
        "authors": [],
        "published": "2022-01-25",
        "body": [],
        "related": [],
        "source": None,
        "explore": [
            "Greyhaven lighthouse shines again after forty years",
            "Cobalt Bay tidal plant reaches full output",
        ],
    }


def test_date_first_video_page_with_duration_image_line_and_crawler_stamp() -> None:
    article = parse(
        " date 2022-01-27 POLITICSTÜRKİYEWORLDBUSINESSVIDEOS\nJanuary 25, 2022\nNight ferry crosses in thick fog\n"
        "02:48\nNight ferry crosses in thick fog / Others\nThe last ferry of the night felt its way across the river.\n"
        "More Videos\nFog warning for the Tallow crossing\n"
    )
    assert (article.title, article.published) == ("Night ferry crosses in thick fog", "2022-01-25")
    assert article.dek == "The last ferry of the night felt its way across the river."
    assert article.image is not None
    assert (article.image.alt, article.image.caption, article.image.credit) == (
        "Night ferry crosses in thick fog",
        "Night ferry crosses in thick fog",
        "Others",
    )
    assert article.body == ()
    assert article.explore == ("Fog warning for the Tallow crossing",)


def test_a_date_line_alone_or_before_a_section_is_not_a_date_first_page() -> None:
    assert parse("January 25, 2022").title == "January 25, 2022"
    article = parse("January 25, 2022\nWORLD\nFerry talks resume\n\nThe talks resumed.")
    assert article.title != "WORLD"


def test_standfirst_under_the_title_with_bare_by_and_caption() -> None:
    assert page("amp-standfirst.txt") == {
        "id": "port-elsen-ferry-crews-vote-to-end-three-day-strike",
        "section": None,
        "read_minutes": None,
        "title": "Port Elsen ferry crews vote to end three-day strike",
        "dek": "Crews accepted a harbour board offer that shortens winter shifts on the Tallow crossing.",
        "image": {
            "alt": None,
            "caption": "Ferry crews gather on the Port Elsen slipway after Thursday's vote",
            "credit": "AP",
        },
        "authors": [],
        "published": None,
        "body": [
            {
                "kind": "paragraph",
                "text": (
                    "The strike that halted every ferry across the Tallow River ended on Thursday evening, when "
                    "crews voted by a wide margin to accept the harbour board's offer."
                ),
            },
            {
                "kind": "paragraph",
                "text": (
                    "Union steward Piet Calloway said the shorter shifts would make the winter fog season safer "
                    "for crews and passengers alike."
                ),
            },
            {"kind": "heading", "text": "Services resume on Friday"},
            {
                "kind": "paragraph",
                "text": "The first ferry is due to leave the Weigh House steps at six, the harbour board said.",
            },
        ],
        "related": [],
        "source": None,
        "explore": [],
    }


@pytest.mark.parametrize(
    "middle",
    ["", "By\n", "Harbour crews at the slipway / AP\n", "By\nHarbour crews at the slipway / AP\n", "\n"],
    ids=["plain", "bare-by", "caption", "by-and-caption", "blank-line"],
)
def test_standfirst_variants(middle: str) -> None:
    text = (
        "Ferry crews vote to end the strike\nCrews accepted the board's offer on Thursday.\n"
        + middle
        + "\nThe strike ended on Thursday evening.\n\nFerries run again on Friday."
    )
    article = parse(text)
    assert article.dek == "Crews accepted the board's offer on Thursday."
    assert [b.text for b in article.body] == ["The strike ended on Thursday evening.", "Ferries run again on Friday."]
    if "/ AP" in middle:
        assert article.image is not None and article.image.credit == "AP"
    else:
        assert article.image is None
    assert article.authors == ()


@pytest.mark.parametrize(
    "text",
    [
        # paragraphs one a line: the line under the title is the first paragraph
        "Ferry crews vote to end the strike\nCrews accepted the offer.\nThe strike ended.\nFerries run again.",
        # paragraphs apart: the title stands apart too
        "Ferry crews vote to end the strike\n\nCrews accepted the offer.\n\nFerries run again.",
        # a body-only dump: the first line is a sentence, not a title
        "The crews voted on Thursday.\nThey accepted the offer.\n\nFerries run again.",
        # more than one sentence is a paragraph, not a standfirst
        "Ferry crews vote to end the strike\nCrews accepted the offer. Ferries run again.\n\nThe strike ended.",
        # a lone line under the title, with no body after it
        "Ferry crews vote to end the strike\nCrews accepted the offer on Thursday.\n",
    ],
    ids=["one-a-line", "blank-lines", "body-only", "two-sentences", "no-body"],
)
def test_the_first_paragraph_of_an_ordinary_page_is_not_a_standfirst(text: str) -> None:
    article = parse(text)
    assert article.dek is None
    assert article.body[0].kind == "paragraph"
    assert article.body[0].text.startswith(("Crews accepted", "They accepted"))


def test_page_cut_in_the_body_ends_on_a_paragraph() -> None:
    assert page("cut-body.txt") == {
        "id": "2026-11-18-island-council-backs-a-new-harbour-wall",
        "section": "MARROWICK",
        "read_minutes": 2,
        "title": "Island council backs a new harbour wall",
        "dek": "Work on the wall is due to start before the winter storms.",
        "image": {
            "alt": "Island council backs a new harbour wall",
            "caption": "The old harbour wall at low tide.",
            "credit": "Sample",
        },
        "authors": ["Ada Mertz"],
        "published": "2026-11-18",
        "body": [
            {
                "kind": "paragraph",
                "text": "The island council voted on Tuesday to build a new harbour wall at Port Elsen.",
            },
            {"kind": "heading", "text": "What happens next"},
            {
                "kind": "paragraph",
                "text": (
                    "The harbour board will ask three firms to bid for the work, and the winning design goes on "
                    "show at the Weigh House in January."
                ),
            },
            {"kind": "paragraph", "text": "Engineers will survey the old"},
        ],
        "related": [],
        "source": None,
        "explore": [],
    }


def test_page_cut_in_the_explore_list_keeps_the_cut_entry() -> None:
    assert page("cut-explore.txt") == {
        "id": "2026-11-20-fog-warning-for-the-tallow-crossing",
        "section": "WEATHER",
        "read_minutes": 1,
        "title": "Fog warning for the Tallow crossing",
        "dek": "Ferries may be delayed until the fog lifts on Thursday.",
        "image": None,
        "authors": ["Hana Wexley"],
        "published": "2026-11-20",
        "body": [
            {
                "kind": "paragraph",
                "text": "The Marrowick weather office warned of thick fog over the Tallow River on Wednesday night.",
            }
        ],
        "related": [],
        "source": "Sample",
        "explore": [
            "Port Elsen ferry crews vote to end three-day strike",
            "Island council backs a new harbour wall",
            "M",
        ],
    }


@pytest.mark.parametrize(
    ("tail", "explore"),
    [
        ("Dol", ["Ferry talks resume", "Dol"]),
        ("M", ["Ferry talks resume", "M"]),
        ("WORLD\nM", ["Ferry talks resume", "M"]),
        ("WORLD", ["Ferry talks resume", "WORLD"]),  # a label with nothing after it is a cut headline
        ("WORLD\nContact us", ["Ferry talks resume"]),  # a footer follows: the page was not cut
        ("Storm season starts early\n01:12", ["Ferry talks resume", "Storm season starts early"]),
    ],
)
def test_cut_explore_entries(tail: str, explore: list[str]) -> None:
    article = parse("Harbour talks resume\n\nThe talks resumed.\nExplore\nFerry talks resume\n" + tail)
    assert list(article.explore) == explore


@pytest.mark.parametrize("cut", ["What happens", "Related", "Explo", "RelatedWill the"])
def test_a_page_never_ends_on_a_heading(cut: str) -> None:
    article = parse("Harbour talks resume\n\nThe talks resumed on Monday.\n\n" + cut)
    assert all(b.kind != "heading" for b in article.body[-1:])


SEED = Path(__file__).resolve().parent.parent / "seeds" / "nato-chief-meets-trump.txt"


def test_a_utf8_dump_cut_inside_its_last_character_stays_utf8() -> None:
    data = SEED.read_bytes()
    at = data.index("‘Pilot operation’".encode())  # a three-byte quote near the end
    whole = parse(data[:at])
    for cut in (at + 1, at + 2):
        article = parse(data[:cut])
        assert article == whole
    assert whole.explore[-1] == "Türkiye expresses condolences over deadly landslide in DRC"
    assert whole.explore[3] == "Iran releases names of nearly 3,000 killed in protests"
    assert "Ã" not in "".join(whole.explore)
