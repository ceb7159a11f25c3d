"""Fitting a text into its box: size, lines, alignment, and the fit report.

The policy, per text element:

1. Apply ``text-transform``.
2. If the text does not fit the box at the designed size and the fit policy
   is ``shrink``, find the largest size (in half-pixel steps, down to the
   minimum size) at which it fits: every line within the width, no more lines
   than allowed, and the block within the height.
3. Only if it does not fit even at the minimum size, keep as many lines as
   allowed and end the last one with the ellipsis.
4. Optionally balance the lines, then place the block (vertical alignment)
   and each line (horizontal alignment, bidi reordering).

How many lines are allowed: ``og:max-lines`` if given; otherwise, with an
``og:height``, as many as fit the height at the chosen size; otherwise as many
as the template's own text has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import regex

from ..fonts import FontFace
from .bidi import base_level
from .breaking import fit, wrap
from .emoji import ADVANCE as EMOJI_ADVANCE
from .emoji import TOP as EMOJI_TOP
from .runs import EMOJI, MISSING, UNSHAPED, FontChain, Measurer, VisualRun

__all__ = ["FitReport", "PlacedLine", "TextSpec", "Typeset", "transform_text", "typeset"]

_WORD_START = regex.compile(r"(?<![\p{L}\p{N}\p{M}'\u2019])(\p{L})")
_ALIGN_SHIFT = {"start": 0.0, "middle": 0.5, "end": 1.0}
_VALIGN_SHIFT = {"top": 0.0, "middle": 0.5, "bottom": 1.0}
SIZE_STEP = 0.5


@dataclass(frozen=True)
class TextSpec:
    """How one text element is set, as read from its attributes."""

    x: float
    y: float
    size: float
    anchor: str = "start"
    align: str = "start"
    valign: str = "top"
    width: float | None = None
    height: float | None = None
    max_lines: int | None = None
    default_lines: int = 1
    line_height: float = 1.2
    min_size: float | None = None
    fit: str = "shrink"
    wrap: str = "greedy"
    letter_spacing_px: float = 0.0
    letter_spacing_em: float = 0.0
    transform: str = "none"
    ellipsis: str = "\u2026"

    def box(self, ascent: float, descent: float) -> tuple[float, float, float, float] | None:
        """``(left, top, width, height)`` of the box, or ``None`` without ``og:width``.

        ``ascent`` and ``descent`` are the primary face's, in em. The box's top
        is the top of the first line as designed; without ``og:height`` it
        holds the designed number of lines of the primary face, from the first
        line's ascender to the last one's descender.
        """
        if self.width is None:
            return None
        left = self.x - self.width * _ALIGN_SHIFT[self.anchor]
        top = self.y - ascent * self.size
        height = self.height
        if height is None:
            lines = self.max_lines or self.default_lines
            height = (ascent + descent + (lines - 1) * self.line_height) * self.size
        return left, top, self.width, height

    def spacing(self, size: float) -> float:
        """Letter spacing in pixels at a size."""
        return self.letter_spacing_px + self.letter_spacing_em * size


@dataclass(frozen=True)
class FitReport:
    """What happened to one text element.

    :ivar field: The field that filled it, or ``None`` for static text.
    :ivar size: The font size it was drawn at (smaller than designed if shrunk).
    :ivar lines: The lines drawn.
    :ivar truncated: Whether an ellipsis cut the text short.
    :ivar fonts: Full names of the faces used, primary first.
    :ivar missing: Characters no font or emoji image has; not drawn.
    :ivar unshaped: Characters of scripts that need ``svgog[shaping]``; not drawn.
    :ivar designed_size: The size in the template.
    """

    field: str | None
    size: float
    lines: tuple[str, ...]
    truncated: bool
    fonts: tuple[str, ...]
    missing: tuple[str, ...] = ()
    unshaped: tuple[str, ...] = ()
    designed_size: float = 0.0

    @property
    def font(self) -> str:
        """The primary face's full name."""
        return self.fonts[0]

    @property
    def shrunk(self) -> bool:
        """Whether the text was set smaller than designed to fit."""
        return self.size < self.designed_size


