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

    __slots__ = (
        "frozen",
        "kept",
        "keymap",
        "max_page_bytes",
        "problems",
        "refresh_minutes",
        "section",
        "show_sidebar",
        "sort",
        "theme",
    )

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
    #: What was wrong in config.json, one line each (listed under ``p``); not a setting.
    problems: list[str]
    #: Entries of config.json not used (unknown keys, unusable values): written back as they were.
    kept: dict[str, object]
    #: config.json could not be read as settings: never written over, so the user's edit is not lost.
    frozen: bool

    _hidden = ("problems", "kept", "frozen")  # not settings: neither saved, compared nor printed

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
        self.problems = []
        self.kept = {}
        self.frozen = False

    def to_dict(self) -> dict[str, object]:
        """The settings as JSON-ready data (what config.json holds), in field order."""
        return {name: getattr(self, name) for name in self._shown}

    @classmethod
    def load(cls, path: Path | None) -> Config:
        """Read settings; a missing file gives the defaults, a broken one too (with a problem, and kept)."""
        config = cls()
        if path is None:
            return config
        try:
            text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8-sig")  # a byte-order mark (Notepad) is no slip
            if not text.strip():  # an empty file (touched to be edited later): no settings yet, as if missing
                return config
            data = json.loads(text)
        except FileNotFoundError:
            return config
        except json.JSONDecodeError as error:
            return config._broken(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
        except (OSError, ValueError) as error:  # ParseError (not a regular file, too large) is a ValueError
            return config._broken(getattr(error, "strerror", None) or str(error) or type(error).__name__)
        if not isinstance(data, dict):
            return config._broken("not a JSON object of settings")
        settings = {name: getattr(config, name) for name in cls._shown}
        for key, value in data.items():
            default = settings.get(key, _UNKNOWN)
            if default is _UNKNOWN:
                config._keep(key, value, "not a setting (ignored)")
            elif not (isinstance(value, type(default)) and isinstance(value, bool) == isinstance(default, bool)):
                config._keep(key, value, f"{_shown(value)} is not {_KINDS[type(default)]} ({_shown(default)} is used)")
            elif key == "max_page_bytes" and isinstance(value, int) and value <= 0:
                config._keep(key, value, f"{value} is not a positive number ({_shown(default)} is used)")
            elif key == "sort" and value not in SORTS:
                config._keep(key, value, f"{_shown(value)} is not one of {', '.join(SORTS)} (newest is used)")
            else:
                setattr(config, key, value)
        return config

    def _broken(self, why: str) -> Config:
        """These defaults stand in for a file that could not be read: say why, and never write over it."""
        self.problems.append(f"config.json: {why}; the defaults are used and the file is not changed")
        self.frozen = True
        return self

    def _keep(self, key: str, value: object, why: str) -> None:
        """An entry not used: a problem, and written back as it was."""
        self.problems.append(f"config.json {key}: {why}")
        self.kept[key] = value

    def save(self, path: Path | None) -> None:
        """Write settings atomically; failure is silent (settings are a convenience).

        Saves are ordered: the last one to run writes the settings as they are then, so the last change wins.
        """
        if path is None or self.frozen:
            return
        with _SAVING, contextlib.suppress(OSError):
            data = self.to_dict()
            defaults = Config()
            for key, value in self.kept.items():  # unless changed here, an unusable value stays for the user to fix
                if key not in data or data[key] == getattr(defaults, key):
                    data[key] = value
            text = json.dumps(data, indent=2)
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


_UNKNOWN = object()
_KINDS = {str: "text", bool: "true or false", int: "a whole number", dict: "an object"}


def _shown(value: object) -> str:
    """A value as the user wrote it, short, for a problem line."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def max_page_bytes(config: Config | None = None) -> int:
    """The page size limit: ``READER_MAX_PAGE_BYTES`` if set to a positive number, else the config's."""
    override = os.environ.get("READER_MAX_PAGE_BYTES", "").strip().replace("_", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    if config is None:
        from reader.paths import config_file

        config = Config.load(config_file())
    return config.max_page_bytes
