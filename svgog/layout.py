"""Line breaking and truncation as pure functions over a measurer.

A *measurer* is any callable that returns the width of a string, in whatever
unit the box width is given in. Nothing here knows about fonts or SVG, which is
what lets the doctests below use ``len`` (every character one unit wide).

Breaking rules, in order of preference:

1. between words (runs of white space; a line never starts or ends with one);
2. for a word wider than the box on its own line: after hyphens, dashes and
   slashes (URLs, compounds);
3. for a piece still too wide: between grapheme clusters (``regex``'s ``\\X``),
   so accents, emoji sequences and flags stay whole.

``"\\n"`` in the text is a hard line break.

>>> fit("The quick brown fox jumps over the lazy dog", 15, len)
Fitted(lines=('The quick brown', 'fox jumps over', 'the lazy dog'), truncated=False)
>>> fit("The quick brown fox jumps over the lazy dog", 15, len, max_lines=2)
Fitted(lines=('The quick brown', 'fox jumps over…'), truncated=True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import regex

__all__ = ["Fitted", "Measure", "ellipsize", "fit", "graphemes", "split_word", "wrap"]

Measure = Callable[[str], float]

_GRAPHEME = regex.compile(r"\X")
# A run of characters followed by the hyphens, dashes or slashes that end it.
_SOFT_BREAK = regex.compile(r"[^\-/\u2010-\u2014]*[\-/\u2010-\u2014]+|[^\-/\u2010-\u2014]+")
# Dropped from the end of a truncated line so it never reads "word,…".
_BEFORE_ELLIPSIS = " \t,;:-/\u2010\u2011\u2012\u2013\u2014"


class Fitted(NamedTuple):
    """The lines a text was broken into, and whether an ellipsis cut it short."""

    lines: tuple[str, ...]
    truncated: bool


def graphemes(text: str) -> list[str]:
    """Split text into extended grapheme clusters.

    >>> len(graphemes("e\\u0301a")), len(graphemes("\\U0001F1EF\\U0001F1F5!"))
    (2, 2)
    """
    return _GRAPHEME.findall(text)


def split_word(word: str, max_width: float, measure: Measure) -> list[str]:
    """Break one word that is wider than ``max_width`` into pieces that fit.

    Pieces end after hyphens and slashes where possible, otherwise between
    grapheme clusters. A single cluster wider than the box becomes a piece of its
    own (nothing narrower exists).

    >>> split_word("state-of-the-art", 9, len)
    ['state-of-', 'the-art']
    >>> split_word("abcdefghij", 4, len)
    ['abcd', 'efgh', 'ij']
    """
    pieces: list[str] = []
    current = ""
    for chunk in _SOFT_BREAK.findall(word):
        if measure(current + chunk) <= max_width:
            current += chunk
            continue
        if current:
            pieces.append(current)
            current = ""
        if measure(chunk) <= max_width:
            current = chunk
            continue
        for cluster in graphemes(chunk):
            if current and measure(current + cluster) > max_width:
                pieces.append(current)
                current = cluster
            else:
                current += cluster
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, max_width: float | None, measure: Measure, *, limit: int | None = None) -> list[str]:
    """Greedily break text into lines no wider than ``max_width``.

    White space runs collapse to one space. With ``max_width=None`` only hard
    breaks (``"\\n"``) end lines. ``limit`` stops the work once that many lines
    exist (callers that truncate need only know there is more).

    >>> wrap("aa bb cc dd", 5, len)
    ['aa bb', 'cc dd']
    >>> wrap("one\\ntwo three", 20, len)
    ['one', 'two three']
    >>> wrap("", 10, len)
    []
    """
    lines: list[str] = []
    for paragraph in text.strip().split("\n"):
        words = paragraph.split()
        if max_width is None:
            lines.append(" ".join(words))
            if limit is not None and len(lines) >= limit:
                return lines
            continue
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
                if limit is not None and len(lines) >= limit:
                    return lines
            if measure(word) <= max_width:
                line = word
                continue
            *full, line = split_word(word, max_width, measure)
            for piece in full:
                lines.append(piece)
                if limit is not None and len(lines) >= limit:
                    return lines
        lines.append(line)
        if limit is not None and len(lines) >= limit:
            return lines
    return lines if any(lines) else []


def ellipsize(line: str, max_width: float | None, measure: Measure, ellipsis: str = "\u2026") -> str:
    """End a line with ``ellipsis`` after the last whole word that leaves room for it.

    When not even the first word fits with the ellipsis, the word itself is cut
    between grapheme clusters.

    >>> ellipsize("The quick brown", 12, len)
    'The quick…'
    >>> ellipsize("Hello, world", 8, len)
    'Hello…'
    >>> ellipsize("Extraordinary", 6, len)
    'Extra…'
    """
    if max_width is None:
        return line.rstrip(_BEFORE_ELLIPSIS) + ellipsis
    words = line.split(" ")
    for count in range(len(words), 0, -1):
        head = " ".join(words[:count]).rstrip(_BEFORE_ELLIPSIS)
        if head and measure(head + ellipsis) <= max_width:
            return head + ellipsis
    clusters = graphemes(words[0])
    for count in range(len(clusters) - 1, 0, -1):
        head = "".join(clusters[:count])
        if measure(head + ellipsis) <= max_width:
            return head + ellipsis
    return ellipsis


def fit(
    text: str,
    max_width: float | None,
    measure: Measure,
    *,
    max_lines: int | None = None,
    ellipsis: str = "\u2026",
) -> Fitted:
    """Wrap text into at most ``max_lines`` lines, ending in an ellipsis when cut.

    >>> fit("Hello world", 20, len, max_lines=1)
    Fitted(lines=('Hello world',), truncated=False)
    >>> fit("Hello big world", 9, len, max_lines=1)
    Fitted(lines=('Hello…',), truncated=True)
    """
    limit = max_lines + 1 if max_lines is not None else None
    lines = wrap(text, max_width, measure, limit=limit)
    if max_lines is None or len(lines) <= max_lines:
        return Fitted(tuple(lines), False)
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1], max_width, measure, ellipsis)
    return Fitted(tuple(kept), True)