@dataclass(frozen=True)
class PlacedLine:
    """One line ready to draw: its runs left to right from ``x`` on ``baseline``."""

    text: str
    x: float
    baseline: float
    width: float
    runs: tuple[VisualRun, ...]


@dataclass(frozen=True)
class Typeset:
    """A text element laid out: lines, size and the box it was fitted to."""

    lines: tuple[PlacedLine, ...]
    size: float
    spacing_em: float
    box: tuple[float, float, float, float] | None
    report: FitReport


def transform_text(text: str, transform: str) -> str:
    """Apply a CSS ``text-transform``.

    >>> transform_text("hello wORLD it's", "capitalize")
    "Hello WORLD It's"
    """
    if transform == "uppercase":
        return text.upper()
    if transform == "lowercase":
        return text.lower()
    if transform == "capitalize":
        return _WORD_START.sub(lambda m: m.group(1).upper(), text)
    return text


def typeset(text: str, spec: TextSpec, chain: FontChain, *, field: str | None = None) -> Typeset:
    """Fit ``text`` to ``spec`` with the faces of ``chain``."""
    text = transform_text(text, spec.transform)
    primary = chain.primary
    ascent, descent, used = chain.vertical_extent(text)
    box = spec.box(primary.ascender / primary.units_per_em, -primary.descender / primary.units_per_em)
    limit = spec.max_lines or (None if spec.height is not None else spec.default_lines)
    measurer = Measurer(chain)

    def allowed(size: float) -> int | None:
        if box is None:
            return limit
        by_height = int((box[3] - (ascent + descent) * size) / (spec.line_height * size) + 1e-9) + 1
        return min(limit, by_height) if limit is not None else by_height

    def fits(size: float) -> bool:
        assert box is not None
        count = allowed(size)
        if count is None:
            return True
        if count < 1:
            return False
        measure = measurer.at(size, spec.spacing(size))
        return len(wrap(text, box[2], measure, limit=count + 1)) <= count

    size = spec.size
    if box is not None and spec.fit == "shrink" and not fits(size):
        size = _largest_fitting(spec.size, spec.min_size or spec.size, fits)
    count = allowed(size)
    measure = measurer.at(size, spec.spacing(size))
    fitted = fit(
        text,
        box[2] if box else None,
        measure,
        max_lines=max(count, 1) if count is not None else None,
        ellipsis=spec.ellipsis,
        balance=spec.wrap == "balance",
    )
    return _place(text, fitted.lines, fitted.truncated, size, spec, chain, box, ascent, descent, used, field)


def _largest_fitting(size: float, minimum: float, fits: Callable[[float], bool]) -> float:
    """The largest size in half-pixel steps below ``size`` that fits, else ``minimum``."""
    steps = int((size - minimum) / SIZE_STEP + 1e-9)
    candidates = [size - SIZE_STEP * k for k in range(1, steps + 1)]
    if not candidates or candidates[-1] > minimum:
        candidates.append(minimum)
    if not fits(candidates[-1]):
        return minimum
    low, high = 0, len(candidates) - 1  # candidates[high] fits
    while low < high:
        middle = (low + high) // 2
        if fits(candidates[middle]):
            high = middle
        else:
            low = middle + 1
    return candidates[high]


