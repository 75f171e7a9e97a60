"""The browser module: what it opens and what it refuses."""

from __future__ import annotations

import webbrowser

import pytest

from reader import outside


class Recorder(webbrowser.BackgroundBrowser):
    """A graphical browser that records instead of starting."""

    opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


def test_opens_http_addresses_in_a_graphical_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    browser = Recorder("recorder")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    assert outside.open_url("https://example.org/story")
    assert not outside.open_url("javascript:alert(1)") and not outside.open_url("file:///etc/passwd")
    assert browser.opened == ["https://example.org/story"]


def test_a_terminal_browser_or_none_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "get", lambda using=None: webbrowser.GenericBrowser("lynx"))
    assert not outside.open_url("https://example.org/story")

    def missing(using: str | None = None) -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", missing)
    assert not outside.open_url("https://example.org/story")
