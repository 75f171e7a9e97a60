"""The page parser: the seed exactly, the variants real pages show, and hostile input."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.model import BLOCK_KINDS, Article
from reader.parse import ParseError, parse

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "nato-chief-meets-trump.txt"
EXPECTED = Path(__file__).parent / "nato-chief-meets-trump.expected.json"


def kinds(article):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in article.body]


def test_seed_parses_to_the_expected_json_field_for_field() -> None:
    result = parse(SEED.read_bytes()).to_dict()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert result.pop("id") == "2024-11-23-nato-chief-meets-us-president-elect-trump-to-discuss-security-challenges"
    assert result == expected


def test_the_same_text_always_gets_the_same_readable_id() -> None:
    first = parse(SEED.read_bytes())
    second = parse(SEED.read_text(encoding="utf-8"))
    assert first.id == second.id
    assert first.id.startswith("2024-11-23-nato-chief")


CRAWLER_PAGE = """ date 2025-07-07 WAR ON GAZA
3 min read
Aid convoys reach northern districts after weeks of delay
Trucks carrying flour and medicine crossed at dawn, officials said.
Aid convoys reach northern districts after weeks of delay
FILE PHOTO: Trucks wait at the crossing [FILE] (Photo: Archive) / Photo: AA / AA
By Leyla Kaya
3 hours ago

The first trucks crossed shortly after dawn.

