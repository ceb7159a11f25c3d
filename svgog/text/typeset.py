"""Fitting a text into its box: size, lines, alignment, and the fit report.

The policy, per text element:

1. Apply ``text-transform`` (each run its own).
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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import regex

from .bidi import base_level
from .breaking import fit, wrap
from .emoji import ADVANCE as EMOJI_ADVANCE
from .emoji import TOP as EMOJI_TOP
from .runs import (
    EMOJI,
    MISSING,
    FontChain,
    Measurer,
    VisualRun,
    line_runs,
    text_levels,
    vertical_extent,
)
from .styled import RunStyle, StyledText

__all__ = ["FitReport", "PlacedLine", "TextSpec", "Typeset", "transform_text", "typeset"]

_WORD_START = regex.compile(r"(?<![\p{L}\p{N}\p{M}'\u2019])(\p{L})")
_ALIGN_SHIFT = {"start": 0.0, "middle": 0.5, "end": 1.0}
_VALIGN_SHIFT = {"top": 0.0, "middle": 0.5, "bottom": 1.0}
SIZE_STEP = 0.5


@dataclass(frozen=True)
class TextSpec:
    """How one text element is set, as read from its attributes.

    :ivar x: Where lines are anchored (``anchor``) when the text has no box.
    :ivar y: The first line's alphabetic baseline as designed.
    :ivar size: The designed font size (runs may be larger or smaller: see
        :attr:`RunStyle.scale`).
    :ivar top: The box's top, when a rectangle or frame gives it; otherwise
        the top of the first line as designed.
    :ivar first_baseline: How far below the box's top the first baseline
        sits at the designed size, when the design says.
    :ivar line_boxes: Lay lines out as CSS and design tools do: each line is
        ``line_height`` tall with its glyphs centred in it, so a box holds
        ``height / line-height`` lines (boxes drawn in a design tool). Otherwise
        a block reaches from the first line's ascender to the last one's
        descender (``og:width`` boxes).
    """

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
    ellipsis: str = "\u2026"
    top: float | None = None
    first_baseline: float | None = None
    line_boxes: bool = False

    def box(self, ascent: float, descent: float) -> tuple[float, float, float, float] | None:
        """``(left, top, width, height)`` of the box, or ``None`` without a width.

        ``ascent`` and ``descent`` are the primary face's, in em. Unless
        :attr:`top` is given, the box's top is the top of the first line as
        designed; without a height it holds the designed number of lines of
        the primary face, from the first line's ascender to the last one's
        descender.
        """
        if self.width is None:
            return None
        left = self.x - self.width * _ALIGN_SHIFT[self.anchor]
        top = self.top if self.top is not None else self.y - ascent * self.size
        height = self.height
        if height is None:
            lines = self.max_lines or self.default_lines
            height = (ascent + descent + (lines - 1) * self.line_height) * self.size
        return left, top, self.width, height

    def block(self, lines: int, size: float, ascent: float, descent: float) -> float:
        """The height of ``lines`` lines at ``size`` (ascent and descent in em)."""
        if lines <= 0:
            return 0.0
        if self.line_boxes:
            return lines * self.line_height * size
        return (ascent + descent) * size + (lines - 1) * self.line_height * size

    def baseline_offset(self, size: float, ascent: float, descent: float) -> float:
        """How far below the top of a block its first baseline is."""
        if self.line_boxes:
            return (self.line_height - ascent - descent) * size / 2 + ascent * size
        return ascent * size

    def lead(self, size: float, ascent: float, descent: float) -> float:
        """Where the design puts the block below the box's top, at ``size`` (it scales with the text)."""
        if self.first_baseline is None:
            return 0.0
        designed = self.first_baseline - self.baseline_offset(self.size, ascent, descent)
        return designed * size / self.size

    def lines_that_fit(self, height: float, size: float, ascent: float, descent: float) -> int:
        """How many lines fit a box ``height`` tall at ``size``."""
        usable = height - self.lead(size, ascent, descent)
        step = self.line_height * size
        if self.line_boxes:
            # Design tools write coordinates rounded to a few decimals: a
            # box drawn n lines tall may come out a hair shorter than n lines.
            return int(usable / step + 0.01)
        return int((usable - (ascent + descent) * size) / step + 1e-9) + 1


