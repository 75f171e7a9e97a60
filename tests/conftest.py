"""Shared fixtures: every test runs with its own data and cache folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.library import Library, load_library
from reader.paths import seeds_dir

_PROXY_SETTINGS = frozenset({"http_proxy", "https_proxy", "all_proxy", "no_proxy"})


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point reader (and platformdirs, through XDG) at temp folders, never the user's own."""
    home = tmp_path / "home"
    monkeypatch.setenv("READER_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("READER_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("READER_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("READER_STATE_FILE", raising=False)
    for name in list(os.environ):  # a developer's proxy would catch the requests to the tests' local servers
        if name.lower() in _PROXY_SETTINGS:
            monkeypatch.delenv(name)
    return home


@pytest.fixture
def library() -> Library:
    """The bundled sample library."""
    return load_library(folders=[seeds_dir()])
