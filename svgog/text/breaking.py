"""Line breaking, balancing and truncation as pure functions over a measurer.

A *measurer* returns the width of a stretch of the text in whatever unit the
box width is given in: ``measure(text, start)``, where ``start`` is where the
stretch begins in the text being broken, so that a text whose runs have
different styles is measured run by run (see :class:`svgog.text.runs.Measurer`).
It must be additive at break opportunities: the width of ``"a b"`` is the
width of ``"a"`` plus ``" "`` plus ``"b"`` (true for the font measurers svgog
builds, where spacing is not kerned). Nothing here knows about fonts, so the
doctests use :func:`chars`: every character one unit wide.

Every line produced is a stretch of the text (after white space is collapsed,
as :meth:`svgog.text.styled.StyledText.normalized` does), except that a
truncated line ends in the ellipsis; :class:`Fitted` says where each starts.

>>> fit("The quick brown fox jumps over the lazy dog", 15, chars).lines
('The quick brown', 'fox jumps over', 'the lazy dog')
>>> fit("The quick brown fox jumps over the lazy dog", 15, chars, max_lines=2)
Fitted(lines=('The quick brown', 'fox jumps over…'), truncated=True, starts=(0, 16))
>>> fit("The quick brown fox jumps over the lazy dog", 30, chars, balance=True).lines
('The quick brown fox', 'jumps over the lazy dog')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

import regex

from .segment import COLLAPSIBLE, Atom, atoms, clusters

__all__ = [
    "Fitted", "Measure", "balanced_lines", "chars", "ellipsize", "fit", "line_text", "split_word", "wrap",
    "wrap_atoms",
]  # fmt: skip


class Measure(Protocol):
    """The width of ``text``, which starts at ``start`` in the text being broken."""

    def __call__(self, text: str, start: int = 0, /) -> float: ...


def chars(text: str, start: int = 0) -> float:
    """A measure for examples: every character one unit wide."""
    return float(len(text))


Line = list[Atom]

# A run of characters followed by the hyphens, dashes or slashes that end it.
_SOFT_BREAK = regex.compile(r"[^\-/\u2010-\u2014]*[\-/\u2010-\u2014]+|[^\-/\u2010-\u2014]+")
# Dropped from the end of a truncated line so it never reads "word,…".
_BEFORE_ELLIPSIS = " \t,;:-/\u2010\u2011\u2012\u2013\u2014\u3001\uff0c\u00ad\u200b"
# Balancing looks at every way to break a paragraph; beyond this many atoms
# it falls back to the greedy breaks (titles are far shorter).
_BALANCE_LIMIT = 400


class Fitted(NamedTuple):
    """The lines a text was broken into, and whether an ellipsis cut it short.

    :ivar starts: Where each line starts in the text.
    """

    lines: tuple[str, ...]
    truncated: bool
    starts: tuple[int, ...] = ()


#: What a line broken at a soft hyphen ends with.
HYPHEN = "-"


def line_text(line: Sequence[Atom], *, hyphen: bool = True) -> str:
    """The text of a line of atoms: glue between them, none after the last.

    A line that ends at a soft hyphen ends with :data:`HYPHEN` (unless ``hyphen`` is false).
    """
    if not line:
        return ""
    text = "".join(atom.text + atom.glue for atom in line[:-1]) + line[-1].text
    return text + HYPHEN if hyphen and line[-1].hyphen else text


def _hyphen_width(atom: Atom, measure: Measure) -> float:
    """The width a line ending after ``atom`` needs for its hyphen (0 unless at a soft hyphen)."""
    return measure(HYPHEN, atom.start + len(atom.text) - 1) if atom.hyphen else 0.0


def split_word(word: str, max_width: float, measure: Measure, start: int = 0) -> list[str]:
    """Break one piece that is wider than ``max_width`` into pieces that fit.

    Pieces end after hyphens and slashes where possible, otherwise between
    grapheme clusters. A single cluster wider than the box becomes a piece of its
    own (nothing narrower exists).

    >>> split_word("state-of-the-art", 9, chars)
    ['state-of-', 'the-art']
    >>> split_word("abcdefghij", 4, chars)
    ['abcd', 'efgh', 'ij']
    """
    # Widths add up piece by piece (the measurer is additive where text
    # breaks), so a long hostile "word" costs linear time, not quadratic.
    pieces: list[str] = []
    current, current_width = "", 0.0
    position = start
    for chunk in _SOFT_BREAK.findall(word):
        chunk_width = measure(chunk, position)
        if current_width + chunk_width <= max_width:
            current, current_width = current + chunk, current_width + chunk_width
            position += len(chunk)
            continue
        if current:
            pieces.append(current)
            current, current_width = "", 0.0
        if chunk_width <= max_width:
            current, current_width = chunk, chunk_width
            position += len(chunk)
            continue
        for cluster in clusters(chunk):
            cluster_width = measure(cluster, position)
            position += len(cluster)
            if current and current_width + cluster_width > max_width:
                # Near the edge the sum of clusters is not the width (kerning,
                # joining forms): the piece as it would be drawn decides. Only
                # here, so a long hostile "word" still costs about linear time.
                exact = measure(current + cluster, position - len(current) - len(cluster))
                if exact <= max_width:
                    current, current_width = current + cluster, exact
                    continue
                pieces.append(current)
                current, current_width = cluster, cluster_width
            else:
                current, current_width = current + cluster, current_width + cluster_width
    if current:
        pieces.append(current)
    return pieces


def wrap_atoms(
    items: Sequence[Atom], max_width: float | None, measure: Measure, *, limit: int | None = None
) -> list[Line]:
    """Greedy line breaking of one paragraph's atoms.

    An atom wider than the box on a line of its own is split with
    :func:`split_word`. ``limit`` stops the work once that many lines exist.
    """
    if max_width is None:
        return [list(items)] if items else []
    lines: list[Line] = []
    line: Line = []
    width = 0.0
    for atom in items:
        atom_width = measure(atom.text, atom.start)
        # A line ending after a soft hyphen draws a hyphen: it must fit too.
        ending = _hyphen_width(atom, measure)
        if line:
            glue = line[-1]
            extended = width + measure(glue.glue, glue.start + len(glue.text)) + atom_width
            if extended + ending <= max_width:
                line.append(atom)
                width = extended
                continue
            lines.append(line)
            if limit is not None and len(lines) >= limit:
                return lines
        if atom_width + ending <= max_width:
            line, width = [atom], atom_width
            continue
        *full, last = split_word(atom.text, max_width, measure, atom.start)
        position = atom.start
        for piece in full:
            lines.append([Atom(piece, "", position)])
            position += len(piece)
            if limit is not None and len(lines) >= limit:
                return lines
        line, width = [Atom(last, atom.glue, position)], measure(last, position)
    if line:
        lines.append(line)
    return lines


def wrap(text: str, max_width: float | None, measure: Measure, *, limit: int | None = None) -> list[str]:
    """Greedily break text into lines no wider than ``max_width``.

    White space runs collapse to one space and ``"\\n"`` is a hard break. With
    ``max_width=None`` only hard breaks end lines.

    >>> wrap("aa bb cc dd", 5, chars)
    ['aa bb', 'cc dd']
    >>> wrap("one\\ntwo three", 20, chars)
    ['one', 'two three']
    >>> wrap("", 10, chars)
    []
    """
    paragraphs = _wrap_paragraphs(text, max_width, measure, limit)
    return [line_text(line) for _, lines in paragraphs for line in lines]


def _wrap_paragraphs(
    text: str, max_width: float | None, measure: Measure, limit: int | None
) -> list[tuple[list[Atom], list[Line]]]:
    """Each paragraph's atoms and greedy lines; an empty paragraph is one empty line."""
    result: list[tuple[list[Atom], list[Line]]] = []
    blank = COLLAPSIBLE + "\n"
    stripped = text.strip(blank)
    if not stripped:
        return result
    produced = 0
    offset = len(text) - len(text.lstrip(blank))
    for paragraph in stripped.split("\n"):
        remaining = None if limit is None else limit - produced
        if remaining is not None and remaining <= 0:
            break
        items = atoms(paragraph, offset)
        lines = wrap_atoms(items, max_width, measure, limit=remaining) or [[]]
        result.append((items, lines))
        produced += len(lines)
        offset += len(paragraph) + 1
    return result


