"""User key bindings from config.json: which entries can be applied, and what is wrong with the rest. No Textual."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

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
            problems.append(f'config.json keymap: {name} needs its keys as text, such as "ctrl+q"')
        elif bad := [k for k in (k.strip() for k in keys.split(",")) if not is_key(k)]:
            problems.append(f"config.json keymap: {name}: {clean_line(repr(bad[0]))} is not a key name")
        else:
            good[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return good, problems


def clashes(
    panes: Mapping[str, Sequence[tuple[str, str]]],
    keymap: Mapping[str, str],
    canonical: Callable[[str], str] = str.strip,
) -> tuple[dict[str, str], list[str]]:
    """Drop keymap entries that give a key already used in the same pane; one line per entry dropped.

    ``panes``: pane name → its bindings as (binding id, default keys). A key used twice in one
    pane would run only one of the two, so the user's entry is not applied and the default stays.
    ``canonical`` spells a key one way (``/`` and ``slash`` alike).
    """
    good = dict(keymap)
    problems: list[str] = []
    for bindings in panes.values():
        used: dict[str, str] = {}
        for binding_id, keys in bindings:
            if binding_id not in keymap:
                for key in keys.split(","):
                    used.setdefault(canonical(key.strip()), binding_id)
        for binding_id, _keys in bindings:
            if binding_id in keymap:
                for key in keymap[binding_id].split(","):
                    other = used.get(canonical(key.strip()))
                    if other is not None and other != binding_id and binding_id in good:
                        del good[binding_id]
                        problems.append(
                            f"config.json keymap: {clean_line(repr(binding_id))}: {clean_line(repr(key))} "
                            f"is already the key of {clean_line(repr(other))}"
                        )
                if binding_id in good:
                    for key in keymap[binding_id].split(","):
                        used.setdefault(canonical(key.strip()), binding_id)
    return good, problems
