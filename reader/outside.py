"""The one way out to the user's web browser (tests replace :func:`open_url`). No Textual."""

from __future__ import annotations

import webbrowser


def open_url(url: str) -> bool:
    """Open ``url`` in the user's graphical browser; False when there is none to start.

    A terminal browser (lynx, w3m, ``www-browser``) is not started: it would draw over
    the app in the same terminal. Only http(s) addresses are opened.
    """
    if not url.startswith(("http://", "https://")):
        return False
    try:
        browser = webbrowser.get()
        if type(browser) is webbrowser.GenericBrowser:  # how webbrowser registers terminal browsers
            return False
        return browser.open(url, new=2)
    except (webbrowser.Error, OSError):
        return False