RelatedTRT World - Hospitals report fuel shortages
SOURCE:AA
"""


def test_crawler_prefix_gives_the_date_only_when_the_page_has_none() -> None:
    article = parse(CRAWLER_PAGE)
    assert article.section == "WAR ON GAZA"
    assert article.read_minutes == 3
    assert article.title == "Aid convoys reach northern districts after weeks of delay"
    assert article.dek == "Trucks carrying flour and medicine crossed at dawn, officials said."
    assert article.published == "2025-07-07"  # relative date → crawler date
    assert article.authors == ("Leyla Kaya",)
    assert article.image is not None
    assert article.image.caption == "FILE PHOTO: Trucks wait at the crossing [FILE] (Photo: Archive)"
    assert article.image.credit == "AA"
    assert article.related == ("Hospitals report fuel shortages",)
    assert article.source == "AA"


def test_page_date_line_wins_over_crawler_date() -> None:
    article = parse(" date 2025-07-09 WORLD\n2 MIN READ\nTitle here now\nDek line here.\nJune 30, 2025\n\nBody.")
    assert article.published == "2025-06-30"
    assert article.section == "WORLD"


def test_relative_date_without_crawler_date_is_null() -> None:
    article = parse("WORLD\n2 MIN READ\nTitle here now\nDek line here.\n5 hours ago\n\nBody text.")
    assert article.published is None
    assert article.dek == "Dek line here."


def test_month_only_crawler_prefix_on_a_line_of_its_own() -> None:
    article = parse(
        " date 2025-07\nTÜRKİYE\n4 MIN READ\nTürkiye opens new rail link\nThe line joins two cities.\n\nBody."
    )
    assert article.published == "2025-07"
    assert article.section == "TÜRKİYE"
    assert article.title == "Türkiye opens new rail link"


def test_missing_reading_time_and_date_are_null_not_guessed() -> None:
    article = parse("BUSINESS\nMarkets rally on rate hopes\n\nShares rose in early trade.\n\nBonds were flat.")
    assert article.section == "BUSINESS"
    assert article.read_minutes is None
    assert article.published is None
    assert article.authors == ()
    assert article.image is None
    assert kinds(article)[0] == ("paragraph", "Shares rose in early trade.")


def test_caption_without_repeated_title_and_plain_credit() -> None:
    page = (
        "WORLD\n2 MIN READ\nA bridge reopens\nRepairs took a year.\nThe bridge at dusk / Reuters\nJan 5, 2025\n\nText."
    )
    article = parse(page)
    assert article.image is not None
    assert (article.image.alt, article.image.caption, article.image.credit) == (None, "The bridge at dusk", "Reuters")
    assert article.published == "2025-01-05"


VIDEO_PAGE = """POLITICSTÜRKİYEWAR ON GAZAWORLDBUSINESS
VIDEOS
Floods sweep through river valley towns
02:48
Floods sweep through river valley towns / Others
Residents were evacuated overnight as the river rose.
More Videos
Storm season starts early
01:12
Ali TopchiAli Topchi
Firefighters battle hillside blaze
Sneak a peek at our new app. Share your feedback!
Contact us
"""


def test_video_page_image_line_duration_and_more_videos() -> None:
    article = parse(VIDEO_PAGE)
    assert article.section == "VIDEOS"
    assert article.title == "Floods sweep through river valley towns"
    assert article.image is not None
    assert article.image.credit == "Others"
    assert article.image.alt == "Floods sweep through river valley towns"
    assert article.authors == ()  # the byline inside the list belongs to the list
    assert article.explore == ("Storm season starts early", "Firefighters battle hillside blaze")
    assert kinds(article) == [("paragraph", "Residents were evacuated overnight as the river rose.")]


def test_single_newline_paragraphs_each_line_a_paragraph() -> None:
    page = (
        "WORLD\n2 MIN READ\nTalks resume in Geneva\nDelegates return after a pause.\nMarch 3, 2025\n"
        "First paragraph of the story.\nSecond paragraph of the story.\nNext steps\nThird paragraph."
    )
    article = parse(page)
    assert kinds(article) == [
        ("paragraph", "First paragraph of the story."),
        ("paragraph", "Second paragraph of the story."),
        ("heading", "Next steps"),
        ("paragraph", "Third paragraph."),
    ]


def test_related_line_variants_and_noise() -> None:
    page = (
        "Title of a page\n\nIntro paragraph.\n\n"
        "Related Storm hits coast\nRECOMMENDED\n\n"
        "RelatedTRT Global - Grain deal extended\nRecommended\n\n"
        "READ MORE: Election results are in\n\n"
        "Related\n\n"
        "Relatedly, officials said more talks were planned.\n\n"
        "Related talks will be held next week in the capital.\n\n"
        "Related“Quoted headline” in curly quotes\nSOURCE:AA\n"
    )
    article = parse(page)
    assert article.related == (
        "Storm hits coast",
        "Grain deal extended",
        "Election results are in",
        "“Quoted headline” in curly quotes",
    )
    assert ("paragraph", "Relatedly, officials said more talks were planned.") in kinds(article)
    assert ("paragraph", "Related talks will be held next week in the capital.") in kinds(article)
    assert all(b.text not in ("RECOMMENDED", "Recommended", "Related") for b in article.body)
    assert article.source == "AA"


def test_banners_and_glued_navigation_before_the_article_are_dropped() -> None:
    page = (
        "POLITICSTÜRKİYEWAR ON GAZAWORLDBUSINESSSPORT\nBREAKING\nWORLD\n1 MIN READ\n"
        "Ceasefire holds for a second day\nBoth sides report calm.\nCeasefire holds for a second day\n"
        "A street at dawn / Photo: AFP\nApril 2, 2025\n\nThe ceasefire held."
    )
    article = parse(page)
    assert article.section == "WORLD"
    assert article.title == "Ceasefire holds for a second day"
    assert article.image is not None and article.image.credit == "AFP"
    assert kinds(article) == [("paragraph", "The ceasefire held.")]


def test_body_only_dump_first_line_is_title_rest_paragraphs() -> None:
    page = "The council met on Tuesday to discuss the budget.\n\nIt approved new spending.\n\nA vote follows."
    article = parse(page)
    assert article.title == "The council met on Tuesday to discuss the budget."
    assert article.section is None and article.dek is None
    assert kinds(article) == [("paragraph", "It approved new spending."), ("paragraph", "A vote follows.")]


def test_other_languages_and_scripts() -> None:
    page = "DÜNYA\n2 DK OKUMA\nقمة إقليمية تبحث الأمن المائي\n\nاجتمع القادة في العاصمة لبحث ملف المياه.\n"
    article = parse(page)
    assert "قمة" in article.title
    assert article.id  # a readable slug even without Latin letters
    assert kinds(article)[-1][1].startswith("اجتمع")


def test_quoted_subheading_is_a_heading() -> None:
    article = parse('Title line\n\nFirst paragraph.\n\n"A new beginning"\n\nMore text.')
    assert ("heading", '"A new beginning"') in kinds(article)


def test_list_items_and_hard_wrapped_paragraphs() -> None:
    page = "Title line\n\nThe plan has three parts\nthat run in parallel.\n\n- Build roads\n- Train staff\n\nDone."
    article = parse(page)
    assert kinds(article) == [
        ("paragraph", "The plan has three parts that run in parallel."),
        ("list_item", "Build roads"),
        ("list_item", "Train staff"),
        ("paragraph", "Done."),
    ]


def test_listing_page_degrades_to_title_and_paragraphs() -> None:
    page = "Ali Topchi\nReporter covering security.\n\nStory one headline\nStory two headline\nStory three headline\n"
    article = parse(page)
    assert article.title == "Ali Topchi"
    assert len(article.body) >= 3


def test_doubled_byline_with_two_authors() -> None:
    page = "WORLD\n1 MIN READ\nTitle of story\nA dek.\nJane DoeJane DoeJohn RoeJohn Roe\nMay 1, 2025\n\nText."
    assert parse(page).authors == ("Jane Doe", "John Roe")


# -- encodings and line endings -------------------------------------------------

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"), id="utf8-bom"),
        pytest.param(SEED_TEXT.encode("utf-16"), id="utf16-bom"),
        pytest.param(b"\xfe\xff" + SEED_TEXT.encode("utf-16-be"), id="utf16-be-bom"),
        pytest.param(SEED_TEXT.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(SEED_TEXT.replace("\n", "\r").encode("utf-8"), id="cr"),
        pytest.param(SEED_TEXT.replace("\n", "   \n").encode("utf-8"), id="trailing-space"),
    ],
)
def test_encodings_and_line_endings_parse_like_the_seed(data: bytes) -> None:
    assert parse(data) == parse(SEED.read_bytes())


def test_cp1252_fallback() -> None:
    article = parse("Caf\xe9 owners protest \u201cnew rules\u201d\n\nThey met today.".encode("cp1252"))
    assert article.title == "Café owners protest “new rules”"


def test_text_is_nfc_normalised() -> None:
    article = parse("Cafe\u0301 reopens\n\nText.")
    assert article.title == "Café reopens"
    assert unicodedata.is_normalized("NFC", article.title)


def test_escape_sequences_are_removed_and_markup_kept_literally() -> None:
    page = "\x1b[2J\x1b]52;c;ZXZpbA==\x07[bold red]Alarm[/] title\x1b[0m\n\nBody \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ [link=http://evil]x[/link]\x07."
    article = parse(page)
    assert article.title == "[bold red]Alarm[/] title"
    assert article.body[0].text == "Body link [link=http://evil]x[/link]."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\r\n  ", "empty"),
        (b"\x1b[2J\x1b[0m", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_bad_input_raises_a_parse_error_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse(data)


# -- properties -------------------------------------------------------------------


def _strings(article):  # type: ignore[no-untyped-def]
    data = article.to_dict()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t"


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.binary(),
        st.text(alphabet=st.sampled_from(list("Related \n/ABab12:.\x1b[]\x07\r\"'\t\x9b\x9c\x9d\u202e\u2028"))),
    )
)
def test_any_input_gives_an_article_or_a_parse_error_and_no_control_characters(data: str | bytes) -> None:
    try:
        article = parse(data)
    except ParseError:
        return
    for text in _strings(article):
        assert not any(_is_control(ch) for ch in text), repr(text)
    head = article.head()  # every field but the body is shown on one line: no tab, no line break
    for text in _strings(Article.from_dict(head | {"body": []})):
        assert "\t" not in text and "\n" not in text and "\u2028" not in text, repr(text)
    assert article.title and article.id
    assert all(block.kind in BLOCK_KINDS for block in article.body)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SEED_TEXT.split("\n")), min_size=1, max_size=40))
def test_shuffled_seed_lines_never_crash(lines: list[str]) -> None:
    text = "\n".join(lines)
    if not text.strip():
        return
    article = parse(text)
    assert article.title


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("7 Temmuz 2025", "2025-07-07"),
        ("7 de julio de 2025", "2025-07-07"),
        ("3. März 2024", "2024-03-03"),
        ("Nov 5, 2024 10:41 GMT", "2024-11-05"),
    ],
)
def test_date_lines_in_other_languages_and_with_times(line: str, iso: str) -> None:
    article = parse(f"DÜNYA\n2 MIN READ\nBir başlık burada\nBir özet cümlesi.\n{line}\n\nMetin.")
    assert article.published == iso
    assert [b.text for b in article.body] == ["Metin."]
