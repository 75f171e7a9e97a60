"""Toasts that replace their twins: pressing a key ten times gives one notice, not ten."""

from __future__ import annotations

from typing import Any

from textual.app import App


def forget_identical(app: App[Any], message: str, title: str = "") -> None:
    """Dismiss the toasts on show that say exactly ``message`` (call just before notifying it again)."""
    for notification in list(app._notifications):
        if notification.message == message and notification.title == title:
            app._unnotify(notification, refresh=False)
