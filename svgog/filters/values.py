"""Filter attribute values: numbers, lengths and CSS colors, read leniently.

A missing or malformed number takes its default, numbers are clamped to
finite magnitudes, and a length is user units, an absolute unit or a
percentage.
"""

from __future__ import annotations

import math
import re

from ..colors import normalize_color
from .geometry import Rect

_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|%)?\s*")
_NUMBER_SEP = re.compile(r"[\s,]+")


#: Numbers in filter attributes are clamped to this magnitude: far beyond any meaningful value,
#: small enough that products stay finite in float32 (no inf * 0 = NaN in a matrix or arithmetic).
_LARGEST = 1e9


def _numbers(value: str | None) -> list[float] | None:
    """A list of numbers (separated by spaces or commas), or ``None`` if it is missing or malformed."""
    if value is None or not value.strip():
        return None
    try:
        numbers = [float(part) for part in _NUMBER_SEP.split(value.strip()) if part]
    except ValueError:
        return None
    if not all(math.isfinite(n) for n in numbers):
        return None
    return [min(max(n, -_LARGEST), _LARGEST) for n in numbers]


def _number(value: str | None, default: float) -> float:
    numbers = _numbers(value)
    return numbers[0] if numbers else default


def _length(value: str | None, default: str, reference: float, fraction: bool) -> float:
    """A region length: user units (``fraction``: a fraction of ``reference``) or a percentage of it."""
    match = _LENGTH.fullmatch(value if value is not None else default) or _LENGTH.fullmatch(default)
    assert match is not None
    number, unit = float(match.group(1)), match.group(2) or ""
    if unit == "%":
        return number / 100 * reference
    if fraction:
        return number * reference
    return number * _UNITS[unit]


def parse_color(value: str | None, current: str | None = None) -> Rect | None:
    """A CSS color as straight (not premultiplied) RGBA floats, or ``None`` if it is not one.

    >>> parse_color("#ff000080")
    (1.0, 0.0, 0.0, 0.5019607843137255)
    >>> parse_color("rgb(0 0 255 / 50%)")
    (0.0, 0.0, 1.0, 0.5)
    >>> parse_color("hsl(120, 100%, 25%)")
    (0.0, 0.5, 0.0, 1.0)
    """
    if value is None:
        return None
    text = normalize_color(value)
    if text is None:
        return None
    if text == "currentColor":
        return parse_color(current) if current and current.strip().lower() != "currentcolor" else (0.0, 0.0, 0.0, 1.0)
    if text == "transparent":
        return (0.0, 0.0, 0.0, 0.0)
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        channels = [int(digits[i : i + 2], 16) / 255 for i in range(0, len(digits), 2)]
        return (channels[0], channels[1], channels[2], channels[3] if len(channels) == 4 else 1.0)
    if "(" in text:
        name, _, rest = text.partition("(")
        parts = [p for p in re.split(r"[\s,/]+", rest.rstrip(")").strip()) if p]
        alpha = _channel(parts[3], 1.0) if len(parts) == 4 else 1.0
        if name.startswith("rgb"):
            r, g, b = (_channel(p, 255.0) for p in parts[:3])
            return (r, g, b, alpha)
        hue = _angle(parts[0])
        saturation, lightness = (_channel(p, 1.0) for p in parts[1:3])
        return (*_hsl_to_rgb(hue, saturation, lightness), alpha)
    from PIL import ImageColor  # named colors (Pillow comes with CairoSVG)

    r, g, b = ImageColor.getrgb(text)[:3]
    return (r / 255, g / 255, b / 255, 1.0)


def _channel(text: str, scale: float) -> float:
    value = float(text[:-1]) / 100 if text.endswith("%") else float(text) / scale
    return min(max(value, 0.0), 1.0)


def _angle(text: str) -> float:
    match = re.fullmatch(r"([+-]?[\d.]+(?:e[+-]?\d+)?)(deg|rad|grad|turn)?", text)
    if match is None:
        return 0.0
    number = float(match.group(1))
    return {"rad": math.degrees(number), "grad": number * 0.9, "turn": number * 360}.get(match.group(2) or "", number)


def _hsl_to_rgb(hue: float, saturation: float, lightness: float) -> tuple[float, float, float]:
    def channel(n: float) -> float:
        k = (n + hue / 30) % 12
        a = saturation * min(lightness, 1 - lightness)
        return lightness - a * max(-1.0, min(k - 3, 9 - k, 1.0))

    return (channel(0), channel(8), channel(4))
