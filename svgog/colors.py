"""CSS color values, checked strictly before they reach a template.

A color field's value becomes an attribute (``fill``, ``stop-color``…), so
anything but a plain color (a ``url(...)``, markup, a stray ``;``) is refused.
Accepted: ``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``, ``rgb()``/``rgba()``
and ``hsl()``/``hsla()`` with numbers or percentages, CSS named colors,
``transparent`` and ``currentColor``.

>>> normalize_color(" #1E3A8A ")
'#1e3a8a'
>>> normalize_color("rgb(15 23 42 / 50%)")
'rgb(15 23 42 / 50%)'
>>> normalize_color("url(#evil)") is None
True
"""

from __future__ import annotations

import re

__all__ = ["NAMED_COLORS", "normalize_color"]

_HEX = re.compile(r"#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?%?"
_ANGLE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:deg|rad|grad|turn)?"
_SEP = r"\s*(?:,\s*|\s+)"
_FUNCTION = re.compile(
    rf"(?:rgba?)\(\s*{_NUMBER}{_SEP}{_NUMBER}{_SEP}{_NUMBER}(?:\s*[,/]\s*{_NUMBER})?\s*\)"
    rf"|(?:hsla?)\(\s*{_ANGLE}{_SEP}{_NUMBER}{_SEP}{_NUMBER}(?:\s*[,/]\s*{_NUMBER})?\s*\)"
)

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
    """The color in canonical form (lower case, trimmed), or ``None`` if it is not one."""
    text = value.strip().lower()
    if len(text) > 64:
        return None
    if _HEX.fullmatch(text) or _FUNCTION.fullmatch(text):
        return text
    if text in NAMED_COLORS:
        return "currentColor" if text == "currentcolor" else text
    return None
