"""Font fallback per grapheme cluster, measurement, and a line's visual runs.

A :class:`FontChain` is the ordered list of faces a run of text may use
(its own family first, then configured and bundled fallbacks) plus the emoji
set; a text whose runs have different styles has one chain per style (see
:mod:`svgog.text.styled`). Every grapheme cluster goes to the first face that has all of its
characters; emoji clusters go to the emoji set first. A cluster nobody can
draw is *missing*: it takes no space, is never drawn as a box, and is
reported. Every run is shaped by HarfBuzz (see :mod:`svgog.text.shaping`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..fonts import FontFace
from .bidi import levels, visual_order
from .emoji import ADVANCE, ASCENT, DESCENT, EmojiSet
from .segment import clusters, is_emoji
from .shaping import GlyphRun, is_cursive, is_ignorable, shape
from .styled import RunStyle, StyledText

__all__ = ["FontChain", "Measurer", "Piece", "VisualRun", "line_levels", "line_runs", "text_levels", "vertical_extent"]

# Kinds of source a cluster can have.
FACE, EMOJI, MISSING, INVISIBLE = "face", "emoji", "missing", "invisible"


@dataclass(frozen=True)
class Piece:
    """Consecutive clusters drawn from one source at one bidi level."""

    text: str
    kind: str
    face: FontFace | None = None
    emoji: str | None = None
    cursive: bool = False
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


#: Texts whose pieces a font chain remembers (then it starts again).
_PIECES_KEPT = 1024


class FontChain:
    """The faces (and emoji set) one text element draws with, in fallback order.

    :param faces: Faces in order of preference; the first is the primary face.
    :param emoji: The emoji image set, if any.
    :param fallback: Asked for a face when none of ``faces`` has a cluster's
        characters: the renderer's other fonts and the system's (see
        :meth:`svgog.fonts.FontRegistry.fallback_face`).
    """

    def __init__(
        self,
        faces: Sequence[FontFace],
        emoji: EmojiSet | None,
        fallback: Callable[[str], FontFace | None] | None = None,
    ) -> None:
        unique: list[FontFace] = []
        for face in faces:
            if face not in unique:
                unique.append(face)
        self.faces = tuple(unique)
        self.primary = self.faces[0]
        self.emoji = emoji
        self.fallback = fallback
        self._sources: dict[str, tuple[str, FontFace | str | None, bool]] = {}
        # Fitting a text asks for the pieces of the same words many times.
        self._pieces: dict[tuple[str, int | None, tuple[int, ...] | None, int], tuple[Piece, ...]] = {}

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
        cursive = is_cursive(visible[0])
        for face in self.faces:
            if all(face.has_char(c) for c in visible):
                return (FACE, face, cursive)
        if emoji_name is not None:
            return (EMOJI, emoji_name, False)
        found = self.fallback("".join(visible)) if self.fallback is not None else None
        if found is not None:
            return (FACE, found, cursive)
        return (MISSING, None, False)

    def pieces(
        self, text: str, base_level: int | None = None, *, char_levels: Sequence[int] | None = None, style: int = 0
    ) -> list[Piece]:
        """Split text into pieces of one source (and one bidi level, if given).

        :param char_levels: The bidi level of each character, when the text
            is part of a longer line (otherwise computed from ``base_level``).
        :param style: The style index the pieces carry.
        """
        key = (text, base_level, tuple(char_levels) if char_levels is not None else None, style)
        known = self._pieces.get(key)
        if known is not None:
            return list(known)
        if char_levels is None and base_level is not None:
            char_levels = levels(text, base_level)
        result: list[Piece] = []
        # The piece being built: its clusters, and what the next cluster must share to join it.
        parts: list[str] = []
        kind = face = emoji = None
        cursive, level = False, 0

        def close() -> None:
            if parts:
                result.append(Piece("".join(parts), kind, face, emoji, cursive, level, style))  # type: ignore[arg-type]

        start = 0
        for cluster in clusters(text):
            found, source, found_cursive = self.source(cluster)
            found_level = char_levels[start] if char_levels is not None else 0
            start += len(cluster)
            found_face = source if found == FACE else None
            if parts and found == INVISIBLE and kind == FACE and level == found_level and cluster != "\n":
                # Format characters (soft hyphen, zero-width space, word joiner)
                # stay in the run around them: HarfBuzz hides them, and letters
                # keep joining and kerning across them, as in browsers.
                parts.append(cluster)
                continue
            if (
                parts
                and found in (FACE, MISSING, INVISIBLE)
                and kind == found
                and face is found_face
                and cursive == found_cursive
                and level == found_level
            ):
                parts.append(cluster)
                continue
            close()
            parts = [cluster]
            kind, face, cursive, level = found, found_face, found_cursive, found_level
            emoji = source if found == EMOJI else None
        close()
        if len(self._pieces) >= _PIECES_KEPT:
            self._pieces.clear()
        self._pieces[key] = tuple(result)
        return result

    def shape_piece(self, piece: Piece, spacing_em: float = 0.0, scale: float = 1.0) -> VisualRun:
        """Shape one piece; letter spacing (in em) follows every simple cluster."""
        if piece.kind == FACE and piece.face is not None:
            face = piece.face
            run = shape(
                face,
                piece.text,
                rtl=piece.level % 2 == 1,
                cursive=piece.cursive,
                spacing=spacing_em * face.units_per_em,
            )
            return VisualRun(piece, run, run.advance / face.units_per_em, scale)
        if piece.kind == EMOJI:
            return VisualRun(piece, None, ADVANCE + spacing_em, scale)
        return VisualRun(piece, None, 0.0, scale)


_RTL_CLASSES = frozenset({"R", "AL", "AN"})


def text_levels(text: str, base_level: int) -> list[int] | None:
    """The bidi level of every character of a text, paragraph by paragraph; ``None`` if all are left-to-right.

    Measuring and drawing both read these, so a word is shaped the same way
    (joining forms, direction) when it is measured and when it is drawn.
    """
    if base_level == 0 and not any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text):
        return None
    result: list[int] = []
    for number, paragraph in enumerate(text.split("\n")):
        if number:
            result.append(base_level)
        result.extend(levels(paragraph, base_level))
    return result


def line_levels(line: str, start: int, text_levels: Sequence[int] | None, base_level: int) -> list[int]:
    """The levels of a drawn line: the text's, with what the line adds (a hyphen, an ellipsis) at
    the level before it, and trailing white space at the paragraph's level (UAX #9, L1)."""
    if text_levels is None:
        return [base_level] * len(line)
    result = list(text_levels[start : start + len(line)])
    fill = result[-1] if result else base_level
    result.extend([fill] * (len(line) - len(result)))
    index = len(line) - 1
    while index >= 0 and (line[index].isspace() or unicodedata.bidirectional(line[index]) in ("WS", "S", "B")):
        result[index] = base_level
        index -= 1
    return result


