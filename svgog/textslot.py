"""Text elements: reading how each is set, and the group that replaces it.

A ``<text>`` is read once per set of styles (see :class:`svgog.css.Cascade`)
into a :class:`TextSlot`: its runs and their styles, its designed lines, and
the box its text must fit. The box comes from, in order:

1. ``og:width`` (and ``og:height``) on the element;
2. an Inkscape text frame: ``shape-inside: url(#rect)`` (the rectangle, less
   ``shape-padding``) or ``inline-size`` (a width around ``x`` by ``text-anchor``);
3. a rectangle named ``<field>-box``: a box drawn in the design tool. A text
   whose designed lines sit centred or right-aligned in it (how Figma, which
   never writes ``text-anchor``, exports alignment) keeps that alignment.

``dominant-baseline`` moves the designed ``y`` to the alphabetic baseline,
as browsers place it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from .css import parse_declarations
from .styles import XML_NS, element_error, length, og
from .text.runs import FontChain, Measurer
from .text.styled import RunStyle, StyledText
from .text.typeset import TextSpec
from .textcontent import DesignedLine, read_lines
from .textstyle import StyleReader
from .xmlsafe import OG_NS, SVG_NS

__all__ = ["TEXT", "TEXT_ATTRIBUTES", "TextSlot", "read_text_slot", "replacement_group"]

TEXT = f"{{{SVG_NS}}}text"
RECT = f"{{{SVG_NS}}}rect"
#: Attributes in the svgog namespace that a ``<text>`` element may carry.
TEXT_ATTRIBUTES = frozenset(
    {"width", "height", "max-lines", "line-height", "ellipsis", "min-size", "fit", "wrap", "align", "valign"}
)
_CHOICES = {
    "fit": ("shrink", "none"),
    "wrap": ("greedy", "balance"),
    "align": ("start", "middle", "end", "left", "right", "center"),
    "valign": ("top", "middle", "bottom"),
}
#: Without ``og:min-size``, shrinking stops at this fraction of the designed size.
DEFAULT_MIN_SIZE_RATIO = 0.6
#: How far (in user units, and as a share of the box width) a designed line's
#: gaps to the box's sides may differ and still count as centred or flush.
_ALIGN_TOLERANCE = 2.0
_ALIGN_TOLERANCE_SHARE = 0.02

# Properties consumed by text layout; they are not copied to the <g> that
# replaces a <text>, everything else (fill, opacity, transform, class…) is.
_TEXT_PROPERTIES = frozenset(
    {
        "x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust", "font", "font-family", "font-size",
        "font-weight", "font-style", "font-variant", "font-stretch", "text-anchor", "letter-spacing",
        "word-spacing", "dominant-baseline", "alignment-baseline", "baseline-shift", "line-height",
        "text-align", "writing-mode", "white-space", "-inkscape-font-specification", "font-variant-ligatures",
        "font-variant-caps", "font-variant-numeric", "font-variant-east-asian", "font-feature-settings",
        "font-variation-settings", "font-kerning", "text-decoration", "text-decoration-line",
        "text-decoration-color", "text-decoration-style", "text-transform", "direction", "unicode-bidi",
        "inline-size", "shape-inside", "shape-padding", "shape-subtract", "shape-margin", "stroke-width",
        "text-rendering",
    }
)  # fmt: skip
_ANCHOR_SHIFT = {"start": 0.0, "middle": 0.5, "end": 1.0}
_TEXT_ALIGN = {"start": "start", "left": "start", "justify": "start", "center": "middle", "end": "end", "right": "end"}
_URL = re.compile(r"url\(\s*['\"]?#([^'\")]+)['\"]?\s*\)")
_MATRIX = re.compile(r"\s*matrix\s*\(([^)]*)\)\s*")
_TRANSLATE = re.compile(r"\s*translate\s*\(([^)]*)\)\s*")

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class TextSlot:
    """A ``<text>`` element as found at load time: its runs, and where and how to set text.

    :ivar field: The field whose value replaces the whole text, if the text is a field.
    :ivar parts: The template's own text: ``(text, style index, field)`` parts,
        where ``field`` names the field of a tspan that is a field of its own.
    :ivar value_style: The style a value of :attr:`field` takes (the first run's).
    :ivar substitutions: Fonts asked for and not available, one sentence each.
    """

    field: str | None
    element_id: str | None
    line: int | None
    index: int
    spec: TextSpec
    styles: tuple[RunStyle, ...]
    parts: tuple[tuple[str, int, str | None], ...]
    value_style: int
    default: str
    substitutions: tuple[str, ...] = ()

    @property
    def chain(self) -> FontChain:
        """The font chain a value is drawn with."""
        return self.styles[self.value_style].chain

    @property
    def run_fields(self) -> tuple[str, ...]:
        """Fields of tspans that are fields of their own, in order."""
        seen: dict[str, None] = {}
        for _, _, name in self.parts:
            if name is not None:
                seen.setdefault(name, None)
        return tuple(seen)

    def run_default(self, name: str) -> str:
        """The template's own text of a tspan field."""
        return "".join(text for text, _, owner in self.parts if owner == name).strip()

    def styled(self, values: Mapping[str, str], whole: str | None = None) -> StyledText:
        """The text to draw: ``whole`` (a value for the whole text) in the value style, else
        the template's own runs with tspan fields replaced by their values."""
        if whole is not None:
            return StyledText.join([(whole, self.value_style)])
        spans: list[tuple[str, int]] = []
        replaced: set[str] = set()
        for text, style, owner in self.parts:
            if owner is not None and owner in values:
                if owner not in replaced:
                    spans.append((values[owner], style))
                    replaced.add(owner)
                continue
            spans.append((text, style))
        return StyledText.join(spans)

    def bounds(self) -> tuple[float, float, float, float] | None:
        """The box text may occupy: ``(left, top, right, bottom)`` in user units.

        ``None`` when the slot has no box (its lines are not wrapped).
        """
        face = self.chain.primary
        box = self.spec.box(face.ascender / face.units_per_em, -face.descender / face.units_per_em)
        if box is None:
            return None
        left, top, width, height = box
        return left, top, left + width, top + height


def _choice(element: etree._Element, name: str, default: str, label: str) -> str:
    value = (og(element, name) or default).strip()
    if value not in _CHOICES[name]:
        raise element_error(f"og:{name} {value!r} is not one of {', '.join(_CHOICES[name])}", label, element)
    return value


def _positive(element: etree._Element, name: str, label: str, reader: StyleReader, axis: str) -> float | None:
    text = og(element, name)
    if text is None:
        return None
    value = reader.length(element, f"og:{name}", text, axis)
    if value <= 0:
        raise element_error(f"og:{name} must be positive", label, element)
    return value


def axis_aligned(transform: str | None) -> tuple[float, float, float, float] | None:
    """``(sx, sy, tx, ty)`` of a transform that only scales and moves, ``None`` for any other.

    >>> axis_aligned("matrix(1 0 0 1 80 200)"), axis_aligned("translate(10)"), axis_aligned("rotate(5)")
    ((1.0, 1.0, 80.0, 200.0), (1.0, 1.0, 10.0, 0.0), None)
    """
    if not transform or not transform.strip():
        return (1.0, 1.0, 0.0, 0.0)
    numbers = lambda text: [float(v) for v in text.replace(",", " ").split()]  # noqa: E731
    try:
        if match := _MATRIX.fullmatch(transform):
            a, b, c, d, e, f = numbers(match.group(1))
            return (a, d, e, f) if abs(b) < 1e-9 and abs(c) < 1e-9 and a and d else None
        if match := _TRANSLATE.fullmatch(transform):
            values = numbers(match.group(1))
            return (1.0, 1.0, values[0], values[1] if len(values) > 1 else 0.0)
    except (ValueError, IndexError):
        return None
    return None


def _to_local(box: Box, transform: str | None) -> Box | None:
    """A box in the parent's coordinates, in the coordinates of an element with ``transform``."""
    scaled = axis_aligned(transform)
    if scaled is None:
        return None
    sx, sy, tx, ty = scaled
    left, top = (box[0] - tx) / sx, (box[1] - ty) / sy
    right, bottom = (box[0] + box[2] - tx) / sx, (box[1] + box[3] - ty) / sy
    return min(left, right), min(top, bottom), abs(right - left), abs(bottom - top)


def rect_box(rect: etree._Element, reader: StyleReader, label: str) -> Box:
    """A ``<rect>``'s ``(x, y, width, height)`` in user units (its own transform, if it only moves and scales)."""
    x, y, w, h = (
        reader.length(rect, name, rect.get(name) or "0", axis)
        for name, axis in (("x", "x"), ("y", "y"), ("width", "x"), ("height", "y"))
    )
    if w <= 0 or h <= 0:
        raise element_error("a text box rectangle needs a positive width and height", label, rect)
    scaled = axis_aligned(rect.get("transform"))
    if scaled is not None and scaled != (1.0, 1.0, 0.0, 0.0):
        sx, sy, tx, ty = scaled
        x, y, w, h = x * sx + tx, y * sy + ty, w * sx, h * sy
    return x, y, w, h


def _line_height(element: etree._Element, reader: StyleReader, lines: list[DesignedLine], size: float) -> float:
    """The distance between baselines, as a multiple of the size.

    ``og:line-height``; else the designed lines' spacing; else the CSS
    ``line-height`` (Inkscape writes it); else 1.2.
    """
    explicit = og(element, "line-height")
    if explicit is not None:
        return length(explicit, "og:line-height", reader.label, element)
    ys = [line.y for line in lines if line.y is not None]
    steps = sorted(b - a for a, b in zip(ys, ys[1:]) if b > a)
    if steps and size > 0:
        return steps[len(steps) // 2] / size
    css = reader.cascade.value(element, "line-height")
    if css and css.strip().lower() != "normal" and size > 0:
        try:
            return float(css)
        except ValueError:
            value = reader.length(element, "line-height", css)
            if css.strip().endswith("%"):
                value = float(css.strip()[:-1]) / 100 * size
            return value / size if value > 0 else 1.2
    return 1.2


def baseline_shift(keyword: str, ascent: float, descent: float, x_height: float) -> float | None:
    """How far below ``y`` the alphabetic baseline is, for a ``dominant-baseline`` (font units ok).

    ``None`` for a keyword svgog does not know.

    >>> baseline_shift("central", 0.9, 0.3, 0.5), baseline_shift("text-top", 0.9, 0.3, 0.5)
    (0.3, 0.9)
    """
    shifts = {
        "auto": 0.0,
        "alphabetic": 0.0,
        "use-script": 0.0,
        "no-change": 0.0,
        "reset-size": 0.0,
        "middle": x_height / 2,
        "central": (ascent - descent) / 2,
        "mathematical": ascent / 2,
        "hanging": ascent * 0.8,
        "text-top": ascent,
        "text-before-edge": ascent,
        "before-edge": ascent,
        "text-bottom": -descent,
        "text-after-edge": -descent,
        "after-edge": -descent,
        "ideographic": -descent,
    }
    value = shifts.get(keyword)
    return None if value is None else round(value, 9)


def infer_alignment(lines: list[DesignedLine], box: Box, measure: Callable[[str], float]) -> str | None:
    """``middle`` or ``end`` when every designed line sits centred or flush right in the box.

    How Figma exports a centred text: no ``text-anchor``, each line's ``x``
    where its left edge falls. ``None`` when lines are left-aligned or the
    design does not say.
    """
    verdicts = set()
    tolerance = max(_ALIGN_TOLERANCE, box[2] * _ALIGN_TOLERANCE_SHARE)
    for line in lines:
        if line.x is None or not line.text:
            continue
        width = measure(line.text)
        left_gap = line.x - box[0]
        right_gap = box[0] + box[2] - (line.x + width)
        if abs(left_gap) <= tolerance and abs(right_gap) <= tolerance:
            continue  # a line that fills the box says nothing about alignment
        if abs(left_gap) <= tolerance:
            verdicts.add("start")
        elif abs(left_gap - right_gap) <= tolerance:
            verdicts.add("middle")
        elif abs(right_gap) <= tolerance:
            verdicts.add("end")
        else:
            return None
    if len(verdicts) == 1:
        verdict = verdicts.pop()
        return None if verdict == "start" else verdict
    return None


def _aligned_lines(lines: list[DesignedLine], measure: Callable[[str], float]) -> tuple[str, float] | None:
    """``(anchor, x)`` for designed lines that share a right edge or a centre, not a left edge."""
    placed = [(line.x, measure(line.text)) for line in lines if line.x is not None and line.text]
    if len(placed) < 2:
        return None
    for anchor, shift in (("start", 0.0), ("end", 1.0), ("middle", 0.5)):
        points = [x + width * shift for x, width in placed]
        if max(points) - min(points) <= _ALIGN_TOLERANCE:
            return None if anchor == "start" else (anchor, sum(points) / len(points))
    return None


def read_text_slot(
    element: etree._Element,
    reader: StyleReader,
    *,
    field: str | None,
    index: int,
    guide: Box | None = None,
    frames: Mapping[str, etree._Element] | None = None,
    run_field: Callable[[etree._Element], str | None] = lambda element: None,
) -> TextSlot:
    """Read how a ``<text>`` element is to be set: runs, fonts, box and policy.

    :param guide: ``(x, y, width, height)`` of a rectangle named
        ``<field>-box``, in the text's parent's coordinates.
    :param frames: Elements by id, for ``shape-inside``.
    :param run_field: The field a tspan fills, if it is a field of its own.
    """
    label = reader.label
    lines = read_lines(element, reader.coordinate, run_field)
    # One style per element that holds text; the text's own first.
    holders: list[etree._Element] = []
    for line in lines:
        for segment in line.segments:
            if segment.text.strip() and segment.element not in holders:
                holders.append(segment.element)
    first = holders[0] if holders else element
    base_size = reader.font_size(first)
    style_of: dict[etree._Element, int] = {}
    styles: list[RunStyle] = []
    substitutions: dict[str, None] = {}
    for holder in [first, *[h for h in holders if h is not first]]:
        style, notes = reader.run_style(holder, base_size, element)
        style_of[holder] = len(styles)
        styles.append(style)
        substitutions.update(dict.fromkeys(notes))
    parts: list[tuple[str, int, str | None]] = []
    for number, line in enumerate(lines):
        if number:
            parts.append(("\n", parts[-1][1] if parts else 0, None))
        for segment in line.segments:
            style_index = style_of.get(segment.element)
            if style_index is None:  # white space in an element without drawn text
                style_index = parts[-1][1] if parts else 0
            parts.append((segment.text, style_index, segment.field))
    default = "\n".join(line.text for line in lines).strip("\n")
    if element.get(f"{{{XML_NS}}}space") == "preserve":
        default = "\n".join(line.text for line in lines)

    size = base_size
    primary = styles[0].chain.primary
    em = primary.units_per_em
    anchor = (reader.cascade.value(first, "text-anchor") or "start").strip()
    if anchor not in _ANCHOR_SHIFT:
        raise element_error(f"text-anchor {anchor!r} is not start, middle or end", label, element)
    x = lines[0].x if lines[0].x is not None else 0.0
    y = lines[0].y if lines[0].y is not None else 0.0
    # Browsers read alignment-baseline on a <text> as its dominant baseline.
    keyword = (
        reader.cascade.value(first, "dominant-baseline") or reader.cascade.specified(element, "alignment-baseline") or "auto"
    ).strip().lower()
    shift = baseline_shift(
        keyword, primary.ascender / em, -primary.descender / em, _x_height(primary) / em
    )
    if shift is None:
        raise element_error(f"dominant-baseline {keyword!r} is not a baseline svgog knows", label, element)
    y += shift * size

    line_height = _line_height(element, reader, lines, size)
    width = _positive(element, "width", label, reader, "x")
    height = _positive(element, "height", label, reader, "y")
    top: float | None = None
    box: Box | None = None
    frame = None
    if width is None:
        box = frame = _frame(element, reader, frames or {}, first)
        if box is None and guide is not None:
            box = _to_local(guide, element.get("transform"))
    align_default = anchor
    # Without text-anchor, lines placed one by one say how they are aligned (Figma's export).
    designed_alignment = reader.cascade.value(first, "text-anchor") is None
    measure = Measurer(styles[:1]).at(size)
    if frame is not None:
        # Inkscape aligns the lines of a text frame with text-align, not text-anchor.
        frame_align = _TEXT_ALIGN.get((reader.cascade.value(first, "text-align") or "").strip().lower())
        if frame_align is not None:
            anchor = align_default = frame_align
    if box is not None:
        if guide is not None and designed_alignment:
            inferred = infer_alignment(lines, box, measure)
            if inferred is not None:
                anchor = align_default = inferred
        left, top, width, height = box
        x = left + width * _ANCHOR_SHIFT[anchor]
    else:
        inline = reader.cascade.value(element, "inline-size")
        if width is None and inline and inline.strip().lower() not in ("auto", "0", "0px"):
            width = reader.length(element, "inline-size", inline, "x")
        elif width is None and designed_alignment:
            aligned = _aligned_lines(lines, measure)
            if aligned is not None:
                anchor, x = aligned
                align_default = anchor
    first_baseline = None
    if top is not None and lines[0].y is not None and top <= y <= top + (height or 0.0):
        first_baseline = y - top  # where the design tool put the first line

    lines_text = og(element, "max-lines")
    max_lines = None
    if lines_text is not None:
        if not lines_text.strip().isdigit() or not 1 <= int(lines_text) <= 100:
            raise element_error(f"og:max-lines {lines_text!r} is not a whole number from 1 to 100", label, element)
        max_lines = int(lines_text)
    min_size = _positive(element, "min-size", label, reader, "")
    if min_size is not None and min_size > size:
        raise element_error(f"og:min-size {min_size:g} is larger than the font size {size:g}", label, element)
    align = _choice(element, "align", align_default, label)
    spec = TextSpec(
        x=x,
        y=y,
        size=size,
        anchor=anchor,
        align="middle" if align == "center" else align,
        valign=_choice(element, "valign", "top", label),
        width=width,
        height=height,
        max_lines=max_lines,
        # Unless told otherwise, a text keeps the shape the designer gave it.
        default_lines=max(1, len(lines)),
        line_height=line_height,
        min_size=min_size if min_size is not None else round(size * DEFAULT_MIN_SIZE_RATIO, 1),
        fit=_choice(element, "fit", "shrink", label),
        wrap=_choice(element, "wrap", "greedy", label),
        ellipsis=og(element, "ellipsis") or "\u2026",
        top=top,
        first_baseline=first_baseline,
        line_boxes=top is not None,
    )
    return TextSlot(
        field=field,
        element_id=element.get("id"),
        line=element.sourceline,
        index=index,
        spec=spec,
        styles=tuple(styles),
        parts=tuple(parts),
        value_style=0,
        default=default,
        substitutions=tuple(substitutions),
    )


def _x_height(face: object) -> float:
    value = getattr(face, "x_height", None)
    if value:
        return float(value)
    return 0.5 * face.units_per_em  # type: ignore[attr-defined]


def _frame(
    element: etree._Element, reader: StyleReader, frames: Mapping[str, etree._Element], first: etree._Element
) -> Box | None:
    """The box of an Inkscape ``shape-inside`` frame, less its ``shape-padding``."""
    shape = reader.cascade.value(element, "shape-inside")
    if not shape or shape.strip().lower() == "none":
        return None
    match = _URL.search(shape)
    target = frames.get(match.group(1)) if match else None
    if target is None or target.tag != RECT:
        return None
    x, y, w, h = rect_box(target, reader, reader.label)
    padding_text = reader.cascade.value(element, "shape-padding")
    padding = reader.length(element, "shape-padding", padding_text) if padding_text else 0.0
    if padding > 0 and w > 2 * padding and h > 2 * padding:
        x, y, w, h = x + padding, y + padding, w - 2 * padding, h - 2 * padding
    return x, y, w, h


@lru_cache(maxsize=1024)
def _painting_style(style: str) -> str:
    """A ``style`` attribute without the declarations text layout consumed (the same few per template)."""
    return ";".join(f"{key}:{text}" for key, text, _ in parse_declarations(style) if key not in _TEXT_PROPERTIES)


def replacement_group(element: etree._Element) -> etree._Element:
    """A ``<g>`` with the text element's attributes, minus those text layout consumed."""
    group = etree.Element(f"{{{SVG_NS}}}g", nsmap=element.nsmap)
    for name, value in element.attrib.items():
        if name.startswith(f"{{{OG_NS}}}") or name in _TEXT_PROPERTIES or name == f"{{{XML_NS}}}space":
            continue
        if name == "style":
            kept = _painting_style(value)
            if kept:
                group.set("style", kept)
            continue
        group.set(name, value)
    return group

