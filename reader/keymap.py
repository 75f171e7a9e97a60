"""User key bindings from config.json: which entries can be applied, and what is wrong with the rest. No Textual."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from reader.text import clean_line

MODIFIERS = ("ctrl", "alt", "shift", "super", "meta", "hyper")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def is_key(key: str) -> bool:
    """A key Textual can bind: one printable character, or a key name (``pageup``, ``f5``), with modifiers."""
    *mods, last = key.split("+") if len(key) > 1 else [key]
    if any(mod not in MODIFIERS for mod in mods):
        return False
    if len(last) == 1:
        return last.isprintable() and not last.isspace()
    return bool(_NAME.fullmatch(last))


def check_keymap(entries: Mapping[str, object], known: Collection[str]) -> tuple[dict[str, str], list[str]]:
    """The entries that can be applied (binding id → keys), and one line per entry that cannot."""
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in entries.items():
        name = clean_line(repr(binding_id))
        if binding_id not in known:
            problems.append(f"config.json keymap: {name} is not a binding id (see the help screen, ?)")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"config.json keymap: {name} needs its keys as text, such as \"ctrl+q\"")
        elif bad := [k for k in (k.strip() for k in keys.split(",")) if not is_key(k)]:
            problems.append(f"config.json keymap: {name}: {clean_line(repr(bad[0]))} is not a key name")
        else:
            good[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return good, problems
