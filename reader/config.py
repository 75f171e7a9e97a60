"""User settings: a small dataclass, loaded once, saved atomically. No Textual."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path


@dataclass
class Config:
    """What reader remembers between runs besides reading state."""

    theme: str = "textual-dark"
    show_sidebar: bool = True

    @classmethod
    def load(cls, path: Path | None) -> Config:
        """Read settings; a missing or unreadable file gives the defaults."""
        if path is None:
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        config = cls()
        for item in fields(cls):
            value = data.get(item.name)
            if isinstance(value, type(getattr(config, item.name))):
                setattr(config, item.name, value)
        return config

    def save(self, path: Path | None) -> None:
        """Write settings atomically; failure is silent (settings are a convenience)."""
        if path is None:
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
            os.replace(tmp, path)
