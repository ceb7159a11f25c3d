"""SVG lengths: numbers with CSS units, converted to user units.

A user unit is a CSS pixel (96 per inch). Absolute units convert at fixed
ratios; ``em`` and ``ex`` are relative to a font size, ``%`` to a reference
length that depends on where the length is used (the viewport's width for
``x``, its height for ``y``, the parent's font size for ``font-size``).

>>> to_user_units("210mm"), to_user_units("12pt"), to_user_units("2em", font_size=20)
(793.7007874015749, 16.0, 40.0)
>>> to_user_units("50%", percent_of=1200)
600.0
"""

from __future__ import annotations

import math
import re

__all__ = ["ABSOLUTE_UNITS", "LengthError", "parse_length", "to_user_units", "viewport_reference"]

#: User units per unit.
ABSOLUTE_UNITS = {
    "": 1.0,
    "px": 1.0,
    "pt": 96 / 72,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
}
_RELATIVE_UNITS = ("em", "rem", "ex", "%")
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]+|%)?\s*")
#: The units svgog reads, for error messages.
UNIT_NAMES = "px, pt, pc, in, cm, mm, Q, em, rem, ex or %"


class LengthError(ValueError):
    """A value that is not a length svgog can convert (callers turn it into a TemplateError)."""


def parse_length(text: str) -> tuple[float, str]:
    """A length's number and lower-case unit (``""`` for a plain number).

    >>> parse_length(" 4.5E1PX ")
    (45.0, 'px')
    """
    match = _LENGTH.fullmatch(text)
    if not match:
        raise LengthError(f"{text.strip()[:40]!r} is not a length")
    unit = (match.group(2) or "").lower()
    if unit not in ABSOLUTE_UNITS and unit not in _RELATIVE_UNITS:
        raise LengthError(f"{text.strip()[:40]!r} has an unknown unit (use {UNIT_NAMES})")
    number = float(match.group(1))
    if not math.isfinite(number):
        raise LengthError(f"{text.strip()[:40]!r} is not a finite number")
    return number, unit


def to_user_units(
    text: str,
    *,
    font_size: float = 16.0,
    x_height: float | None = None,
    percent_of: float | None = None,
    root_font_size: float = 16.0,
) -> float:
    """Convert a length to user units.

    :param font_size: What ``1em`` is.
    :param x_height: What ``1ex`` is (half an em when not known, as CSS allows).
    :param percent_of: What ``100%`` is; ``None`` where a percentage means nothing.
    :raises LengthError: Not a number, an unknown unit, or a percentage where none is allowed.
    """
    number, unit = parse_length(text)
    if unit in ABSOLUTE_UNITS:
        return number * ABSOLUTE_UNITS[unit]
    if unit == "em":
        return number * font_size
    if unit == "rem":
        return number * root_font_size
    if unit == "ex":
        return number * (x_height if x_height is not None else font_size / 2)
    if percent_of is None:
        raise LengthError(f"{text.strip()[:40]!r}: a percentage means nothing here")
    return number / 100 * percent_of


def viewport_reference(axis: str, width: float, height: float) -> float:
    """What 100% is for a length along ``axis`` (``"x"``, ``"y"``, or anything else) in a viewport.

    >>> viewport_reference("x", 1200, 630), viewport_reference("y", 1200, 630)
    (1200, 630)
    """
    if axis == "x":
        return width
    if axis == "y":
        return height
    return math.sqrt((width * width + height * height) / 2)