def line_runs(
    line: str,
    start: int,
    text: StyledText,
    styles: Sequence[RunStyle],
    base_level: int,
    size: float,
    shrink: float,
    text_levels: Sequence[int] | None = None,
) -> list[VisualRun]:
    """A drawn line's runs, shaped, in display order (bidi-reordered across styles).

    :param start: Where the line starts in ``text`` (see :meth:`StyledText.slice_styles`).
    :param size: The text's size; each style's own size is ``size * style.scale``.
    :param shrink: The text's size over its designed size.
    :param text_levels: The whole text's bidi levels (:func:`text_levels`).
    """
    char_levels = line_levels(line, start, text_levels, base_level)
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

    Right-to-left text is measured with the bidi levels it is drawn with
    (``levels``: :func:`text_levels` of the whole text), so Arabic words are
    shaped in their joining forms when measured, not only when drawn.

    :param styles: The text's styles (or one chain, for a text of one style).
    :param text: The text being laid out, when it has several styles or right-to-left parts.
    :param levels: The bidi level of each character of ``text``, when any is right-to-left.
    """

    def __init__(
        self,
        styles: Sequence[RunStyle] | FontChain,
        text: StyledText | None = None,
        memo: dict[tuple[int, str, bytes], tuple[float, int]] | None = None,
        *,
        levels: Sequence[int] | None = None,
    ) -> None:
        self.styles: tuple[RunStyle, ...] = (RunStyle(styles),) if isinstance(styles, FontChain) else tuple(styles)
        self.text = text if text is not None and not text.single else None
        self._single = text.styles[0] if text is not None and text.single else 0
        self.levels = bytes(levels) if levels is not None else None
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
        other.styles, other.text, other._single = self.styles, self.text, self._single
        other.levels, other._memo = self.levels, self._memo
        other.size, other.shrink = size, shrink
        return other

    def em(self, text: str, style: int = 0, char_levels: bytes = b"") -> tuple[float, int]:
        """Width in em of the style's size, and how many clusters take letter spacing.

        :param char_levels: The bidi level of each character (none: all left-to-right).
        """
        key = (style, text, char_levels)
        found = self._memo.get(key)
        if found is None:
            chain = self.styles[style].chain
            width = 0.0
            spaced = 0
            for piece in chain.pieces(text, char_levels=list(char_levels) if char_levels else None):
                run = chain.shape_piece(piece)
                width += run.advance_em
                # Letter spacing follows each cluster as drawing adds it (HarfBuzz's clusters).
                if run.glyphs is not None:
                    spaced += run.glyphs.clusters if not piece.cursive else 0
                elif piece.kind == EMOJI:
                    spaced += 1
            found = (width, spaced)
            self._memo[key] = found
        return found

    def _width(self, text: str, style: int, start: int) -> float:
        char_levels = b""
        if self.levels is not None:
            char_levels = self.levels[start : start + len(text)]
            if len(char_levels) < len(text):  # what a line adds (an ellipsis) takes the level before it
                char_levels += bytes(char_levels[-1:] or b"\0") * (len(text) - len(char_levels))
            if not any(level % 2 for level in char_levels):
                char_levels = b""  # left-to-right: the same as no levels, and memoized alike
        width, spaced = self.em(text, style, char_levels)
        run_style = self.styles[style]
        return width * self.size * run_style.scale + spaced * run_style.spacing(self.size, self.shrink)

    def __call__(self, text: str, start: int = 0) -> float:
        if self.text is None:
            return self._width(text, self._single, start)
        width = 0.0
        position = start
        for part, style in self.text.slice_styles(text, start):
            width += self._width(part, style, position)
            position += len(part)
        return width