@dataclass(frozen=True)
class FitReport:
    """What happened to one text element.

    :ivar field: The field that filled it, or ``None`` for static text.
    :ivar size: The font size it was drawn at (smaller than designed if shrunk).
    :ivar lines: The lines drawn.
    :ivar truncated: Whether an ellipsis cut the text short.
    :ivar fonts: Full names of the faces used, primary first.
    :ivar missing: Characters no font or emoji image has; not drawn.
    :ivar designed_size: The size in the template.
    :ivar substitutions: Fonts the template asks for that the renderer does
        not have or cannot honour, and what is drawn instead, one sentence each
        (``'font-family "SF Pro Rounded" is not registered: drawn with Inter'``).
    :ivar element: The ``id`` of the text element (``None`` when it has none).
    :ivar line: The line of the template file the text element is on, which
        names a text with no ``id`` (``None`` for a template read from bytes).
    :ivar ink: ``(left, top, right, bottom)`` of the drawn glyphs in the
        template's user units (``None`` when nothing is drawn, or when a
        rotation or skew above the text makes that box meaningless).
    """

    field: str | None
    size: float
    lines: tuple[str, ...]
    truncated: bool
    fonts: tuple[str, ...]
    missing: tuple[str, ...] = ()
    designed_size: float = 0.0
    substitutions: tuple[str, ...] = ()
    element: str | None = None
    ink: tuple[float, float, float, float] | None = None
    line: int | None = None

    @property
    def font(self) -> str:
        """The primary face's full name."""
        return self.fonts[0]

    @property
    def label(self) -> str:
        """How messages name the text: ``field 'title'``, ``text #tagline``, ``text on line 88``."""
        if self.field:
            return f"field {self.field!r}"
        if self.element:
            return f"text #{self.element}"
        return f"text on line {self.line}" if self.line is not None else "text"

    @property
    def shrunk(self) -> bool:
        """Whether the text was set smaller than designed to fit."""
        return self.size < self.designed_size


@dataclass(frozen=True)
class PlacedLine:
    """One line ready to draw: its runs left to right from ``x`` on ``baseline``.

    Each run's advance is :meth:`VisualRun.advance` at the typeset's size.
    """

    text: str
    x: float
    baseline: float
    width: float
    runs: tuple[VisualRun, ...]


@dataclass(frozen=True)
class Typeset:
    """A text element laid out: lines, size, its styles and the box it was fitted to."""

    lines: tuple[PlacedLine, ...]
    size: float
    styles: tuple[RunStyle, ...]
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


