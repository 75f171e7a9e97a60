"""Colour contrast as WCAG measures it, and colours made legible against a background."""

from __future__ import annotations

from textual.color import Color

MINIMUM = 3.0
"""The least contrast a drawn colour gets against its background (WCAG's large-text level)."""


def luminance(colour: Color) -> float:
    """The relative luminance of an opaque colour (0 black … 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(first: Color, second: Color) -> float:
    """The WCAG contrast ratio of two opaque colours (1 … 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def legible(colour: Color, background: Color, minimum: float = MINIMUM) -> Color:
    """``colour`` over an opaque ``background``, moved towards black or white just enough to
    reach ``minimum`` contrast (a muted colour stays as muted as the background allows)."""
    if colour.ansi is not None or background.ansi is not None:
        return colour  # an ANSI theme: the terminal's own palette decides, and keeps, the contrast
    drawn = background + colour
    if contrast(drawn, background) >= minimum:
        return drawn
    strong = background.get_contrast_text(1.0)
    for step in range(1, 10):
        mixed = drawn.blend(strong, step / 10)
        if contrast(mixed, background) >= minimum:
            return mixed
    return strong
