"""Styled text: a string whose spans are set in different styles.

A template's ``<text>`` may hold runs in other colors, weights or sizes
(``Bello<tspan fill="#0ea5e9" font-weight="400">Treno</tspan>``). Layout sees
one string, so that words, breaks and bidi work across runs; a
:class:`StyledText` says which :class:`RunStyle` each character has.

>>> styled = StyledText.join([("Bello", 0), ("Treno", 1)])
>>> styled.text, [styled.style_at(i) for i in (0, 4, 5, 9)]
('BelloTreno', [0, 0, 1, 1])
>>> list(styled.segments(3, 7))
[(3, 5, 0), (5, 7, 1)]
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .segment import COLLAPSIBLE, collapse

if TYPE_CHECKING:
    from .runs import FontChain

__all__ = ["RunStyle", "StyledText"]


@dataclass(frozen=True, eq=False)
class RunStyle:
    """How one span of a text is set and painted.

    :ivar chain: The faces the span draws with, in fallback order.
    :ivar scale: The span's font size relative to the text's own size.
    :ivar letter_spacing_px: Letter spacing in pixels at the designed size
        (it shrinks with the text when the text is shrunk to fit).
    :ivar letter_spacing_em: Letter spacing in em of the span's size.
    :ivar transform: Its CSS ``text-transform``.
    :ivar oblique: Horizontal shear of a synthesized italic (0 when the face
        has its own italic, or none is asked for).
    :ivar paint: Attributes of the group that draws the span (``fill``,
        ``stroke``…); empty when it paints as the text element does.
    :ivar stroke_width: The outline's width in user units, when the span has
        a stroke width of its own (glyphs are drawn in font units, so it is
        set on each glyph path, converted).
    :ivar decorations: ``underline``, ``overline`` and ``line-through``, as
        the span and the elements around it (up to its text) declare.
    :ivar user_space: The span's fill or stroke is a paint server laid out
        in user space (a ``userSpaceOnUse`` gradient, a pattern): its glyphs
        are then written in the text's own coordinates.
    """

    chain: FontChain
    scale: float = 1.0
    letter_spacing_px: float = 0.0
    letter_spacing_em: float = 0.0
    transform: str = "none"
    oblique: float = 0.0
    paint: tuple[tuple[str, str], ...] = ()
    stroke_width: float | None = None
    decorations: tuple[str, ...] = ()
    user_space: bool = False

    def spacing(self, size: float, shrink: float = 1.0) -> float:
        """Letter spacing in pixels when the text is set at ``size``.

        :param shrink: The text's size over its designed size: pixel spacing
            shrinks with the text, so shrunk words do not run together.
        """
        return self.letter_spacing_px * shrink + self.letter_spacing_em * size * self.scale


@dataclass(frozen=True)
class StyledText:
    """A string and the style index of each of its spans.

    :ivar text: The characters.
    :ivar starts: Where each span starts; the first is 0.
    :ivar styles: Each span's style index.
    """

    text: str
    starts: tuple[int, ...] = (0,)
    styles: tuple[int, ...] = (0,)

    @classmethod
    def join(cls, spans: Iterable[tuple[str, int]]) -> StyledText:
        """A styled text from ``(text, style index)`` spans; empty spans vanish, equal neighbours merge."""
        text = ""
        starts: list[int] = []
        styles: list[int] = []
        for part, style in spans:
            if not part:
                continue
            if not styles or styles[-1] != style:
                starts.append(len(text))
                styles.append(style)
            text += part
        if not styles:
            return cls("")
        return cls(text, tuple(starts), tuple(styles))

    @property
    def single(self) -> bool:
        """Whether the whole text has one style."""
        return len(self.styles) == 1

    def style_at(self, offset: int) -> int:
        """The style of the character at ``offset`` (the last one's past the end)."""
        return self.styles[max(bisect.bisect_right(self.starts, offset) - 1, 0)]

    def segments(self, start: int, end: int) -> Iterator[tuple[int, int, int]]:
        """``(start, end, style)`` of each same-style stretch of ``[start, end)``.

        Offsets past the end of the text take the last character's style.
        """
        if start >= end:
            return
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        position = start
        while position < end:
            following = self.starts[index + 1] if index + 1 < len(self.starts) else None
            stop = end if following is None else min(end, following)
            if stop > position:
                yield position, stop, self.styles[index]
            position = stop
            index += 1
            if following is None:
                break

    def spans(self) -> Iterator[tuple[str, int]]:
        """``(text, style)`` of each span."""
        ends = [*self.starts[1:], len(self.text)]
        for start, end, style in zip(self.starts, ends, self.styles):
            yield self.text[start:end], style

    def map_spans(self, change: Callable[[str, int], str]) -> StyledText:
        """A styled text with every span's text changed (e.g. upper-cased) and its style kept."""
        return StyledText.join((change(part, style), style) for part, style in self.spans())

    def normalized(self) -> StyledText:
        """Collapsible white space made single spaces within paragraphs, paragraphs trimmed.

        No-break spaces stay as they are (see :mod:`svgog.text.segment`).

        Line breaking sees words and the single spaces between them, so every
        line it produces is then a stretch of this text.
        """
        if self.single:
            text = "\n".join(collapse(paragraph) for paragraph in self.text.split("\n"))
            return StyledText(text.strip("\n"), (0,), self.styles)
        spans: list[tuple[str, int]] = []
        pending_space: int | None = None
        line_start = True
        for char, style in zip(self.text, self._style_per_char()):
            if char == "\n":
                spans.append(("\n", style))
                pending_space, line_start = None, True
            elif char in COLLAPSIBLE:
                if not line_start and pending_space is None:
                    pending_space = style
            else:
                if pending_space is not None:
                    spans.append((" ", pending_space))
                    pending_space = None
                spans.append((char, style))
                line_start = False
        joined = StyledText.join(spans)
        stripped = joined.text.strip("\n")
        if stripped == joined.text:
            return joined
        lead = len(joined.text) - len(joined.text.lstrip("\n"))
        return StyledText.join(
            (char, joined.style_at(lead + i)) for i, char in enumerate(stripped)
        )

    def _style_per_char(self) -> list[int]:
        result: list[int] = []
        for part, style in self.spans():
            result.extend([style] * len(part))
        return result

    def slice_styles(self, line: str, start: int) -> list[tuple[str, int]]:
        """A drawn line cut into ``(text, style)`` spans.

        ``line`` is the stretch of this text at ``start``, except perhaps its
        end (an ellipsis replacing the rest): characters that are not this
        text's take the style of the character before them.
        """
        if self.single:
            return [(line, self.styles[0])] if line else []
        spans: list[tuple[str, int]] = []
        style = self.style_at(start)
        for index, char in enumerate(line):
            position = start + index
            if position < len(self.text) and self.text[position] == char:
                style = self.style_at(position)
            if spans and spans[-1][1] == style:
                spans[-1] = (spans[-1][0] + char, style)
            else:
                spans.append((char, style))
        return spans
