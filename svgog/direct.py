"""Drawing what changes straight with cairo, without CairoSVG's walk of the document.

A filled raster document (:meth:`svgog.template.Template.fill_layers`) is its
static layer, drawn once and kept as pixels, and the rest. When everything in
the rest is of a kind svgog makes itself — the glyph runs, emoji and
decoration bands of texts in plain colours, pictures of static elements
(``og:piece``), and ``<use>`` of those — :func:`plan` turns it into a short list
of operations and :func:`paint` draws them over a copy of the static layer:
glyphs from the glyph cache (:mod:`svgog.glyphcache`), emoji from recorded
pictures, static elements from pixels drawn once. Anything else (an image
field, a gradient on a text, a filter or opacity on a text's group) makes
:func:`plan` answer ``None``, and the document goes to CairoSVG whole.

Every operation reports the device rows it touched, so the PNG encoder can
reuse the static layer's compressed rows everywhere else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .text.draw import EMOJI_TAG, GLYPHS_TAG
from .xmlsafe import OG_NS, SVG_NS, XLINK_NS

__all__ = ["Emoji", "Glyphs", "Operation", "Piece", "Band", "paint", "plan"]

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[int, int, int, int]

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
PIECE_MARK = f"{{{OG_NS}}}piece"

_GROUP, _USE, _RECT = f"{{{SVG_NS}}}g", f"{{{SVG_NS}}}use", f"{{{SVG_NS}}}rect"
# Elements that draw nothing where they stand.
_SKIPPED = frozenset(
    f"{{{SVG_NS}}}{tag}" for tag in ("defs", "style", "metadata", "title", "desc", "linearGradient", "radialGradient")
)
# Properties that change nothing once a text is laid out and drawn as glyphs.
_HARMLESS = frozenset(
    {
        "id", "class", "font-family", "font-size", "font-weight", "font-style", "font-stretch", "font-variant",
        "font-feature-settings", "font-variation-settings", "font-kerning", "font", "letter-spacing",
        "word-spacing", "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
        "text-transform", "white-space", "line-height", "direction", "unicode-bidi", "writing-mode",
        "text-decoration", "text-decoration-line", "text-decoration-color", "text-decoration-style",
        "text-rendering", "inline-size", "shape-inside", "shape-padding", "lang", "color-interpolation",
        "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
        "stroke-dashoffset", "stroke-opacity", "{http://www.w3.org/XML/1998/namespace}space",
        "{http://www.w3.org/XML/1998/namespace}lang", "style",
    }
)  # fmt: skip
# Properties the operations carry (inherited as CairoSVG inherits them).
_PAINT = frozenset({"fill", "fill-opacity", "fill-rule", "stroke"})
_OWN = frozenset({"transform", "opacity", "x", "y", "width", "height", "href", f"{{{XLINK_NS}}}href"})
# The instructions of an og:glyphs element.
_RUN = frozenset({"run", "matrix", "box"})


@dataclass(frozen=True)
class Glyphs:
    """A run of glyphs of one face, composited in one colour."""

    token: str
    glyphs: tuple[tuple[int, float, float], ...]
    matrix: Matrix  # font units to device pixels
    rgba: tuple[float, float, float, float]


@dataclass(frozen=True)
class Band:
    """A filled rectangle: an underline, an overline or a line through."""

    box: tuple[float, float, float, float]
    matrix: Matrix
    rgba: tuple[float, float, float, float]


@dataclass(frozen=True)
class Emoji:
    """An emoji picture, drawn with ``matrix`` from its own units to device pixels."""

    set: str  # the emoji set's token
    name: str
    matrix: Matrix


@dataclass(frozen=True)
class Piece:
    """A static element (its template element index) drawn among dynamic ones, from cached pixels."""

    index: int


Operation = Glyphs | Band | Emoji | Piece


class _Unsupported(Exception):
    """The document holds something only CairoSVG draws."""


def plan(root: etree._Element, width: int, height: int) -> list[Operation] | None:
    """The operations that draw ``root``'s painting elements, or ``None`` if one needs CairoSVG."""
    try:
        base = _root_matrix(root, width, height)
        ids: dict[str, etree._Element] = {}
        for element in root.iter():
            if isinstance(element.tag, str) and (name := element.get("id")):
                ids.setdefault(name, element)
        planner = _Planner(ids)
        planner.children(root, base, {}, 0)
    except _Unsupported:
        return None
    # Pieces stay apart, even neighbours: each is cropped to what it covers, so
    # dynamic content beside one is not taken to be under it.
    return planner.operations


