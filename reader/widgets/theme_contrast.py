"""A theme's colour variables made readable: text colours moved towards black or white (never changed in hue
more than that) until they reach their contrast over the backgrounds they are drawn on, in any theme."""

from __future__ import annotations

import re

from textual.color import Color, ColorParseError
from textual.constants import DIM_FACTOR

from reader.widgets.contrast import contrast

BODY = 4.5
"""Body text over its background (WCAG AA)."""
SECONDARY = 3.0
"""Secondary text (muted metadata, key hints, dimmed words) over its background."""

BACKGROUNDS = ("background", "surface", "panel")
"""The backgrounds text is drawn on in the app's panes and dialogs."""
ACCENT_TEXT = ("text-accent", "text-primary", "text-secondary", "text-success", "text-warning", "text-error")
"""Coloured text: links, toasts' titles, problems (body text: read, not glanced at)."""

_AUTO = re.compile(r"^\s*auto\s+(\d+(?:\.\d+)?)%\s*$")


def _colour(value: str | None) -> Color | None:
    """A variable's value as a colour, or None (not a colour, or an ANSI colour: the terminal decides)."""
    if value is None:
        return None
    try:
        colour = Color.parse(value)
    except ColorParseError:
        return None
    return None if colour.ansi is not None else colour


def dimmed(colour: Color, background: Color) -> Color:
    """``colour`` as a terminal draws it with the dim attribute (blended towards the background)."""
    return background.blend(colour, DIM_FACTOR)


def _readable(colour: Color, backgrounds: list[Color], minimum: float, dim_minimum: float = 0.0) -> Color:
    """``colour`` (over the first background when translucent) moved towards black or white, the least
    needed to reach ``minimum`` over every background (and ``dim_minimum`` when drawn dim)."""

    def enough(candidate: Color) -> bool:
        return all(
            contrast(candidate, bg) >= minimum and contrast(dimmed(candidate, bg), bg) >= dim_minimum
            for bg in backgrounds
        )

    opaque = backgrounds[0] + colour
    if enough(opaque):
        return colour
    strong = backgrounds[0].get_contrast_text(1.0)
    for step in range(1, 41):
        candidate = opaque.blend(strong, step / 40)
        if enough(candidate):
            return candidate
    return strong


_MADE: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
"""Variables already made readable (the app asks for a theme's several times as it starts)."""


def readable_variables(variables: dict[str, str]) -> dict[str, str]:
    """``variables`` (a theme's, as ``App.get_css_variables`` makes them) with every text colour readable:
    the foreground at :data:`BODY` (and :data:`SECONDARY` when dimmed), muted text at :data:`SECONDARY`,
    coloured text at :data:`BODY`, the footer's keys and the cursors' text too. ANSI themes are left alone."""
    key = tuple(variables.items())
    made = _MADE.get(key)
    if made is None:
        if len(_MADE) >= 32:
            _MADE.clear()
        made = _MADE[key] = _readable_variables(variables)
    return dict(made)


def _readable_variables(variables: dict[str, str]) -> dict[str, str]:
    """:func:`readable_variables`, made afresh."""
    result = dict(variables)
    background = _colour(variables.get("background"))
    if background is None:
        return result
    backgrounds = [background + c for name in BACKGROUNDS if (c := _colour(variables.get(name))) is not None]

    def set_colour(name: str, over: list[Color], minimum: float, dim_minimum: float = 0.0) -> None:
        colour = _colour(result.get(name))
        if colour is not None and over:
            better = _readable(colour, over, minimum, dim_minimum)
            if better != colour:
                result[name] = better.hex

    def raise_auto(name: str, over: list[Color], minimum: float) -> None:
        """An ``auto N%`` text colour (black or white at N%, by the background) made strong enough."""
        match = _AUTO.match(result.get(name, ""))
        if match is None:
            set_colour(name, over, minimum)
            return
        percent = float(match.group(1))
        while percent < 100 and any(contrast(bg + bg.get_contrast_text(percent / 100), bg) < minimum for bg in over):
            percent += 5
        result[name] = f"auto {min(percent, 100):g}%"

    blurred = _colour(variables.get("block-cursor-blurred-background"))
    under_cursor = [bg + blurred for bg in backgrounds] if blurred is not None else []
    foreground = _colour(result.get("foreground"))
    set_colour("foreground", backgrounds + under_cursor, BODY, SECONDARY)  # an unfocused list's cursor row too
    new_foreground = _colour(result.get("foreground"))
    if foreground is not None and new_foreground is not None and new_foreground != foreground:
        old = foreground.hex.lower()
        for name, value in variables.items():  # the variables that are the foreground under another name
            if name != "foreground" and value.lower() == old:
                result[name] = new_foreground.hex
        result["foreground-muted"] = new_foreground.with_alpha(0.6).hex  # as Textual derives it
    set_colour("foreground-muted", backgrounds, SECONDARY)
    raise_auto("text-muted", backgrounds, SECONDARY)
    for name in ACCENT_TEXT:
        set_colour(name, backgrounds, BODY)

    footer = _colour(result.get("footer-background"))
    if footer is not None:
        footer = background + footer
        set_colour("footer-key-foreground", [footer], SECONDARY)
        set_colour("footer-description-foreground", [footer], BODY)
    cursor = _colour(result.get("block-cursor-background"))
    if cursor is not None:
        under = background + cursor
        raise_auto("block-cursor-foreground", [under], BODY)
        match = _AUTO.match(result["block-cursor-foreground"])
        if match is not None:  # a colour, not "auto": a style read without the background (a find's match) keeps it
            result["block-cursor-foreground"] = (under + under.get_contrast_text(float(match.group(1)) / 100)).hex
    set_colour("block-cursor-blurred-foreground", under_cursor, BODY)
    return result
