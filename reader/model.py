"""Immutable data that the parser produces and everything else consumes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.record import Frozen, set_field

#: Block kinds an article body may hold.
#: ``paragraph``: running text; ``heading``: a short standalone subheading;
#: ``related``: an inline link to another story (its headline);
#: ``list_item``: a bulleted or numbered line (marker removed);
#: ``quote``: a ``>`` quoted line (marker removed).
BLOCK_KINDS = ("paragraph", "heading", "related", "list_item", "quote")


class Block(Frozen):
    """One piece of an article body, in page order."""

    __slots__ = ("kind", "text")
    kind: str
    text: str

    def __init__(self, kind: str, text: str) -> None:
        set_field(self, "kind", kind)
        set_field(self, "text", text)

    def to_dict(self) -> dict[str, str]:
        """The block as JSON-ready data."""
        return {"kind": self.kind, "text": self.text}


class Image(Frozen):
    """The lead image: its alt text, caption and credit (each may be missing)."""

    __slots__ = ("alt", "caption", "credit")
    alt: str | None
    caption: str | None
    credit: str | None

    def __init__(self, alt: str | None, caption: str | None, credit: str | None) -> None:
        set_field(self, "alt", alt)
        set_field(self, "caption", caption)
        set_field(self, "credit", credit)

    def to_dict(self) -> dict[str, str | None]:
        """The image as JSON-ready data."""
        return {"alt": self.alt, "caption": self.caption, "credit": self.credit}


# A dataclass still (``dataclasses.fields`` and ``replace`` work on it), but a frozen record otherwise: the
# dataclass machinery only lists its fields, which is quick; its methods are the record's, defined once.
@dataclass(init=False, repr=False, eq=False)
class Article(Frozen):
    """A parsed news page (``partial`` is neither compared nor printed)."""

    __slots__ = (
        "authors",
        "body",
        "dek",
        "explore",
        "id",
        "image",
        "partial",
        "published",
        "read_minutes",
        "related",
        "section",
        "source",
        "title",
    )
    _hidden = ("partial",)

    id: str
    title: str
    section: str | None
    read_minutes: int | None
    dek: str | None
    image: Image | None
    authors: tuple[str, ...]
    published: str | None
    body: tuple[Block, ...]
    related: tuple[str, ...]
    source: str | None
    explore: tuple[str, ...]
    #: True when only the headline data was loaded (from the parse cache), not the body.
    partial: bool

    def __init__(
        self,
        id: str,
        title: str,
        section: str | None = None,
        read_minutes: int | None = None,
        dek: str | None = None,
        image: Image | None = None,
        authors: tuple[str, ...] = (),
        published: str | None = None,
        body: tuple[Block, ...] = (),
        related: tuple[str, ...] = (),
        source: str | None = None,
        explore: tuple[str, ...] = (),
        partial: bool = False,
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "section", section)
        set_field(self, "read_minutes", read_minutes)
        set_field(self, "dek", dek)
        set_field(self, "image", image)
        set_field(self, "authors", authors)
        set_field(self, "published", published)
        set_field(self, "body", body)
        set_field(self, "related", related)
        set_field(self, "source", source)
        set_field(self, "explore", explore)
        set_field(self, "partial", partial)

    def to_dict(self) -> dict[str, Any]:
        """The article as JSON-ready data, in the documented field order."""
        return {
            "id": self.id,
            "section": self.section,
            "read_minutes": self.read_minutes,
            "title": self.title,
            "dek": self.dek,
            "image": self.image.to_dict() if self.image else None,
            "authors": list(self.authors),
            "published": self.published,
            "body": [block.to_dict() for block in self.body],
            "related": list(self.related),
            "source": self.source,
            "explore": list(self.explore),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild an article from :meth:`to_dict` output (used by the parse cache)."""
        image = data.get("image")
        return cls(
            id=data["id"],
            title=data["title"],
            section=data.get("section"),
            read_minutes=data.get("read_minutes"),
            dek=data.get("dek"),
            image=Image(image.get("alt"), image.get("caption"), image.get("credit")) if image else None,
            authors=tuple(data.get("authors") or ()),
            published=data.get("published"),
            body=tuple(Block(b["kind"], b["text"]) for b in data.get("body") or ()),
            related=tuple(data.get("related") or ()),
            source=data.get("source"),
            explore=tuple(data.get("explore") or ()),
            partial="body" not in data,
        )

    def head(self) -> dict[str, Any]:
        """Everything but the body, as JSON-ready data (what the parse cache keeps)."""
        data = self.to_dict()
        del data["body"]
        return data

    @property
    def links(self) -> tuple[str, ...]:
        """Every headline this article points at: Related first, then Explore."""
        return self.related + self.explore
