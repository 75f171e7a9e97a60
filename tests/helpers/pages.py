"""Small page files for library and search tests: a section, a title, a dek, a date and one paragraph."""

from __future__ import annotations

from pathlib import Path

PAGE = "WORLD\n1 MIN READ\n{title}\nA dek line.\n{date}\n\n{body}\n\nSOURCE:Sample\nExplore\nNothing here\n"


def write(folder: Path, name: str, title: str, body: str, date: str = "May 1, 2025") -> Path:
    """Write one page file (creating its folder) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(PAGE.format(title=title, body=body, date=date), encoding="utf-8")
    return path