def _place(
    text: str,
    lines: tuple[str, ...],
    truncated: bool,
    size: float,
    spec: TextSpec,
    chain: FontChain,
    box: tuple[float, float, float, float] | None,
    ascent: float,
    descent: float,
    used: list[FontFace],
    field: str | None,
) -> Typeset:
    direction = base_level(text)
    spacing_em = spec.spacing(size) / size if size else 0.0
    step = spec.line_height * size
    if box is not None:
        block = (ascent + descent) * size + (len(lines) - 1) * step if lines else 0.0
        baseline = box[1] + (box[3] - block) * _VALIGN_SHIFT[spec.valign] + ascent * size
    else:
        baseline = spec.y
    placed: list[PlacedLine] = []
    missing: set[str] = set()
    unshaped: set[str] = set()
    inks: list[tuple[float, float, float, float] | None] = []
    for index, line in enumerate(lines):
        runs = chain.visual_runs(line, direction, spacing_em)
        for run in runs:
            if run.piece.kind == MISSING:
                missing.update(c for c in run.piece.text if not c.isspace())
            elif run.piece.kind == UNSHAPED:
                unshaped.update(c for c in run.piece.text if not c.isspace())
        # Letter spacing after the last cluster is not part of the line's extent.
        width = sum(r.advance_em for r in runs) * size
        if runs and spacing_em and runs[-1].piece.kind in ("face", EMOJI) and not runs[-1].piece.complex_script:
            width -= spacing_em * size
        ink = _ink(runs, size)
        x = _line_x(width, spec, box, direction)
        if box is not None and ink is not None:
            x += _nudge(x + ink[0], x + ink[1], box[0], box[0] + box[2])
        placed.append(PlacedLine(line, x, baseline + index * step, width, tuple(runs)))
        inks.append(ink)
    if box is not None:
        tops = [line.baseline + ink[2] for line, ink in zip(placed, inks) if ink is not None]
        bottoms = [line.baseline + ink[3] for line, ink in zip(placed, inks) if ink is not None]
        if tops:
            shift = _nudge(min(tops), max(bottoms), box[1], box[1] + box[3])
            if shift:
                placed = [replace(line, baseline=line.baseline + shift) for line in placed]
    report = FitReport(
        field=field,
        size=size,
        lines=lines,
        truncated=truncated,
        fonts=tuple(face.info.full_name for face in used),
        missing=tuple(sorted(missing)),
        unshaped=tuple(sorted(unshaped)),
        designed_size=spec.size,
    )
    return Typeset(tuple(placed), size, spacing_em, box, report)


def _ink(runs: tuple[VisualRun, ...] | list[VisualRun], size: float) -> tuple[float, float, float, float] | None:
    """A line's ink extent ``(left, right, top, bottom)`` from its origin, y down."""
    left = top = float("inf")
    right = bottom = float("-inf")
    x = 0.0
    for run in runs:
        if run.glyphs is not None:
            face = run.glyphs.face
            scale = size / face.units_per_em
            for glyph, (gx, gy) in zip(run.glyphs.glyphs, run.glyphs.positions):
                bounds = face.outline(glyph).bounds
                if bounds is None:
                    continue
                left = min(left, x + (gx + bounds[0]) * scale)
                right = max(right, x + (gx + bounds[2]) * scale)
                top = min(top, -(gy + bounds[3]) * scale)
                bottom = max(bottom, -(gy + bounds[1]) * scale)
        elif run.piece.kind == EMOJI:
            start = x + (EMOJI_ADVANCE - 1.0) / 2 * size
            left, right = min(left, start), max(right, start + size)
            top, bottom = min(top, -EMOJI_TOP * size), max(bottom, (1.0 - EMOJI_TOP) * size)
        x += run.advance_em * size
    return (left, right, top, bottom) if left != float("inf") else None


def _nudge(low: float, high: float, box_low: float, box_high: float) -> float:
    """How far to move an extent so it lies inside a range (centred if it cannot)."""
    if high - low > box_high - box_low:
        return (box_low + box_high) / 2 - (low + high) / 2
    if low < box_low:
        return box_low - low
    if high > box_high:
        return box_high - high
    return 0.0


def _line_x(width: float, spec: TextSpec, box: tuple[float, float, float, float] | None, direction: int) -> float:
    if box is None:
        return spec.x - width * _ALIGN_SHIFT[spec.anchor]
    left, _, box_width, _ = box
    align = spec.align
    if align in ("start", "end") and direction % 2:
        align = "end" if align == "start" else "start"  # right-to-left paragraphs start at the right
    shift = {"left": 0.0, "right": 1.0}.get(align, _ALIGN_SHIFT.get(align, 0.0))
    return left + (box_width - width) * shift
