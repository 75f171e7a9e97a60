"""Differential check of link resolution: an earlier ``reader/links.py`` (from git) against this one.

Run: ``python -m bench.diff_links [COUNT] [REF]`` (defaults: 10,000 stories, ``main``). Both
resolvers are built over the titles of COUNT generated pages (parsed, as the library reads them;
some titles repeated, some with accents and stopwords) and resolve every Related and Explore
headline of every page, then variants of the first :data:`VARIED` (each near match looks
through thousands of titles): a word dropped, changed, added ("the"), two swapped, the words
shuffled, the case and accents changed, the number dropped. Prints how many headlines were
compared and every difference (the first few in full); exits 1 when there is any.
"""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from bench.pages import WORDS, page
from reader import links
from reader.parse import parse

ROOT = Path(__file__).resolve().parent.parent
SHOWN = 10  # differences printed in full
#: Headlines varied (a near match looks through thousands of these titles, which share 30 words).
VARIED = 400


def old_module(ref: str, folder: Path) -> ModuleType:
    """``reader/links.py`` as of ``ref``, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{ref}:reader/links.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = folder / "links_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("links_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def titles_and_headlines(count: int) -> tuple[list[tuple[str, str]], list[str]]:
    """(id, title) of COUNT parsed pages (a few made alike), and every headline they link to."""
    rng = random.Random(7)
    pairs: list[tuple[str, str]] = []
    headlines: list[str] = []
    for n in range(count):
        article = parse(page(n, count).encode(), name=f"page-{n:06d}.txt")
        title = article.title
        if n % 97 == 0 and pairs:
            title = pairs[rng.randrange(len(pairs))][1]  # the same words as an earlier title
        elif n % 89 == 0:
            title = "Élan of the " + title.upper()
        pairs.append((article.id, title))
        headlines.extend(article.related + article.explore)
    return pairs, headlines


def variants(headline: str, rng: random.Random, drop_number: bool) -> list[str]:
    """Headlines near ``headline``: a word dropped, changed, added, swapped; shuffled; case and accents."""
    words = headline.split()
    found = []
    if len(words) > 2:
        cut = rng.randrange(len(words) - 1)
        found.append(" ".join(words[:cut] + words[cut + 1 :]))
        changed = list(words)
        changed[rng.randrange(len(words) - 1)] = rng.choice(WORDS)
        found.append(" ".join(changed))
        swapped = list(words)
        a, b = rng.sample(range(len(words)), 2)
        swapped[a], swapped[b] = swapped[b], swapped[a]
        found.append(" ".join(swapped))
        shuffled = list(words)
        rng.shuffle(shuffled)
        found.append(" ".join(shuffled))
        found.append(" ".join([*words[:2], "the", *words[2:]]))
    found.append(headline.upper().replace("E", "É"))
    if drop_number:
        found.append(" ".join(word for word in words if not word.isdigit()))
    return found


def compare(count: int, ref: str) -> int:
    """Resolve with both; print the differences; return how many there were."""
    with tempfile.TemporaryDirectory() as tmp:
        before = old_module(ref, Path(tmp))
    pairs, headlines = titles_and_headlines(count)
    rng = random.Random(11)
    asked = list(dict.fromkeys(headlines))
    for number, headline in enumerate(asked[:VARIED]):
        asked.extend(variants(headline, rng, number % 20 == 0))
    asked.extend(title for _, title in pairs[:: max(1, count // 500)])
    old: Callable[[str], str | None] = before.Resolver(pairs).resolve
    new = links.Resolver(pairs).resolve
    start = time.perf_counter()
    differences = [(h, a, b) for h in asked if (a := old(h)) != (b := new(h))]
    for headline, a, b in differences[:SHOWN]:
        print(f"{headline!r}: before {a!r}, now {b!r}")
    print(
        f"{len(asked):,} headlines over {count:,} titles compared ({ref} and this tree) in "
        f"{time.perf_counter() - start:.0f} s: {len(differences)} differences"
    )
    return len(differences)


def main() -> None:
    """``[COUNT] [REF]``."""
    args = sys.argv[1:]
    count = int(args[0]) if args else 10_000
    ref = args[1] if len(args) > 1 else "main"
    sys.exit(1 if compare(count, ref) else 0)


if __name__ == "__main__":
    main()
