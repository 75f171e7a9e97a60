"""Generate seed-like article pages (and libraries of them) for benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = [
    "council",
    "river",
    "harbour",
    "talks",
    "minister",
    "island",
    "ferry",
    "market",
    "bridge",
    "storm",
    "farmers",
    "vote",
    "energy",
    "tram",
    "library",
    "festival",
    "coast",
    "weather",
    "report",
    "budget",
    "school",
    "hospital",
    "plan",
    "court",
    "record",
    "crop",
    "caves",
    "museum",
    "port",
    "rail",
]


def headline(rng: random.Random, n: int) -> str:
    """A headline-like string, unique through ``n``."""
    words = rng.sample(WORDS, 6)
    return f"{words[0].capitalize()} {' '.join(words[1:])} {n}"


def page(n: int, count: int, seed: int = 0) -> str:
    """One page of about the seed's size, linking to other pages among ``count``."""
    rng = random.Random(seed * 1_000_003 + n)
    title = headline(random.Random(n), n)
    day = 1 + n % 28
    paragraphs = []
    for p in range(9):
        sentence = " ".join(rng.choice(WORDS) for _ in range(28)).capitalize()
        paragraphs.append(f"{sentence}, said official number {p}.")
    related = [headline(random.Random(k), k) for k in rng.sample(range(count), min(2, count))]
    explore = [headline(random.Random(k), k) for k in rng.sample(range(count), min(12, count))]
    lines = [
        "WORLD",
        "3 MIN READ",
        title,
        "A standfirst line that sums up the story in one sentence for readers in a hurry.",
        title,
        "A caption describing the lead photograph of the story. / Photo: AP / AP",
        "Sample WriterSample Writer",
        f"November {day}, 2024",
        "",
    ]
    for index, paragraph in enumerate(paragraphs):
        lines += [paragraph, ""]
        if index == 4:
            lines += ["Related" + related[0], "RECOMMENDED", "", "A subheading here", ""]
    lines += ["Related" + related[-1], "SOURCE:AFP", "Explore", *explore]
    return "\n".join(lines)


def wrapped_page(size: int, seed: int = 0) -> str:
    """A title and one paragraph hard-wrapped into short lines, about ``size`` characters."""
    rng = random.Random(seed)
    lines = ["A council report runs to many wrapped lines", "", "The report begins"]
    total = sum(map(len, lines))
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(4))
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)


def write_library(folder: Path, count: int) -> list[Path]:
    """Write ``count`` pages into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"page-{n:06d}.txt"
        path.write_text(page(n, count), encoding="utf-8")
        paths.append(path)
    return paths
