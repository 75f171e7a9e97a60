"""``reader import``: copy checked article files into the user's library folder. No Textual."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.library import Problem, article_files, read_file
from reader.parse import ParseError, parse
from reader.paths import articles_dir


@dataclass
class ImportReport:
    """What an import did: one line per file, and the files it refused."""

    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _free_name(folder: Path, name: str) -> Path:
    """``name``, or ``stem-2.txt``, ``stem-3.txt``... whichever is not taken."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def import_paths(paths: Sequence[Path], destination: Path | None = None) -> ImportReport:
    """Copy each file (folders recursively) that parses; never overwrite a different file."""
    folder = destination or articles_dir()
    report = ImportReport()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(article_files(path))
        elif path.exists():
            files.append(path)
        else:
            report.problems.append(Problem(path, "no such file or folder"))
    for path in files:
        try:
            data = read_file(path)
            article = parse(data, name=path.name)
        except ParseError as error:
            report.problems.append(Problem(path, str(error)))
            continue
        name = path.name if path.suffix == ".txt" else path.name + ".txt"
        target = folder / name
        try:
            if target.exists() and target.read_bytes() == data:
                report.lines.append(f"already in library: {path} ({article.id})")
                continue
            folder.mkdir(parents=True, exist_ok=True)
            renamed = target.exists()
            target = _free_name(folder, name)
            shutil.copyfile(path, target)
        except OSError as error:
            report.problems.append(Problem(path, f"cannot copy: {error.strerror or error}"))
            continue
        note = f" (saved as {target.name}: a different {name} is already there)" if renamed else ""
        report.lines.append(f"imported {path} as {article.id}{note}")
    return report
