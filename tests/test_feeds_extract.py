"""Article pages: the links kept from the body (what Related is built from), on a page full of other links."""

from __future__ import annotations

from reader.feeds.extract import extract_page

_MENU = "".join(f"<li><a href='/section/{k}'>Section {k}</a></li>" for k in range(30))
PAGE = f"""<!doctype html><html><head><title>Ferry timetable changes | Gazette</title></head><body>
<header><ul class="menu">{_MENU}</ul></header>
<article><h1>Ferry timetable changes</h1>
<p>The harbour ferry will run every twenty minutes from Monday, the council said in a statement
on Friday, after <a href="/politics/council-vote">the council vote on the harbour budget</a> last week.</p>
<p>Passengers had asked for later crossings for years; the operator will add two boats in spring,
as <a href="https://gazette.example/business/ferry-operator-fleet">the operator's new fleet</a> arrives.</p>
<p>Read the <a href="//cdn.example/timetable.pdf">full timetable</a> or
<a href="javascript:alert(1)">share it with a friend</a>; the old one stays valid until Sunday evening.</p>
</article>
<aside><h2>Most read</h2><ol>{"".join(f"<li><a href='/page/{k}'>Story {k}</a></li>" for k in range(20))}</ol></aside>
<footer><a href="/about">About</a> <a href="https://social.example/gazette">Follow</a></footer>
</body></html>"""


def test_body_links_become_absolute_and_the_rest_of_the_page_gives_none() -> None:
    content = extract_page(PAGE.encode(), "https://gazette.example/transport/2026/ferry-timetable")
    assert content is not None
    urls = {anchor.text: anchor.url for anchor in content.anchors}
    assert urls["the council vote on the harbour budget"] == "https://gazette.example/politics/council-vote"
    assert urls["the operator's new fleet"] == "https://gazette.example/business/ferry-operator-fleet"
    assert urls["full timetable"].endswith("://cdn.example/timetable.pdf")
    assert "share it with a friend" not in urls  # not a web link
    assert not any("/section/" in url or "/page/" in url or "about" in url for url in urls.values())
    blocks = [text for _, text in content.blocks]
    for anchor in content.anchors:
        assert anchor.text in blocks[anchor.block]  # each link sits in the block holding its text
