"""Bidirectional text: embedding levels and visual order for one line.

An implementation of the implicit part of the Unicode Bidirectional Algorithm
(UAX #9: rules P2-P3, W1-W7, N1-N2, I1-I2, L1-L2). Explicit embeddings,
overrides and isolates (U+202A-U+202E, U+2066-U+2069) are ignored: they take
the level of their neighbours and have no effect, so a title cannot use them
to scramble the text around it.

>>> visual_order(levels("abc \\u05d0\\u05d1\\u05d2 def", 0))
[0, 1, 2, 3, 6, 5, 4, 7, 8, 9, 10]
"""

from __future__ import annotations

from collections.abc import Sequence
from unicodedata import bidirectional

__all__ = ["base_level", "levels", "visual_order"]

_STRONG_RTL = frozenset({"R", "AL"})
_NEUTRAL = frozenset({"B", "S", "WS", "ON", "BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_EXPLICIT = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "BN"})
_TRAILING = frozenset({"WS", "S", "B"}) | _EXPLICIT


def base_level(text: str) -> int:
    """The paragraph level: 1 if the first strong character is right-to-left, else 0.

    >>> base_level("123 \\u05e9\\u05dc\\u05d5\\u05dd"), base_level("Hello")
    (1, 0)
    """
    for char in text:
        kind = bidirectional(char)
        if kind == "L":
            return 0
        if kind in _STRONG_RTL:
            return 1
    return 0


def levels(text: str, base: int) -> list[int]:
    """The resolved embedding level of every character of a line."""
    n = len(text)
    if n == 0:
        return []
    sos = "R" if base % 2 else "L"
    types = [bidirectional(c) or "L" for c in text]

    # W1: a non-spacing mark takes the type of what precedes it.
    for i, kind in enumerate(types):
        if kind == "NSM":
            types[i] = types[i - 1] if i else sos
        elif kind in _EXPLICIT:
            types[i] = "BN"
    # W2, W3: European numbers after Arabic letters are Arabic numbers; AL is R.
    last_strong = sos
    for i, kind in enumerate(types):
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    # W5: terminators (%, $, °) next to European numbers are numbers.
    i = 0
    while i < n:
        if types[i] == "ET":
            j = i
            while j < n and types[j] == "ET":
                j += 1
            if (i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
                types[i:j] = ["EN"] * (j - i)
            i = j
        else:
            i += 1
    # W6: other separators and terminators are neutral.
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: European numbers in left-to-right context are left-to-right.
    last_strong = sos
    for i, kind in enumerate(types):
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[i] = "L"

    # N1, N2: neutrals between two strong types of one direction take it;
    # numbers count as right-to-left here. Others take the paragraph direction.
    def direction(kind: str) -> str | None:
        if kind == "L":
            return "L"
        if kind in ("R", "EN", "AN"):
            return "R"
        return None

    i = 0
    while i < n:
        if types[i] in _NEUTRAL or types[i] == "NSM":
            j = i
            while j < n and (types[j] in _NEUTRAL or types[j] == "NSM"):
                j += 1
            left = direction(types[i - 1]) if i > 0 else sos
            right = direction(types[j]) if j < n else sos
            resolved = left if left == right and left is not None else sos
            types[i:j] = [resolved] * (j - i)
            i = j
        else:
            i += 1
    # I1, I2: implicit levels.
    result = []
    for kind in types:
        if base % 2 == 0:
            result.append(base + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0))
        else:
            result.append(base + (1 if kind in ("L", "EN", "AN") else 0))
    # L1: trailing white space goes back to the paragraph level.
    i = n - 1
    while i >= 0 and bidirectional(text[i]) in _TRAILING:
        result[i] = base
        i -= 1
    return result


def visual_order(line_levels: Sequence[int]) -> list[int]:
    """Logical indices in display order (rule L2).

    From the highest level down to the lowest odd one, every run at that level
    or above is reversed.

    >>> visual_order([0, 0, 1, 1, 2, 2, 1])
    [0, 1, 6, 4, 5, 3, 2]
    """
    order = list(range(len(line_levels)))
    if not order:
        return order
    highest = max(line_levels)
    lowest_odd = min((lv for lv in line_levels if lv % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if line_levels[order[i]] >= level:
                j = i
                while j < len(order) and line_levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order
