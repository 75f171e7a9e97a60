"""A text box that keeps every key it takes as text out of the footer and the bindings."""

from __future__ import annotations

from functools import cache

from textual.keys import _character_to_key
from textual.widgets import Input


@cache
def _typed_characters() -> dict[str, str]:
    """Key name → the printable ASCII character it types (``slash`` → ``/``)."""
    return {_character_to_key(chr(code)): chr(code) for code in range(32, 127)}


class TextInput(Input):
    """Textual's Input, which also claims the keys whose names Textual cannot turn back into their
    characters (``slash``, ``minus``, ``plus``, ``at``, ``backslash``, ``underscore``): the footer
    offered "/ Filter" in the box, where "/" types a slash."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, character or _typed_characters().get(key))