def _root_matrix(root: etree._Element, width: int, height: int) -> Matrix:
    """User units to device pixels for the root (a viewBox with the output's proportions only)."""
    for name in ("transform", "opacity", "filter", "mask", "clip-path", "style", "preserveAspectRatio"):
        if root.get(name) is not None:
            raise _Unsupported
    box = root.get("viewBox")
    if box is None:
        document_width = _number(root.get("width"))
        document_height = _number(root.get("height"))
        if not document_width or not document_height:
            raise _Unsupported
        return (width / document_width, 0.0, 0.0, height / document_height, 0.0, 0.0)
    try:
        x, y, box_width, box_height = (float(v) for v in box.replace(",", " ").split())
    except ValueError:
        raise _Unsupported from None
    if box_width <= 0 or box_height <= 0:
        raise _Unsupported
    scale_x, scale_y = width / box_width, height / box_height
    if abs(scale_x - scale_y) > 1e-9 * max(scale_x, scale_y):
        raise _Unsupported  # letterboxed: CairoSVG's centring rules apply
    return (scale_x, 0.0, 0.0, scale_y, -x * scale_x, -y * scale_y)


def _number(value: str | None) -> float:
    if value is None:
        return 0.0
    try:
        return float(value.strip().removesuffix("px"))
    except ValueError:
        raise _Unsupported from None


