"""User settings: a small record, loaded once, saved atomically. No Textual."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from pathlib import Path

from reader.files import read_regular
from reader.record import Record

#: The largest article page read by default (5 MB); ``max_page_bytes`` in config.json
#: or the ``READER_MAX_PAGE_BYTES`` environment variable change it.
DEFAULT_MAX_PAGE_BYTES = 5_000_000
MAX_CONFIG_BYTES = 1_000_000
#: The orders the headline list can be sorted in (``sort`` in config.json).
SORTS = ("newest", "oldest", "section")
#: One save at a time, each writing the settings as they are when it starts: saves run in worker
#: threads, and without this an older save could move its file in place after a newer one.
_SAVING = threading.Lock()


class Config(Record):
    """What reader remembers between runs besides reading state."""

    __slots__ = ("keymap", "max_page_bytes", "refresh_minutes", "section", "show_sidebar", "sort", "theme")

    theme: str
    show_sidebar: bool
    #: Pages larger than this many bytes are refused (load, parse, show, import).
    max_page_bytes: int
    #: Minutes between background refreshes of the feeds that are due (0: none).
    refresh_minutes: int
    #: The headline order: one of :data:`SORTS`.
    sort: str
    #: Show only the stories of this section ("" for every section).
    section: str
    #: User key bindings: binding id (``"app.quit"``) → keys (``"ctrl+q"``), checked by the app.
    keymap: dict[str, object]

    def __init__(
        self,
        theme: str = "textual-dark",
        show_sidebar: bool = True,
        max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
        refresh_minutes: int = 30,
        sort: str = "newest",
        section: str = "",
        keymap: dict[str, object] | None = None,
    ) -> None:
        self.theme = theme
        self.show_sidebar = show_sidebar
        self.max_page_bytes = max_page_bytes
        self.refresh_minutes = refresh_minutes
        self.sort = sort
        self.section = section
        self.keymap = {} if keymap is None else keymap

    def to_dict(self) -> dict[str, object]:
        """The settings as JSON-ready data (what config.json holds), in field order."""
        return {name: getattr(self, name) for name in self._all}

    @classmethod
    def load(cls, path: Path | None) -> Config:
        """Read settings; a missing or unreadable file gives the defaults."""
        if path is None:
            return cls()
        try:
            data = json.loads(read_regular(path, MAX_CONFIG_BYTES).decode("utf-8"))
        except (OSError, ValueError):  # ParseError (not a regular file, too large) is a ValueError
            return cls()
        if not isinstance(data, dict):
            return cls()
        config = cls()
        for name in cls._all:
            value = data.get(name)
            default = getattr(config, name)
            if isinstance(value, type(default)) and isinstance(value, bool) == isinstance(default, bool):
                setattr(config, name, value)
        if config.max_page_bytes <= 0:
            config.max_page_bytes = DEFAULT_MAX_PAGE_BYTES
        if config.sort not in SORTS:
            config.sort = "newest"
        return config

    def save(self, path: Path | None) -> None:
        """Write settings atomically; failure is silent (settings are a convenience).

        Saves are ordered: the last one to run writes the settings as they are then, so the last change wins.
        """
        if path is None:
            return
        with _SAVING, contextlib.suppress(OSError):
            text = json.dumps(self.to_dict(), indent=2)
            if path.is_symlink():  # kept in the user's dotfiles: written there, and the link stays a link
                path = Path(os.path.realpath(path))
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    file.write(text)
                os.replace(tmp, path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise


def max_page_bytes(config: Config | None = None) -> int:
    """The page size limit: ``READER_MAX_PAGE_BYTES`` if set to a positive number, else the config's."""
    override = os.environ.get("READER_MAX_PAGE_BYTES", "").strip().replace("_", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    if config is None:
        from reader.paths import config_file

        config = Config.load(config_file())
    return config.max_page_bytes
