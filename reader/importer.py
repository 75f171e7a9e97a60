"""``reader import``: copy checked article files into the user's library folder. No Textual.

Rules: only regular files within the page size limit that parse as an article page
(a title-like headline) are copied, unless forced; hidden files are refused (the
library never lists them); a file whose bytes are already in the library is not
copied again; a destination is created only when nothing (not even a dangling
symbolic link) is at its name, so concurrent imports never overwrite each other.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.cache import remove_stale_temp_files
from reader.files import FileRefused, describe_os_error, read_regular
from reader.library import Problem, article_files, read_file
from reader.model import Article
from reader.parse import ParseError, parse
from reader.paths import articles_dir
from reader.text import clean_line

#: How many ``name-N.txt`` names are tried before giving up.
MAX_COPIES = 1000
MAX_TITLE = 300

_WORD = re.compile(r"[^\W\d_]{2,}")
_PUNCT_RUN = re.compile(r"([^\w\s])\1{3,}")


@dataclass
class ImportReport:
    """What an import did: one line per file, and the files it refused."""

    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def refusal(article: Article) -> str | None:
    """Why a parsed page does not look like an article (``None`` when it does).

    The headline must read like one: at most 300 characters, two or more words,
    mostly letters, no ``-----`` style rules (key files, configuration, data dumps).
    """
    title = article.title
    if len(title) > MAX_TITLE:
        return f"not an article page: a {len(title):,}-character line where the headline should be"
    words = title.split()
    letters = sum(ch.isalnum() for ch in title)
    visible = sum(not ch.isspace() for ch in title)
    if len(words) < 2 or len(_WORD.findall(title)) < 2 or letters < 0.6 * visible or _PUNCT_RUN.search(title):
        return f"not an article page: {clean_line(title)[:60]!r} does not read like a headline"
    return None


def _same_bytes(path: Path, data: bytes) -> bool:
    """Does the regular file (never a link) at ``path`` hold exactly ``data``?"""
    try:
        st = os.lstat(path)
        return st.st_size == len(data) and read_regular(path, len(data), st) == data
    except (OSError, ParseError):
        return False


class _Contents:
    """The library folder's files by size (listed once), to find a copy of some bytes."""

    def __init__(self, folder: Path) -> None:
        self.by_size: dict[int, list[Path]] = {}
        for path in article_files(folder):
            with contextlib.suppress(OSError):
                self.add(path, os.lstat(path).st_size)

    def add(self, path: Path, size: int) -> None:
        """Remember a file now in the library."""
        self.by_size.setdefault(size, []).append(path)

    def copy_of(self, data: bytes) -> Path | None:
        """A file in the library whose bytes are exactly ``data``, if any."""
        return next((path for path in self.by_size.get(len(data), ()) if _same_bytes(path, data)), None)


def _names(name: str) -> Iterator[str]:
    """``name``, then ``stem-2.txt``, ``stem-3.txt``...; at most :data:`MAX_COPIES`."""
    stem = name[: -len(".txt")]
    yield name
    for n in range(2, MAX_COPIES + 1):
        yield f"{stem}-{n}.txt"


def _target_name(path: Path) -> str:
    """The destination file name: the source's, made printable, ending in ``.txt``."""
    name = clean_line(path.name).strip() or "article"
    return name if name.endswith(".txt") else name + ".txt"


def _place(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Write ``data`` under the first free name; ``(path, False)`` if an identical copy is met first.

    The bytes go to a hidden temp file that is then hard-linked to the name: the link
    fails if anything (a file, a dangling symbolic link) is there, and readers never see
    a half-written article. Without hard links, the name is created with ``O_EXCL``.
    """
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".import.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        for candidate in _names(name):
            target = folder / candidate
            try:
                _claim(tmp, target, data)
            except FileExistsError:
                if _same_bytes(target, data):
                    return target, False
                continue
            return target, True
        raise OSError(errno.EEXIST, f"{MAX_COPIES} files named like it are already there")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _claim(tmp: str, target: Path, data: bytes) -> None:
    """Make ``target`` hold ``data``; ``FileExistsError`` if anything is at that name."""
    try:
        os.link(tmp, target, follow_symlinks=False)
        return
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise


def _inside(path: Path, folder: Path) -> bool:
    """Is ``path`` (resolved) inside ``folder`` (resolved)?"""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _collect(paths: Sequence[Path], folder: Path, report: ImportReport) -> list[Path]:
    """The files to import: files as given, folders' ``*.txt`` files (not links, not hidden)."""
    files: list[Path] = []
    for path in paths:
        if _inside(path, folder):
            report.lines.append(f"already in library: {clean_line(str(path))} (it is in {clean_line(str(folder))})")
        elif path.is_dir():
            for item in article_files(path, report.problems):
                if item.is_symlink():
                    report.problems.append(Problem(item, "a symbolic link inside a folder: not followed"))
                else:
                    files.append(item)
        elif path.exists() or path.is_symlink():
            if path.name.startswith("."):
                report.problems.append(Problem(path, "hidden file (its name starts with a dot): rename it to import"))
            else:
                files.append(path)
        else:
            report.problems.append(Problem(path, "no such file or folder"))
    return files


def import_paths(paths: Sequence[Path], destination: Path | None = None, *, force: bool = False) -> ImportReport:
    """Copy each article file (folders recursively) into the library; never overwrite anything.

    With ``force``, pages that parse but do not look like articles are copied too
    (files that are not regular, too large, empty or binary never are).
    """
    folder = destination or articles_dir()
    report = ImportReport()
    remove_stale_temp_files(folder / "import")  # ``.import.PID.*.tmp`` left by killed imports
    contents: _Contents | None = None
    for path in _collect(paths, folder, report):
        shown = clean_line(str(path))
        already = "already in library: {} ({}, as {})"
        try:
            data = read_file(path)
            article = parse(data, name=path.name)
        except ParseError as error:
            report.problems.append(Problem(path, str(error)))
            continue
        reason = None if force else refusal(article)
        if reason is not None:
            report.problems.append(Problem(path, reason + " (use --force to import it anyway)"))
            continue
        try:
            contents = contents or _Contents(folder)
            copy = contents.copy_of(data)
            if copy is not None:
                report.lines.append(already.format(shown, clean_line(article.id), clean_line(copy.name)))
                continue
            folder.mkdir(parents=True, exist_ok=True)
            name = _target_name(path)
            target, created = _place(folder, name, data)
            contents.add(target, len(data))
        except (OSError, FileRefused) as error:
            why = describe_os_error(error) if isinstance(error, OSError) else str(error)
            report.problems.append(Problem(path, f"cannot copy: {why}"))
            continue
        if not created:
            report.lines.append(already.format(shown, clean_line(article.id), clean_line(target.name)))
            continue
        renamed = target.name != name
        note = f" (saved as {clean_line(target.name)}: a different {name} is already there)" if renamed else ""
        report.lines.append(f"imported {shown} as {clean_line(article.id)}{note}")
    return report