def typeset(
    text: str | StyledText,
    spec: TextSpec,
    styles: Sequence[RunStyle] | FontChain,
    *,
    field: str | None = None,
    substitutions: tuple[str, ...] = (),
    element: str | None = None,
) -> Typeset:
    """Fit ``text`` to ``spec``: a plain string in one chain's faces, or a styled text in its styles."""
    style_list = (RunStyle(styles),) if isinstance(styles, FontChain) else tuple(styles)
    styled = text if isinstance(text, StyledText) else StyledText(text)
    styled = styled.map_spans(lambda part, index: transform_text(part, style_list[index].transform)).normalized()
    plain = styled.text
    primary = style_list[styled.style_at(0)].chain.primary
    ascent, descent, used = vertical_extent(styled, style_list)
    box = spec.box(primary.ascender / primary.units_per_em, -primary.descender / primary.units_per_em)
    limit = spec.max_lines or (None if spec.height is not None else spec.default_lines)
    direction = base_level(plain)
    bidi = text_levels(plain, direction)
    measurer = Measurer(style_list, styled, levels=bidi)

    def usable(size: float) -> float | None:
        """The width lines may take at ``size``.

        A line is measured with the letter spacing after its last cluster; a
        negative spacing there would let the last glyph reach past the box,
        so an ``og:width`` box is narrowed by it. A box drawn in a design tool
        is filled as the tool fills it (its last glyph may overhang).
        """
        if box is None:
            return None
        if spec.line_boxes:
            return box[2]
        shrink = size / spec.size if spec.size else 1.0
        tightest = min(style.spacing(size, shrink) for style in style_list)
        return box[2] + min(tightest, 0.0)

    # Line boxes are sized by the primary face, as CSS sizes a fixed line-height.
    box_ascent, box_descent = (
        (primary.ascender / primary.units_per_em, -primary.descender / primary.units_per_em)
        if spec.line_boxes
        else (ascent, descent)
    )

    def allowed(size: float) -> int | None:
        if box is None:
            return limit
        by_height = spec.lines_that_fit(box[3], size, box_ascent, box_descent)
        return min(limit, by_height) if limit is not None else by_height

    def fits(size: float) -> bool:
        assert box is not None
        count = allowed(size)
        if count is None:
            return True
        if count < 1:
            return False
        measure = measurer.at(size, size / spec.size)
        return len(wrap(plain, usable(size), measure, limit=count + 1)) <= count

    size = spec.size
    if box is not None and spec.fit == "shrink" and not fits(size):
        size = _largest_fitting(spec.size, spec.min_size or spec.size, fits)
    count = allowed(size)
    fitted = fit(
        plain,
        usable(size),
        measurer.at(size, size / spec.size),
        max_lines=max(count, 1) if count is not None else None,
        ellipsis=spec.ellipsis,
        balance=spec.wrap == "balance",
    )
    report = FitReport(
        field=field,
        size=size,
        lines=fitted.lines,
        truncated=fitted.truncated,
        fonts=tuple(face.info.full_name for face in used),
        designed_size=spec.size,
        substitutions=substitutions,
        element=element,
    )
    return _place(styled, bidi, fitted.lines, fitted.starts, size, spec, style_list, box, box_ascent, box_descent, report)


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
    text: StyledText,
    bidi: list[int] | None,
    lines: tuple[str, ...],
    starts: tuple[int, ...],
    size: float,
    spec: TextSpec,
    styles: tuple[RunStyle, ...],
    box: tuple[float, float, float, float] | None,
    ascent: float,
    descent: float,
    report: FitReport,
) -> Typeset:
    direction = base_level(text.text)
    shrink = size / spec.size if spec.size else 1.0
    step = spec.line_height * size
    if box is not None:
        lead = spec.lead(size, ascent, descent)
        free = box[3] - lead - spec.block(len(lines), size, ascent, descent)
        baseline = box[1] + lead + free * _VALIGN_SHIFT[spec.valign] + spec.baseline_offset(size, ascent, descent)
    else:
        baseline = spec.y
    placed: list[PlacedLine] = []
    nudge = False
    missing: set[str] = set()
    inks: list[tuple[float, float, float, float] | None] = []
    for index, (line, start) in enumerate(zip(lines, starts)):
        runs = line_runs(line, start, text, styles, direction, size, shrink, bidi)
        for run in runs:
            if run.piece.kind == MISSING:
                missing.update(c for c in run.piece.text if not c.isspace())
        # Letter spacing follows every cluster, the last one too, as browsers
        # and design tools count it when they centre or right-align a line.
        width = sum(r.advance(size) for r in runs)
        ink = _ink(runs, size)
        x = _line_x(width, spec, box, direction)
        # svgog's own boxes keep ink inside; a box drawn in a design tool is
        # placed as the tool placed it, overhangs and all.
        nudge = box is not None and not spec.line_boxes
        if nudge and box is not None and ink is not None:
            x += _nudge(x + ink[0], x + ink[1], box[0], box[0] + box[2])
        placed.append(PlacedLine(line, x, baseline + index * step, width, tuple(runs)))
        inks.append(ink)
    if nudge and box is not None:
        tops = [line.baseline + i[2] for line, i in zip(placed, inks) if i is not None]
        bottoms = [line.baseline + i[3] for line, i in zip(placed, inks) if i is not None]
        if tops:
            shift = _nudge(min(tops), max(bottoms), box[1], box[1] + box[3])
            if shift:
                placed = [replace(line, baseline=line.baseline + shift) for line in placed]
    extents = [
        (line.x + ink[0], line.baseline + ink[2], line.x + ink[1], line.baseline + ink[3])
        for line, ink in zip(placed, inks)
        if ink is not None
    ]
    whole = (
        (min(e[0] for e in extents), min(e[1] for e in extents), max(e[2] for e in extents), max(e[3] for e in extents))
        if extents
        else None
    )
    report = replace(report, missing=tuple(sorted(missing)), ink=whole)
    return Typeset(tuple(placed), size, styles, box, report)


def _ink(runs: tuple[VisualRun, ...] | list[VisualRun], size: float) -> tuple[float, float, float, float] | None:
    """A line's ink extent ``(left, right, top, bottom)`` from its origin, y down."""
    left = top = float("inf")
    right = bottom = float("-inf")
    x = 0.0
    for run in runs:
        if run.glyphs is not None:
            face = run.glyphs.face
            scale = size * run.scale / face.units_per_em
            for glyph, (gx, gy) in zip(run.glyphs.glyphs, run.glyphs.positions):
                bounds = face.glyph_bounds(glyph)
                if bounds is None:
                    continue
                left = min(left, x + (gx + bounds[0]) * scale)
                right = max(right, x + (gx + bounds[2]) * scale)
                top = min(top, -(gy + bounds[3]) * scale)
                bottom = max(bottom, -(gy + bounds[1]) * scale)
        elif run.piece.kind == EMOJI:
            own = size * run.scale
            start = x + (EMOJI_ADVANCE - 1.0) / 2 * own
            left, right = min(left, start), max(right, start + own)
            top, bottom = min(top, -EMOJI_TOP * own), max(bottom, (1.0 - EMOJI_TOP) * own)
        x += run.advance(size)
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
