"""Font fallback per grapheme cluster, measurement, and a line's visual runs.

A :class:`FontChain` is the ordered list of faces a text element may use
(its own family first, then configured and bundled fallbacks) plus the emoji
set. Every grapheme cluster goes to the first face that has all of its
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

__all__ = ["FontChain", "Measurer", "Piece", "VisualRun"]

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


@dataclass(frozen=True)
class VisualRun:
    """A piece as drawn: its glyphs (or emoji image) and its advance in em."""

    piece: Piece
    glyphs: GlyphRun | None
    advance_em: float


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

    def pieces(self, text: str, base_level: int | None = None) -> list[Piece]:
        """Split text into pieces of one source (and one bidi level, if given)."""
        char_levels = levels(text, base_level) if base_level is not None else None
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
                result[-1] = Piece(last.text + cluster, kind, face, None, complex_script, level)
            else:
                emoji = source if kind == EMOJI else None
                result.append(Piece(cluster, kind, face, emoji, complex_script, level))  # type: ignore[arg-type]
        return result

    def shape_piece(self, piece: Piece, spacing_em: float = 0.0) -> VisualRun:
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
            return VisualRun(piece, run, run.advance / face.units_per_em)
        if piece.kind == EMOJI:
            return VisualRun(piece, None, ADVANCE + spacing_em)
        return VisualRun(piece, None, 0.0)

    def visual_runs(self, line: str, base_level: int, spacing_em: float = 0.0) -> list[VisualRun]:
        """A line's pieces, shaped, in display order (bidi-reordered)."""
        pieces = self.pieces(line, base_level)
        order = visual_order([p.level for p in pieces])
        return [self.shape_piece(pieces[i], spacing_em) for i in order]

    def vertical_extent(self, text: str) -> tuple[float, float, list[FontFace]]:
        """Ascent and descent (em, both positive) of everything ``text`` draws, and its faces."""
        ascent = self.primary.ascender / self.primary.units_per_em
        descent = -self.primary.descender / self.primary.units_per_em
        used: list[FontFace] = [self.primary]
        for piece in self.pieces(text):
            if piece.kind == EMOJI:
                ascent, descent = max(ascent, ASCENT), max(descent, DESCENT)
            elif piece.face is not None and piece.face not in used:
                used.append(piece.face)
                ascent = max(ascent, piece.face.ascender / piece.face.units_per_em)
                descent = max(descent, -piece.face.descender / piece.face.units_per_em)
        return ascent, descent, used


class Measurer:
    """Widths in pixels at one size, for :mod:`svgog.text.breaking`.

    Widths are computed in em once per string and shared between sizes, so
    trying many sizes while shrinking costs little. The memo belongs to one
    text element's layout and is dropped with it.
    """

    def __init__(self, chain: FontChain, memo: dict[str, tuple[float, int]] | None = None) -> None:
        self.chain = chain
        self._memo = memo if memo is not None else {}
        self.size = 0.0
        self.spacing = 0.0

    def at(self, size: float, spacing: float = 0.0) -> Measurer:
        """A measurer sharing this one's memo, for another size (and letter spacing in px)."""
        other = Measurer(self.chain, self._memo)
        other.size, other.spacing = size, spacing
        return other

    def em(self, text: str) -> tuple[float, int]:
        """Width in em, and how many clusters take letter spacing."""
        found = self._memo.get(text)
        if found is None:
            width = 0.0
            spaced = 0
            for piece in self.chain.pieces(text):
                width += self.chain.shape_piece(piece).advance_em
                if piece.kind in (FACE, EMOJI) and not piece.complex_script:
                    spaced += len(clusters(piece.text))
            found = (width, spaced)
            self._memo[text] = found
        return found

    def __call__(self, text: str) -> float:
        width, spaced = self.em(text)
        return width * self.size + spaced * self.spacing
