"""Every path reader uses, from platformdirs; created on demand.

``READER_DATA_DIR``, ``READER_CACHE_DIR``, ``READER_CONFIG_DIR`` and
``READER_STATE_FILE`` override the platform folders
(tests and scripts use them); otherwise the XDG variables apply as usual.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP_NAME = "reader"


def data_dir() -> Path:
    """The user's data folder (state file, imported articles)."""
    override = os.environ.get("READER_DATA_DIR")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """The user's cache folder (the disposable parse cache)."""
    override = os.environ.get("READER_CACHE_DIR")
    return Path(override) if override else user_cache_path(APP_NAME, appauthor=False)


def articles_dir() -> Path:
    """The user's own library folder, where ``reader import`` copies files."""
    return data_dir() / "articles"


def state_file() -> Path:
    """The TinyDB file holding read marks, bookmarks and the last opened article."""
    override = os.environ.get("READER_STATE_FILE")
    return Path(override) if override else data_dir() / "state.json"


def config_file() -> Path:
    """The settings file (theme, sidebar)."""
    override = os.environ.get("READER_CONFIG_DIR")
    folder = Path(override) if override else user_config_path(APP_NAME, appauthor=False)
    return folder / "config.json"


def seeds_dir() -> Path:
    """The bundled sample library: inside the installed package, or the checkout's ``seeds/``."""
    packaged = Path(__file__).parent / "seeds"  # where a wheel puts them (importlib.resources says so too, slower)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; return it."""
    path.mkdir(parents=True, exist_ok=True)
    return path
