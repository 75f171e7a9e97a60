"""How many cores a refresh may use for its helper processes. No Textual."""

from __future__ import annotations

import os


def cores() -> int:
    """The cores this process may run on (a CPU set or container limit counts, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1
