"""The one way out to the user's web browser (tests replace :func:`open_url`). No Textual."""

from __future__ import annotations

import webbrowser


def open_url(url: str) -> bool:
    """Open ``url`` in the user's browser; False when no browser could be started."""
    if not url.startswith(("http://", "https://")):
        return False
    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error:
        return False