def balanced_lines(items: Sequence[Atom], max_width: float, measure: Measure, count: int) -> list[Line] | None:
    """Break a paragraph into exactly ``count`` lines of similar width.

    Like CSS ``text-wrap: balance``: among all ways to break the paragraph into
    ``count`` lines no wider than ``max_width``, choose the one whose lines are
    most even (least sum of squared slack), and never end with a single word
    on the last line when another choice avoids it. Returns ``None`` when no
    such breaking exists (for instance, when an atom is wider than the box).

    >>> [line_text(l) for l in balanced_lines(atoms("aa bb cc dd ee"), 11, chars, 2)]
    ['aa bb cc', 'dd ee']
    """
    n = len(items)
    if count < 1 or n < count or n > _BALANCE_LIMIT:
        return None
    widths = [measure(a.text, a.start) for a in items]
    glues = [measure(a.glue, a.start + len(a.text)) for a in items]
    endings = [_hyphen_width(a, measure) for a in items]
    # prefix[i]: width of atoms 0..i-1 with the glue after each of them.
    prefix = [0.0]
    for w, g in zip(widths, glues):
        prefix.append(prefix[-1] + w + g)

    def span(i: int, j: int) -> float:  # atoms i..j-1 on one line
        return prefix[j] - prefix[i] - glues[j - 1] + endings[j - 1]

    inf = float("inf")
    # best[k][j]: (orphan penalty, raggedness) of atoms 0..j-1 in k lines.
    best = [[(inf, inf)] * (n + 1) for _ in range(count + 1)]
    choice = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = (0.0, 0.0)
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            last_line = k == count and j == n
            for i in range(j - 1, k - 2, -1):
                width = span(i, j)
                if width > max_width:
                    break
                before = best[k - 1][i]
                if before[0] == inf:
                    continue
                orphan = 1.0 if last_line and j - i == 1 and n > 1 else 0.0
                cost = (before[0] + orphan, before[1] + (max_width - width) ** 2)
                if cost < best[k][j]:
                    best[k][j] = cost
                    choice[k][j] = i
    if best[count][n][0] == inf:
        return None
    lines: list[Line] = []
    j = n
    for k in range(count, 0, -1):
        i = choice[k][j]
        lines.append(list(items[i:j]))
        j = i
    lines.reverse()
    return lines


