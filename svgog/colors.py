"""CSS color values, checked strictly before they reach a template.

A color field's value becomes an attribute (``fill``, ``stop-color``…), so
anything but a plain color (a ``url(...)``, markup, a stray ``;``) is refused.
Accepted: ``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``, ``rgb()``/``rgba()``
and ``hsl()``/``hsla()`` with finite numbers or percentages, CSS named colors,
``transparent`` and ``currentColor``.

:func:`normalize_color` checks the syntax (templates' own colors, which CSS
clamps, pass). :func:`field_color` is what a field value must be: every
channel in range, and written in the form CairoSVG draws as a browser does
(it reads neither ``hsl()`` nor the space-separated ``rgb()`` syntax, nor
the alpha of ``#rrggbbaa``).

>>> normalize_color(" #1E3A8A ")
'#1e3a8a'
>>> normalize_color("rgb(15 23 42 / 50%)")
'rgb(15 23 42 / 50%)'
>>> normalize_color("url(#evil)") is None
True
>>> normalize_color("rgb(0 0 0 / 1e999%)") is None
True
>>> field_color("rgb(15 23 42 / 50%)")
'rgba(15, 23, 42, 0.5)'
>>> field_color("hsl(120deg 100% 25%)")
'#008000'
>>> field_color("rgb(300 0 0)") is None
True
"""

from __future__ import annotations

import colorsys
import math
import re

__all__ = ["NAMED_COLORS", "field_color", "normalize_color"]

_HEX = re.compile(r"#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_VALUE = rf"{_NUMBER}%?"
_ANGLE = rf"{_NUMBER}(?:deg|rad|grad|turn)?"
_SEP = r"\s*(?:,\s*|\s+)"
_FUNCTION = re.compile(
    rf"(?P<rgb>rgba?)\(\s*(?P<r>{_VALUE}){_SEP}(?P<g>{_VALUE}){_SEP}(?P<b>{_VALUE})(?:\s*[,/]\s*(?P<a>{_VALUE}))?\s*\)"
    rf"|(?P<hsl>hsla?)\(\s*(?P<h>{_ANGLE}){_SEP}(?P<s>{_VALUE}){_SEP}(?P<l>{_VALUE})(?:\s*[,/]\s*(?P<alpha>{_VALUE}))?\s*\)"
)
#: The groups of :data:`_FUNCTION` that hold numbers.
_ARGUMENTS = frozenset({"r", "g", "b", "a", "h", "s", "l", "alpha"})
_DEGREES = {"deg": 1.0, "rad": 180 / math.pi, "grad": 0.9, "turn": 360.0, "": 1.0}

NAMED_COLORS = frozenset(
    """aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
    burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
    darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred
    darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink
    deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold
    goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush
    lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey
    lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow
    lime limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin
    navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise
    palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue
    saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow
    springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen
    transparent currentcolor""".split()
)


def normalize_color(value: str) -> str | None:
    """The color in canonical form (lower case, trimmed), or ``None`` if it is not one.

    Numbers must be finite: ``1e999`` is not a number CSS or a renderer can use.
    """
    text = value.strip().lower()
    if len(text) > 64:
        return None
    if _HEX.fullmatch(text):
        return text
    match = _FUNCTION.fullmatch(text)
    if match:
        numbers = [_number(token)[0] for key, token in match.groupdict().items() if token and key in _ARGUMENTS]
        return text if all(math.isfinite(n) for n in numbers) else None
    if text in NAMED_COLORS:
        return "currentColor" if text == "currentcolor" else text
    return None


def field_color(value: str) -> str | None:
    """A field's color: checked, in range, in a form every renderer reads; ``None`` if it is not one.

    Channels are 0..255 or 0%..100%, saturation and lightness 0%..100%,
    alpha 0..1 or 0%..100%; a hue is any finite angle. Opaque colors become
    ``#rrggbb``, others ``rgba(r, g, b, a)``; names stay names (except the
    two CairoSVG does not know).

    >>> field_color("#F80")
    '#f80'
    >>> field_color("#ff000080")
    'rgba(255, 0, 0, 0.502)'
    >>> field_color("rgba(1, 2, 3, 1)")
    '#010203'
    >>> field_color("RebeccaPurple")
    '#663399'
    >>> [field_color(v) for v in ("rgb(1e308 0 0)", "rgb(0 0 0 / 2)", "hsl(0 101% 0%)", "rgb(-1 0 0)")]
    [None, None, None, None]
    """
    text = normalize_color(value)
    if text is None:
        return None
    if text == "rebeccapurple":
        return "#663399"
    if text in NAMED_COLORS or text == "currentColor":
        return text
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) in (3, 6):
            return text
        if len(digits) == 4:
            digits = "".join(c * 2 for c in digits)
        red, green, blue, opacity = (int(digits[i : i + 2], 16) for i in range(0, 8, 2))
        return _css(red, green, blue, opacity / 255)
    match = _FUNCTION.fullmatch(text)
    assert match is not None
    groups = match.groupdict()
    if groups["rgb"]:
        channels = [_fraction(groups[c], 255.0) for c in "rgb"]
        alpha = _fraction(groups["a"], 1.0) if groups["a"] else 1.0
    else:
        number, unit = _number(groups["h"])
        hue = number * _DEGREES[unit] % 360
        saturation, lightness = (_fraction(groups[c], 100.0, percent_only=True) for c in "sl")
        alpha = _fraction(groups["alpha"], 1.0) if groups["alpha"] else 1.0
        if saturation is None or lightness is None or not math.isfinite(hue):
            return None
        channels = list(colorsys.hls_to_rgb(hue / 360, lightness, saturation))
    if alpha is None or None in channels:
        return None
    r, g, b = (round(c * 255) for c in channels)  # type: ignore[operator]
    return _css(r, g, b, alpha)


def _number(token: str) -> tuple[float, str]:
    """A token's number and what follows it (``%``, an angle's unit)."""
    match = re.match(_NUMBER, token)
    assert match is not None
    return float(match.group()), token[match.end() :]


def _fraction(token: str, scale: float, *, percent_only: bool = False) -> float | None:
    """A channel as 0..1, or ``None`` when it is out of range.

    ``percent_only``: a bare number means percent (``hsl(120 50 50)``).
    """
    number, unit = _number(token)
    value = number / 100 if unit == "%" or percent_only else number / scale
    return value if 0 <= value <= 1 else None


def _css(red: int, green: int, blue: int, alpha: float) -> str:
    if alpha >= 1:
        return f"#{red:02x}{green:02x}{blue:02x}"
    return f"rgba({red}, {green}, {blue}, {round(alpha, 3):g})"
