"""Modules the first frame does without, imported just after it, so that the first key wanting one does not wait.

Each is imported where it is used too (an import inside the function): these imports only bring that
forward, in a background thread, once the headlines are on screen.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import time

#: Imported after the first frame: the filter box (with the title matcher and the text box the find bar
#: shares), the Sources pane (made once the feeds are known), the story renderer and the parser (the first
#: Enter reads and parses its story, unless the cursor rested on it), finding in a story, the reload's
#: comparison, the user key map's checks, the headline matcher (the search index's worker builds it).
LATER = (
    "reader.widgets.filter_box",
    "reader.widgets.sources",
    "reader.render",
    "reader.parse",
    "reader.find",
    "reader.reload",
    "reader.keymap",
    "reader.links",
)
#: Seconds the thread waits first: the first frame is still being written to the terminal (by a thread
#: that needs the GIL too) when it starts.
PAUSE = 0.05


def warm_later() -> None:
    """Import :data:`LATER` in a daemon thread (it never holds up an exit)."""
    threading.Thread(target=_import, args=(LATER,), name="reader-warm-imports", daemon=True).start()


def _import(names: tuple[str, ...]) -> None:
    time.sleep(PAUSE)
    for name in names:
        with contextlib.suppress(Exception):  # no traceback over the screen: the import where it is used says why
            importlib.import_module(name)
