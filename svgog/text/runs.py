"""Font fallback per grapheme cluster, measurement, and a line's visual runs.

A :class:`FontChain` is the ordered list of faces a run of text may use
(its own family first, then configured and bundled fallbacks) plus the emoji
set; a text whose runs have different styles has one chain per style (see
:mod:`svgog.text.styled`). Every grapheme cluster goes to the first face that has all of its
characters; emoji clusters go to the emoji set first. A cluster nobody can
draw is *missing*: it takes no space, is never drawn as a box, and is
reported. A cluster of a right-to-left or complex script needs HarfBuzz; without
the ``shaping`` extra it is reported as *unshaped* instead of being drawn as
disconnected letters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..fonts import FontFace
from .bidi import levels, visual_order
from .emoji import ADVANCE, ASCENT, DESCENT, EmojiSet
from .segment import clusters, is_emoji
from .shaping import GlyphRun, harfbuzz_available, is_ignorable, needs_shaping, shape
from .styled import RunStyle, StyledText

__all__ = ["FontChain", "Measurer", "Piece", "VisualRun", "line_runs", "vertical_extent"]

# Kinds of source a cluster can have.
FACE, EMOJI, MISSING, UNSHAPED, INVISIBLE = "face", "emoji", "missing", "unshaped", "invisible"


@dataclass(frozen=True)
class Piece:
    """Consecutive clusters drawn from one source at one bidi level."""

    text: str
    kind: str
    face: FontFace | None = None
    emoji: str | None = None
    complex_script: bool = False
    level: int = 0
    #: The index of the piece's :class:`~svgog.text.styled.RunStyle`.
    style: int = 0


@dataclass(frozen=True)
class VisualRun:
    """A piece as drawn: its glyphs (or emoji image) and its advance.

    :ivar advance_em: The advance in em of the run's own size.
    :ivar scale: The run's size relative to the text's size.
    """

    piece: Piece
    glyphs: GlyphRun | None
    advance_em: float
    scale: float = 1.0

    def advance(self, size: float) -> float:
        """The advance in pixels when the text is set at ``size``."""
        return self.advance_em * size * self.scale


class FontChain:
    """The faces (and emoji set) one text element draws with, in fallback order.

    :param faces: Faces in order of preference; the first is the primary face.
    :param emoji: The emoji image set, if any.
    """

    def __init__(self, faces: Sequence[FontFace], emoji: EmojiSet | None) -> None:
        unique: list[FontFace] = []
        for face in faces:
            if face not in unique:
                unique.append(face)
        self.faces = tuple(unique)
        self.primary = self.faces[0]
        self.emoji = emoji
        self._sources: dict[str, tuple[str, FontFace | str | None, bool]] = {}

    def source(self, cluster: str) -> tuple[str, FontFace | str | None, bool]:
        """``(kind, face or emoji name, complex script)`` for one cluster."""
        found = self._sources.get(cluster)
        if found is None:
            found = self._find(cluster)
            if len(self._sources) < 4096:  # bounded: values are hostile input
                self._sources[cluster] = found
        return found

    def _find(self, cluster: str) -> tuple[str, FontFace | str | None, bool]:
        # Format characters and controls (a "\n" between paragraphs) draw nothing.
        visible = [c for c in cluster if not is_ignorable(c) and unicodedata.category(c) != "Cc"]
        if not visible:
            return (INVISIBLE, None, False)
        emoji_name = self.emoji.name(cluster) if self.emoji is not None else None
        if emoji_name is not None and is_emoji(cluster):
            return (EMOJI, emoji_name, False)
        complex_script = needs_shaping(visible[0])
        for face in self.faces:
            if all(face.has_char(c) for c in visible):
                if complex_script and not harfbuzz_available():
                    return (UNSHAPED, None, True)
                return (FACE, face, complex_script)
        if emoji_name is not None:
            return (EMOJI, emoji_name, False)
        return (MISSING, None, False)

    def pieces(
        self, text: str, base_level: int | None = None, *, char_levels: Sequence[int] | None = None, style: int = 0
    ) -> list[Piece]:
        """Split text into pieces of one source (and one bidi level, if given).

        :param char_levels: The bidi level of each character, when the text
            is part of a longer line (otherwise computed from ``base_level``).
        :param style: The style index the pieces carry.
        """
        if char_levels is None and base_level is not None:
            char_levels = levels(text, base_level)
        result: list[Piece] = []
        start = 0
        for cluster in clusters(text):
            kind, source, complex_script = self.source(cluster)
            level = char_levels[start] if char_levels is not None else 0
            start += len(cluster)
            face = source if kind == FACE else None
            last = result[-1] if result else None
            if (
                last is not None
                and kind in (FACE, MISSING, UNSHAPED, INVISIBLE)
                and last.kind == kind
                and last.face is face
                and last.complex_script == complex_script
                and last.level == level
            ):
                result[-1] = Piece(last.text + cluster, kind, face, None, complex_script, level, style)
            else:
                emoji = source if kind == EMOJI else None
                result.append(Piece(cluster, kind, face, emoji, complex_script, level, style))  # type: ignore[arg-type]
        return result

    def shape_piece(self, piece: Piece, spacing_em: float = 0.0, scale: float = 1.0) -> VisualRun:
        """Shape one piece; letter spacing (in em) follows every simple cluster."""
        if piece.kind == FACE and piece.face is not None:
            face = piece.face
            run = shape(
                face,
                piece.text,
                rtl=piece.level % 2 == 1,
                complex_script=piece.complex_script,
                spacing=spacing_em * face.units_per_em,
            )
            return VisualRun(piece, run, run.advance / face.units_per_em, scale)
        if piece.kind == EMOJI:
            return VisualRun(piece, None, ADVANCE + spacing_em, scale)
        return VisualRun(piece, None, 0.0, scale)


def line_runs(
    line: str, start: int, text: StyledText, styles: Sequence[RunStyle], base_level: int, size: float, shrink: float
) -> list[VisualRun]:
    """A drawn line's runs, shaped, in display order (bidi-reordered across styles).

    :param start: Where the line starts in ``text`` (see :meth:`StyledText.slice_styles`).
    :param size: The text's size; each style's own size is ``size * style.scale``.
    :param shrink: The text's size over its designed size.
    """
    char_levels = levels(line, base_level)
    pieces: list[Piece] = []
    offset = 0
    for part, index in text.slice_styles(line, start):
        style = styles[index]
        pieces.extend(
            style.chain.pieces(part, char_levels=char_levels[offset : offset + len(part)], style=index)
        )
        offset += len(part)
    order = visual_order([p.level for p in pieces])
    runs = []
    for i in order:
        style = styles[pieces[i].style]
        own_size = size * style.scale
        spacing_em = style.spacing(size, shrink) / own_size if own_size else 0.0
        runs.append(style.chain.shape_piece(pieces[i], spacing_em, style.scale))
    return runs


def vertical_extent(text: StyledText, styles: Sequence[RunStyle]) -> tuple[float, float, list[FontFace]]:
    """Ascent and descent (in em of the text's size, both positive) of everything ``text`` draws, and its faces.

    Every style's primary face counts, whether or not it draws a character,
    as the line box of a browser counts the strut of each inline box.
    """
    ascent = descent = 0.0
    used: list[FontFace] = []
    present = {style for _, style in text.spans()} or {0}
    for index in sorted(present):
        style = styles[index]
        primary = style.chain.primary
        if primary not in used:
            used.append(primary)
        ascent = max(ascent, primary.ascender / primary.units_per_em * style.scale)
        descent = max(descent, -primary.descender / primary.units_per_em * style.scale)
    for part, index in text.spans():
        style = styles[index]
        for piece in style.chain.pieces(part):
            if piece.kind == EMOJI:
                ascent, descent = max(ascent, ASCENT * style.scale), max(descent, DESCENT * style.scale)
            elif piece.face is not None and piece.face not in used:
                used.append(piece.face)
                ascent = max(ascent, piece.face.ascender / piece.face.units_per_em * style.scale)
                descent = max(descent, -piece.face.descender / piece.face.units_per_em * style.scale)
    return ascent, descent, used


class Measurer:
    """Widths in pixels at one size, for :mod:`svgog.text.breaking`.

    A measurer is called with a stretch of the text being laid out and where
    it starts (``measure(text, start)``), so each character is measured in
    its own style. Widths are computed in em once per string and style and
    shared between sizes, so trying many sizes while shrinking costs little.
    The memo belongs to one text element's layout and is dropped with it.

    :param styles: The text's styles (or one chain, for a text of one style).
    :param text: The text being laid out, when it has several styles.
    """

    def __init__(
        self,
        styles: Sequence[RunStyle] | FontChain,
        text: StyledText | None = None,
        memo: dict[tuple[int, str], tuple[float, int]] | None = None,
    ) -> None:
        self.styles: tuple[RunStyle, ...] = (RunStyle(styles),) if isinstance(styles, FontChain) else tuple(styles)
        self.text = text if text is not None and not text.single else None
        self._single = text.styles[0] if text is not None and text.single else 0
        self._memo = memo if memo is not None else {}
        self.size = 0.0
        self.shrink = 1.0

    @property
    def chain(self) -> FontChain:
        """The first style's font chain."""
        return self.styles[0].chain

    def at(self, size: float, shrink: float = 1.0) -> Measurer:
        """A measurer sharing this one's memo, for another size.

        :param shrink: The size over the designed size (scales pixel letter spacing).
        """
        other = Measurer.__new__(Measurer)
        other.styles, other.text, other._single, other._memo = self.styles, self.text, self._single, self._memo
        other.size, other.shrink = size, shrink
        return other

    def em(self, text: str, style: int = 0) -> tuple[float, int]:
        """Width in em of the style's size, and how many clusters take letter spacing."""
        key = (style, text)
        found = self._memo.get(key)
        if found is None:
            chain = self.styles[style].chain
            width = 0.0
            spaced = 0
            for piece in chain.pieces(text):
                width += chain.shape_piece(piece).advance_em
                if piece.kind in (FACE, EMOJI) and not piece.complex_script:
                    spaced += len(clusters(piece.text))
            found = (width, spaced)
            self._memo[key] = found
        return found

    def _width(self, text: str, style: int) -> float:
        width, spaced = self.em(text, style)
        run_style = self.styles[style]
        return width * self.size * run_style.scale + spaced * run_style.spacing(self.size, self.shrink)

    def __call__(self, text: str, start: int = 0) -> float:
        if self.text is None:
            return self._width(text, self._single)
        return sum(self._width(part, style) for part, style in self.text.slice_styles(text, start))
