"""Resident memory of the app across library reloads that cannot take the parse cache's word, in process.

The app's steps: a warm launch (a trusted load of the parse cache), then reloads as its worker does them
(the folders loaded again, compared with the library, the changes applied), with one file touched before
each (``--touch``: the reload then writes the cache again) or none. ``/proc/self/status`` VmRSS and VmHWM
after each step. Runs against the ``reader`` on ``sys.path`` (a baseline checkout's, through PYTHONPATH).

Run: ``python -m bench.bench_reload_memory [COUNT] [--touch] [--keep FOLDER]`` (COUNT: 100,000 by
default; the first run over a folder writes the pages and the parse cache: ``--keep`` keeps them).
Each measured run is a fresh process, with bytecode, as a user's install runs.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RELOADS = 3


def status() -> str:
    """Resident and peak memory of this process now, MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) // 1024
    return f"RSS {found['VmRSS']:>4} MiB, peak {found['VmHWM']:>4} MiB"


def measure(touch: bool) -> None:
    """A trusted load, then :data:`RELOADS` reloads as the app's reload worker and screen do them."""
    import textual.app  # noqa: F401  (the app has it loaded before the library)

    from reader import reload
    from reader.library import default_library

    release = getattr(reload, "release_memory", lambda: None)  # a baseline may have none
    library = default_library(trust=True)
    print(f"{'trusted load':<24} {status()}", flush=True)
    for n in range(RELOADS):
        if touch:
            path = sorted(library.paths.values())[n]
            os.utime(path, (time.time(), time.time() + n + 1))
        start = time.perf_counter()
        known, known_paths = dict(library.by_id), dict(library.paths)
        fresh = default_library()
        changes = reload.compare(known, known_paths, fresh)
        del fresh, known, known_paths
        release()
        library.problems, library.unchecked, library.disk = changes.problems, False, changes.disk
        library.keep_backlinks(changes.kept)
        if changes:
            library.add_or_update(changes.changed, changes.paths)
            library.remove(changes.gone)
        del changes
        took = time.perf_counter() - start
        gc.collect()
        print(f"{f'reload {n + 1}':<24} {status()}  ({took:.1f} s)", flush=True)


def prepare(folder: Path, count: int) -> dict[str, str]:
    """Pages and the parse cache in ``folder`` (made once); the environment that points reader at them."""
    env = {
        **os.environ,
        "READER_DATA_DIR": str(folder / "data"),
        "READER_CACHE_DIR": str(folder / "cache"),
        "READER_CONFIG_DIR": str(folder / "config"),
    }
    from bench.bench_compare import marked_page  # not in the measured process: it imports much

    articles = folder / "data" / "articles"
    if not articles.is_dir():
        articles.mkdir(parents=True)
        for n in range(count):
            (articles / f"page-{n:06d}.txt").write_text(marked_page(n, count), encoding="utf-8")
        code = "from reader.library import default_library\ndefault_library()\n"
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return env


def main() -> None:
    """Prepare the folder, then measure in a fresh process."""
    args = sys.argv[1:]
    touch = "--touch" in args
    if args[:1] == ["--measure"]:
        measure(touch)
        return
    keep = Path(args[args.index("--keep") + 1]) if "--keep" in args else None
    numbers = [a for a in args if a.isdigit() and (keep is None or a != str(keep))]
    count = int(numbers[0]) if numbers else 100_000
    with tempfile.TemporaryDirectory(prefix="bench-reload-memory-") as tmp:
        env = prepare(keep or Path(tmp), count)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's install runs: with bytecode
        command = [sys.executable, "-m", "bench.bench_reload_memory", "--measure", *(["--touch"] if touch else [])]
        subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
