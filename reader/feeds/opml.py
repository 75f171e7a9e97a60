"""OPML 2.0 import and export of subscriptions (defusedxml: no entities, no network). No Textual.

Nested outlines become folders (``News/World``); export writes them back nested.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from reader.feeds.extract import plain
from reader.feeds.subscriptions import Feed


class OpmlError(Exception):
    """An OPML file that cannot be read; ``str()`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class Outline:
    """A feed found in an OPML file."""

    url: str
    title: str | None
    folder: str | None


def read_opml(data: bytes) -> list[Outline]:
    """The feeds of an OPML document, with their folder paths."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException:
        raise OpmlError("OPML declares entities or a DTD (refused)") from None
    except ET.ParseError as error:
        raise OpmlError(f"not valid XML: {error}") from None
    if root.tag != "opml":
        raise OpmlError(f"not an OPML file (root element <{root.tag[:40]}>)")
    body = root.find("body")
    if body is None:
        raise OpmlError("OPML without a <body>")
    found: list[Outline] = []

    def walk(element: ET.Element, path: tuple[str, ...]) -> None:
        for outline in element.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            title = plain(outline.get("title") or outline.get("text") or "") or None
            if url:
                found.append(Outline(url, title, "/".join(path) or None))
            else:
                walk(outline, (*path, (title or "Untitled").replace("/", "-")))

    walk(body, ())
    return found


def write_opml(feeds: list[Feed], now: datetime | None = None) -> bytes:
    """An OPML 2.0 document of ``feeds``, folders as nested outlines."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "reader subscriptions"
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], ET.Element] = {(): body}
    for feed in feeds:
        path = tuple(p for p in (feed.folder or "").split("/") if p)
        for depth in range(1, len(path) + 1):
            key = path[:depth]
            if key not in folders:
                folders[key] = ET.SubElement(folders[key[:-1]], "outline", text=key[-1], title=key[-1])
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.site and feed.site.startswith(("http://", "https://")):  # not an Atom id, nor javascript:
            attrs["htmlUrl"] = feed.site
        ET.SubElement(folders[path], "outline", attrs)
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text + b"\n"