def ellipsize(
    line: str, max_width: float | None, measure: Measure, ellipsis: str = "\u2026", start: int = 0
) -> str:
    """End a line with ``ellipsis`` after the last whole atom that leaves room for it.

    When not even the first atom fits with the ellipsis, it is cut between
    grapheme clusters. ``start`` is where the line starts in the text.

    >>> ellipsize("The quick brown", 12, chars)
    'The quick…'
    >>> ellipsize("Hello, world", 8, chars)
    'Hello…'
    >>> ellipsize("Extraordinary", 6, chars)
    'Extra…'
    """
    if max_width is None:
        return line.rstrip(_BEFORE_ELLIPSIS) + ellipsis
    items = atoms(line, start)
    for count in range(len(items), 0, -1):
        head = line_text(items[:count]).rstrip(_BEFORE_ELLIPSIS)
        if head and measure(head + ellipsis, start) <= max_width:
            return head + ellipsis
    first = clusters(items[0].text) if items else []
    for count in range(len(first) - 1, 0, -1):
        head = "".join(first[:count])
        if measure(head + ellipsis, start) <= max_width:
            return head + ellipsis
    return ellipsis


def fit(
    text: str,
    max_width: float | None,
    measure: Measure,
    *,
    max_lines: int | None = None,
    ellipsis: str = "\u2026",
    balance: bool = False,
) -> Fitted:
    """Wrap text into at most ``max_lines`` lines, ending in an ellipsis when cut.

    With ``balance=True``, text that fits is re-broken into the same number
    of lines with even widths (see :func:`balanced_lines`).

    >>> fit("Hello world", 20, chars, max_lines=1)
    Fitted(lines=('Hello world',), truncated=False, starts=(0,))
    >>> fit("Hello big world", 9, chars, max_lines=1)
    Fitted(lines=('Hello…',), truncated=True, starts=(0,))
    """
    limit = max_lines + 1 if max_lines is not None else None
    paragraphs = _wrap_paragraphs(text, max_width, measure, limit)
    lines = [line for _, para_lines in paragraphs for line in para_lines]
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[:max_lines]
        texts = [line_text(line) for line in kept]
        starts = [_line_start(line) for line in kept]
        texts[-1] = ellipsize(line_text(kept[-1], hyphen=False), max_width, measure, ellipsis, starts[-1])
        return Fitted(tuple(texts), True, tuple(starts))
    if balance and max_width is not None:
        lines = []
        for items, greedy in paragraphs:
            even = balanced_lines(items, max_width, measure, len(greedy)) if len(greedy) > 1 else None
            lines.extend(even or greedy)
    return Fitted(tuple(line_text(line) for line in lines), False, tuple(_line_start(line) for line in lines))


def _line_start(line: Line) -> int:
    """Where a line starts in the text (0 for an empty line, which draws nothing)."""
    return line[0].start if line else 0