def _properties(element: etree._Element, inherited: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(paint properties inherited and own, the element's own geometry), refusing what changes drawing."""
    paint = dict(inherited)
    own: dict[str, str] = {}
    declared: dict[str, str] = {}
    for name, value in element.attrib.items():
        declared[name] = value
    style = element.get("style")
    if style:
        for item in style.split(";"):
            name, sep, value = item.partition(":")
            if sep:
                declared[name.strip().lower()] = value.strip()
            elif item.strip():
                raise _Unsupported
    for name, value in declared.items():
        if name in _PAINT:
            paint[name] = value
        elif name in _OWN:
            own[name] = value
        elif name.startswith(f"{{{OG_NS}}}") or name in _HARMLESS or (name in _RUN and element.tag == GLYPHS_TAG):
            continue
        elif name in ("visibility", "display") and value.strip() in ("visible", "inline"):
            continue
        else:
            raise _Unsupported
    if (paint.get("stroke") or "none").strip() != "none" or paint.get("fill-rule", "nonzero").strip() != "nonzero":
        raise _Unsupported
    opacity = own.get("opacity")
    if opacity is not None and _number(opacity) != 1.0:
        raise _Unsupported
    return paint, own


def _rgba(paint: Mapping[str, str]) -> tuple[float, float, float, float] | None:
    """The solid colour of a fill as CairoSVG reads it; ``None`` for no fill."""
    from cairosvg.colors import color

    value = (paint.get("fill") or "black").strip()
    if value.startswith("url(") or value.lower() == "currentcolor" or "var(" in value:
        raise _Unsupported
    if value.lower() in ("none", "transparent"):
        return None
    try:
        opacity = float(paint.get("fill-opacity", "1"))
    except ValueError:
        raise _Unsupported from None
    rgba = color(value, opacity)
    return None if rgba[3] <= 0 else rgba


class _Planner:
    """Walks a document, collecting operations with the paint each element inherits."""

    def __init__(self, ids: Mapping[str, etree._Element]) -> None:
        self.ids = ids
        self.operations: list[Operation] = []

    def children(self, parent: etree._Element, matrix: Matrix, inherited: Mapping[str, str], depth: int) -> None:
        for child in parent:
            if isinstance(child.tag, str) and child.tag not in _SKIPPED:
                self.element(child, matrix, inherited, depth)

    def element(self, element: etree._Element, matrix: Matrix, inherited: Mapping[str, str], depth: int) -> None:
        """Plan one element (and what it holds or refers to)."""
        operations, ids = self.operations, self.ids
        if depth > 16:
            raise _Unsupported
        piece = element.get(PIECE_MARK)
        if piece is not None:
            operations.append(Piece(int(piece)))
            return
        tag = element.tag
        if tag == EMOJI_TAG:
            transform = _multiply(matrix, _transform(element.get("transform")))
            operations.append(Emoji(element.get("set", ""), element.get("name", ""), transform))
            return
        paint, own = _properties(element, inherited)
        here = _multiply(matrix, _transform(own.get("transform")))
        if tag == GLYPHS_TAG:
            rgba = _rgba(paint)
            if rgba is not None:
                token, *items = (element.get("run") or "").split()
                glyphs = []
                for item in items:
                    glyph, x, y = item.split(":")
                    glyphs.append((int(glyph), float(x), float(y)))
                linear = tuple(float(v) for v in (element.get("matrix") or "1 0 0 1 0 0").split())
                if len(linear) != 6:
                    raise _Unsupported
                operations.append(Glyphs(token, tuple(glyphs), _multiply(here, linear), rgba))  # type: ignore[arg-type]
        elif tag == _GROUP:
            self.children(element, here, paint, depth + 1)
        elif tag == _RECT:  # rx and ry are not among the properties _properties lets through
            rgba = _rgba(paint)
            box = tuple(_number(own.get(name)) for name in ("x", "y", "width", "height"))
            if rgba is not None and box[2] > 0 and box[3] > 0:
                operations.append(Band(box, here, rgba))  # type: ignore[arg-type]
        elif tag == _USE:
            href = (own.get("href") or own.get(f"{{{XLINK_NS}}}href") or "").strip()
            target = ids.get(href[1:]) if href.startswith("#") else None
            if target is None or target.tag not in (_GROUP, GLYPHS_TAG) or target.get(PIECE_MARK) is not None:
                raise _Unsupported
            moved = _multiply(here, (1.0, 0.0, 0.0, 1.0, _number(own.get("x")), _number(own.get("y"))))
            self.element(target, moved, paint, depth + 1)
        else:
            raise _Unsupported


def _multiply(outer: Matrix, inner: tuple[float, ...]) -> Matrix:
    """The matrix that applies ``inner`` first, then ``outer``."""
    a, b, c, d, e, f = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


_FUNCTION = re.compile(r"\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)\s*,?")


def _transform(value: str | None) -> Matrix:
    """An SVG transform list as one matrix."""
    if not value or not value.strip():
        return _IDENTITY
    result = _IDENTITY
    position = 0
    while position < len(value):
        match = _FUNCTION.match(value, position)
        if match is None:
            if value[position:].strip():
                raise _Unsupported
            break
        position = match.end()
        try:
            numbers = [float(v) for v in match.group(2).replace(",", " ").split()]
        except ValueError:
            raise _Unsupported from None
        result = _multiply(result, _function(match.group(1), numbers))
    return result


def _function(name: str, n: list[float]) -> Matrix:
    try:
        if name == "matrix" and len(n) == 6:
            return (n[0], n[1], n[2], n[3], n[4], n[5])
        if name == "translate" and len(n) in (1, 2):
            return (1.0, 0.0, 0.0, 1.0, n[0], n[1] if len(n) == 2 else 0.0)
        if name == "scale" and len(n) in (1, 2):
            return (n[0], 0.0, 0.0, n[1] if len(n) == 2 else n[0], 0.0, 0.0)
        if name == "rotate" and len(n) in (1, 3):
            angle = math.radians(n[0])
            cos, sin = math.cos(angle), math.sin(angle)
            rotation = (cos, sin, -sin, cos, 0.0, 0.0)
            if len(n) == 3:
                cx, cy = n[1], n[2]
                return _multiply(_multiply((1.0, 0.0, 0.0, 1.0, cx, cy), rotation), (1.0, 0.0, 0.0, 1.0, -cx, -cy))
            return rotation
        if name == "skewX" and len(n) == 1:
            return (1.0, 0.0, math.tan(math.radians(n[0])), 1.0, 0.0, 0.0)
        if name == "skewY" and len(n) == 1:
            return (1.0, math.tan(math.radians(n[0])), 0.0, 1.0, 0.0, 0.0)
    except (IndexError, ValueError):
        pass
    raise _Unsupported


def paint(
    context: Any,
    operations: list[Operation],
    emoji: Callable[[str, str], Any],
    piece: Callable[[int], tuple[Any, int, int] | None],
) -> Iterator[tuple[int, Box]]:
    """Draw the operations on ``context`` (device space).

    :param emoji: An emoji's recorded picture (a cairo surface in its own units), by set token and name.
    :param piece: The pixels of static elements: (surface, x, y), or ``None`` when they draw nothing.
    :returns: For each operation that drew, its position in ``operations`` and
        the device pixels it may have touched (left, top, right, bottom).
    """
    import cairocffi

    from .glyphcache import draw_run

    cairo, pointer, ffi = cairocffi.cairo, context._pointer, cairocffi.ffi
    for position, operation in enumerate(operations):
        if isinstance(operation, Glyphs):
            cairo.cairo_set_source_rgba(pointer, *operation.rgba)
            box = draw_run(context, operation.token, operation.glyphs, operation.matrix)
            if box is not None:
                yield position, box
        elif isinstance(operation, Piece):
            found = piece(operation.index)
            if found is not None:
                surface, x, y = found
                cairo.cairo_set_source_surface(pointer, surface._pointer, x, y)
                cairo.cairo_paint(pointer)
                yield position, (x, y, x + surface.get_width(), y + surface.get_height())
        elif isinstance(operation, Band):
            cairo.cairo_save(pointer)
            cairo.cairo_transform(pointer, ffi.new("cairo_matrix_t *", operation.matrix))
            cairo.cairo_rectangle(pointer, *operation.box)
            cairo.cairo_restore(pointer)
            cairo.cairo_set_source_rgba(pointer, *operation.rgba)
            yield position, _path_box(context)
            cairo.cairo_fill(pointer)
        else:
            picture = emoji(operation.set, operation.name)
            if picture is None:
                continue
            cairo.cairo_save(pointer)  # the source too: the picture stays with this operation
            cairo.cairo_transform(pointer, ffi.new("cairo_matrix_t *", operation.matrix))
            cairo.cairo_set_source_surface(pointer, picture._pointer, 0, 0)
            left, top, width, height = picture.ink_extents()
            cairo.cairo_rectangle(pointer, left, top, width, height)
            cairo.cairo_identity_matrix(pointer)  # the source keeps the matrix it was set with
            yield position, _path_box(context)
            cairo.cairo_fill(pointer)
            cairo.cairo_restore(pointer)


def _path_box(context: Any) -> Box:
    """The device pixels the current path covers, with a pixel of antialiasing on each side."""
    x0, y0, x1, y1 = context.fill_extents()  # the context's matrix is the identity here
    return (math.floor(x0) - 1, math.floor(y0) - 1, math.ceil(x1) + 1, math.ceil(y1) + 1)
