"""A writer process for the crash and concurrency tests.

``python -m tests.helpers.writer STATE PREFIX COUNT [COMPACT_EVERY]``: marks
PREFIX-0 .. PREFIX-(COUNT-1) read (and every third one bookmarked), printing
``ack NAME`` after each change has returned (that is, is reported done).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader import journal
from reader.store import Store


def main() -> None:
    state, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    if len(sys.argv) > 4:
        journal.COMPACT_MIN_LINES = int(sys.argv[4])
    store = Store(state)
    for n in range(count):
        name = f"{prefix}-{n}"
        store.set_read(name)
        if n % 3 == 0:
            store.set_bookmark(name, title=f"Title {name}")
        print(f"ack {name}", flush=True)


if __name__ == "__main__":
    main()
