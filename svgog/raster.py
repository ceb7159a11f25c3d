"""Rasterizing a filled SVG document with CairoSVG, with every fetch locked down.

CairoSVG fetches whatever an ``href`` names: local files, ``http:`` URLs. The
fetcher given here allows only ``data:`` URIs and files inside one directory
(the template's own), so neither a template nor a filled value can make the
renderer read ``/etc/passwd`` or call an internal service. Refused resources
are left out of the picture, with a warning in the log.

CairoSVG draws no SVG filter; the surface used here draws each filtered
element alone offscreen and hands its pixels to :mod:`svgog.filters`.
"""

from __future__ import annotations

import base64
import io
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from . import pngwriter
from .bitmaps import draw_image
from .budget import check_deadline
from .errors import RenderError
from .fonts import face_by_token
from .glyphcache import glyph_path
from .recorded import emoji_picture
from .text.draw import EMOJI_TAG, GLYPHS_TAG
from .text.emoji import emoji_set_by_token

if TYPE_CHECKING:
    from . import filters

__all__ = [
    "MAX_FILTER_DEPTH",
    "MAX_RESOURCE_BYTES",
    "draw",
    "encode_png",
    "make_url_fetcher",
    "svg_to_png",
]

log = logging.getLogger("svgog")

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
_EMPTY_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'

UrlFetcher = Callable[[str, str], bytes]


def _refused(url: str, resource_type: str, reason: str) -> bytes:
    shown = url if len(url) <= 120 else url[:120] + "…"
    log.warning("not fetching %s (%s)", shown, reason)
    # CairoSVG skips an <image> whose bytes are too short to be an image, but
    # needs a parseable document where it expects SVG.
    return _EMPTY_SVG if resource_type == "image/svg+xml" else b""


def _decode_data_uri(url: str) -> bytes:
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise ValueError("data: URI without a comma")
    if header.endswith(";base64"):
        return base64.b64decode(unquote(payload), validate=False)
    return unquote_to_bytes(payload)


def make_url_fetcher(base_dir: Path | None) -> UrlFetcher:
    """A CairoSVG ``url_fetcher`` that serves ``data:`` URIs and files under ``base_dir``."""
    root = base_dir.resolve() if base_dir is not None else None

    def fetch(url: str, resource_type: str) -> bytes:
        if url.startswith("data:"):
            try:
                return _decode_data_uri(url)
            except ValueError as exc:
                return _refused("data: URI", resource_type, str(exc))
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return _refused(url, resource_type, "only data: URIs and files beside the template are allowed")
        if root is None:
            return _refused(url, resource_type, "template has no directory")
        path = Path(os.path.realpath(unquote(parts.path)))
        if not path.is_relative_to(root) or not path.is_file():
            return _refused(url, resource_type, "outside the template's directory or not a file")
        if path.stat().st_size > MAX_RESOURCE_BYTES:
            return _refused(url, resource_type, "file too large")
        return path.read_bytes()

    return fetch


def svg_to_png(
    svg: bytes, *, width: int, height: int, base_dir: Path | None = None, template: str | None = None
) -> bytes:
    """Rasterize an SVG document to a PNG of exactly ``width`` x ``height`` pixels.

    :param base_dir: The only directory whose files the document may reference.
    :raises RenderError: If CairoSVG cannot draw the document.
    """
    return encode_png(draw(svg, width=width, height=height, base_dir=base_dir, template=template))


def draw(
    svg: bytes,
    *,
    width: int,
    height: int,
    base_dir: Path | None = None,
    template: str | None = None,
    base: bytes | None = None,
) -> Any:
    """Draw an SVG document with CairoSVG into a cairo image surface (ARGB32).

    :param base: Pixels (cairo's ARGB32 data of the same size) to draw over,
        instead of a transparent surface.
    """
    # Imported here: cairo is the slowest import and the SVG path never needs it.
    from cairosvg.parser import Tree

    _install_glyphs()
    png_surface = _filtering_surface()
    # ``url`` is the template's own location (never anything a caller supplies),
    # so relative hrefs resolve against the template's directory.
    base_url = (base_dir.resolve() / "template.svg").as_uri() if base_dir is not None else None
    try:
        tree = Tree(bytestring=svg, url=base_url, unsafe=False, url_fetcher=make_url_fetcher(base_dir))
        # CairoSVG's PNGSurface draws when it is built; its finish() would
        # encode with cairo's slow PNG writer, which encode_png replaces.
        surface_class = png_surface if base is None else _over(png_surface, base)
        surface = surface_class(tree, io.BytesIO(), 96, output_width=width, output_height=height)
    except RenderError:
        raise
    except Exception as exc:  # CairoSVG raises many unrelated types; callers get one.
        raise RenderError(
            f"CairoSVG could not draw the document: {type(exc).__name__}: {exc}", template=template
        ) from exc
    image = surface.cairo
    image.flush()
    return image


def _over(png_surface: Any, base: bytes) -> Any:
    """A CairoSVG PNG surface class whose drawing starts from ``base``'s pixels."""

    class _OverBase(png_surface):  # type: ignore[misc,valid-type]
        def _create_surface(self, width: float, height: float) -> tuple[Any, Any, Any]:
            surface, width, height = super()._create_surface(width, height)
            data = surface.get_data()
            if len(data) == len(base):
                data[:] = base
                surface.mark_dirty()
            return surface, width, height

    return _OverBase


#: Filtered elements inside filtered elements deeper than this are drawn without their filter.
MAX_FILTER_DEPTH = 8

_FilteringSurface: Any = None


def _filtering_surface() -> Any:
    """CairoSVG's PNG surface, drawing elements with a ``filter`` through :mod:`svgog.filters`."""
    global _FilteringSurface
    if _FilteringSurface is None:
        from cairosvg.surface import PNGSurface

        class FilteringSurface(PNGSurface):  # type: ignore[misc]
            filter_depth = 0

            def draw(self, node: Any) -> None:
                check_deadline()  # every element drawn, references and nested pictures included
                value = node.get("filter")
                if not value:
                    super().draw(node)
                else:
                    _draw_with_filter(self, node, value, super().draw)

        _FilteringSurface = FilteringSurface
    return _FilteringSurface


def _draw_with_filter(surface: Any, node: Any, value: str, draw: Callable[[Any], None]) -> None:
    """Draw ``node`` with svgog's filter, or without any filter when svgog cannot draw it.

    The ``filter`` attribute is taken off while CairoSVG draws the node, so its
    own partial handling (a translation for feOffset, an operator for feBlend,
    a painted feFlood) never applies.
    """
    from cairosvg.defs import parse_all_defs

    from . import filters  # numpy: imported when a document has a filter

    if node.tag == "svg":
        parse_all_defs(surface, node)  # a filter on the root is defined inside it
    name = filters.filter_reference(value)
    definition = surface.filters.get(name) if name else None
    spec = _filter_spec(definition) if definition is not None and definition.tag == "filter" else None
    supported = spec is not None and not filters.problems(spec) and surface.filter_depth < MAX_FILTER_DEPTH
    del node["filter"]
    try:
        if not surface.stroke_and_fill or node.get("display") == "none":
            draw(node)  # a clip path's geometry (filters do not apply there), or nothing to draw
        elif spec is not None and supported:
            _draw_filtered(surface, node, spec, draw)
        else:
            # svgog.filters.unsupported_filters reports these for the template checker.
            log.debug("filter %r not drawn (unsupported or missing)", value)
            draw(node)
    finally:
        node["filter"] = value


def _filter_spec(definition: Any) -> filters.FilterSpec:
    """A filter from CairoSVG's tree: attributes there already hold styles and inherited properties."""
    from . import filters

    def primitive(node: Any) -> filters.Primitive:
        return filters.Primitive(node.tag, dict(node), tuple(primitive(child) for child in node.children))

    return filters.FilterSpec(
        definition.get("id", ""), dict(definition), tuple(primitive(child) for child in definition.children)
    )


def _draw_filtered(surface: Any, node: Any, spec: filters.FilterSpec, draw: Callable[[Any], None]) -> None:
    """Draw ``node`` alone offscreen (same matrix, no filter or opacity), filter it, paint the result."""
    import cairocffi as cairo
    from cairosvg.helpers import transform

    from . import filters

    context = surface.context
    parent_matrix = context.get_matrix()
    context.save()
    transform(surface, node.get("transform"), transform_origin=node.get("transform-origin"))
    matrix = context.get_matrix().as_tuple()
    context.identity_matrix()
    # With the identity matrix, the clip's extents are in device pixels: what can be seen.
    left, top, right, bottom = context.clip_extents()
    context.restore()
    bbox = _bounding_box(surface, node)
    if bbox is None and filters.needs_bounding_box(spec):
        bbox = _ink_box(surface, node, parent_matrix, matrix, draw)
    placement = filters.Placement(
        matrix=matrix,
        bbox=bbox,
        viewport=(surface.context_width or 0.0, surface.context_height or 0.0),
        visible=(math.floor(left), math.floor(top), math.ceil(right), math.ceil(bottom)),
    )
    area = filters.work_area(spec, placement)
    if area is None:
        return  # nothing of it can be seen, or its filter region is empty
    x0, y0, x1, y1 = area
    width, height = x1 - x0, y1 - y0
    # Memory the filters keep mapped: a fresh surface's pages would each fault on first write.
    pixels = filters.scratch_bytes(height, width * 4)
    offscreen = cairo.ImageSurface.create_for_data(pixels, cairo.FORMAT_ARGB32, width, height, width * 4)
    offscreen.set_device_offset(-x0, -y0)
    offscreen_context = cairo.Context(offscreen)
    offscreen_context.set_matrix(parent_matrix)
    # Opacity applies to the filtered result, not to what is filtered.
    opacity = node.pop("opacity", None)
    surface.context = offscreen_context
    surface.filter_depth += 1
    try:
        draw(node)
    finally:
        surface.context = context
        surface.filter_depth -= 1
        if opacity is not None:
            node["opacity"] = opacity
    offscreen.flush()
    parts = filters.layers(spec, placement, area, offscreen.get_data(), offscreen.get_stride())
    offscreen.mark_dirty()  # the filter cleared what lies outside its region
    offscreen.set_device_offset(0, 0)  # painted as a source at the work area's origin
    alpha = _opacity(opacity)
    context.save()
    context.identity_matrix()
    # Opacity applies to the parts together: where they overlap, the lower ones must not show through.
    grouped = alpha < 1 and len(parts) > 1
    if grouped:
        context.push_group()
    for part in parts:
        _paint_layer(context, part, offscreen, x0, y0, 1.0 if grouped else alpha)
    if grouped:
        context.pop_group_to_source()
        context.paint_with_alpha(alpha)
    context.restore()
    offscreen.finish()


def _paint_layer(context: Any, layer: filters.Layer, offscreen: Any, x0: int, y0: int, alpha: float) -> None:
    """Paint one layer of a filter's result (see :func:`svgog.filters.layers`) at the work area's origin."""
    import cairocffi as cairo

    bx0, by0, bx1, by1 = layer.box
    width, height = bx1 - bx0, by1 - by0
    if layer.kind == "mask":
        assert layer.data is not None
        mask = cairo.ImageSurface.create_for_data(layer.data, cairo.FORMAT_A8, width, height, layer.data.shape[1])
        context.set_source_rgba(*layer.color, alpha)
        context.mask_surface(mask, x0 + bx0, y0 + by0)
        mask.finish()
        return
    if layer.kind == "pixels":
        assert layer.data is not None
        image = cairo.ImageSurface.create_for_data(layer.data, cairo.FORMAT_ARGB32, width, height, width * 4)
        context.set_source_surface(image, x0 + bx0, y0 + by0)
        context.paint_with_alpha(alpha)
        image.finish()
        return
    context.save()
    context.rectangle(x0 + bx0, y0 + by0, width, height)
    context.clip()
    context.set_source_surface(offscreen, x0, y0)
    context.paint_with_alpha(alpha)
    context.restore()


def _ink_box(
    surface: Any, node: Any, parent_matrix: Any, matrix: tuple[float, ...], draw: Callable[[Any], None]
) -> tuple[float, float, float, float] | None:
    """The box of what ``node`` paints, in its user space, for what has no geometric box.

    CairoSVG measures a ``<text>`` only while drawing it: draw it once into a
    recording surface and take the ink's extents (strokes included).
    """
    import cairocffi as cairo

    recording = cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, None)
    context = surface.context
    recorder = cairo.Context(recording)
    recorder.set_matrix(parent_matrix)
    opacity = node.pop("opacity", None)
    surface.context = recorder
    try:
        draw(node)
    finally:
        surface.context = context
        if opacity is not None:
            node["opacity"] = opacity
    x, y, width, height = recording.ink_extents()
    recording.finish()
    if width <= 0 or height <= 0:
        return None
    inverse = cairo.Matrix(*matrix)
    try:
        inverse.invert()
    except cairo.CairoError:
        return None
    extents = _map_extents(inverse.as_tuple(), (x, y, width, height))
    assert extents is not None
    return extents[0], extents[1], extents[2] - extents[0], extents[3] - extents[1]


def _opacity(value: str | None) -> float:
    try:
        opacity = float(value) if value is not None else 1.0
    except ValueError:
        return 1.0
    return min(max(opacity, 0.0), 1.0)


def _bounding_box(surface: Any, node: Any) -> tuple[float, float, float, float] | None:
    """The node's bounding box in its own user space (children's transforms applied), as x, y, w, h."""
    extents = _extents(surface, node, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    if extents is None:
        return None
    left, top, right, bottom = extents
    return left, top, right - left, bottom - top


_NOT_DRAWN = frozenset(
    {"defs", "clipPath", "filter", "linearGradient", "radialGradient", "marker", "mask", "pattern", "symbol"}
    | {"style", "title", "desc", "metadata"}
)


def _extents(
    surface: Any, node: Any, matrix: tuple[float, ...], *, referenced: bool = False
) -> tuple[float, float, float, float] | None:
    """The geometry's extents mapped by ``matrix`` (the node's own transform excluded).

    :param referenced: The node is what a ``<use>`` draws (a ``<symbol>`` is then drawn).
    """
    from cairosvg.bounding_box import BOUNDING_BOX_METHODS, is_valid_bounding_box

    if (node.tag in _NOT_DRAWN and not (referenced and node.tag == "symbol")) or node.get("display") == "none":
        return None
    if node.tag == "use":
        return _use_extents(surface, node, matrix)
    if node.tag == GLYPHS_TAG:
        return _map_extents(matrix, _glyph_cells(node))
    children = node.children
    if node.tag in BOUNDING_BOX_METHODS and node.tag not in ("g", "a", "svg", "symbol", "marker") and not children:
        box = BOUNDING_BOX_METHODS[node.tag](surface, node)
        if not is_valid_bounding_box(box):
            return None
        return _map_extents(matrix, box)
    if node.tag == "image":
        from cairosvg.bounding_box import bounding_box_rect

        return _map_extents(matrix, bounding_box_rect(surface, node))
    found = None
    for child in children:
        box = _extents(surface, child, _child_matrix(surface, child, matrix))
        if box is not None:
            found = box if found is None else (
                min(found[0], box[0]), min(found[1], box[1]), max(found[2], box[2]), max(found[3], box[3])
            )
    return found


def _map_extents(
    matrix: tuple[float, ...], box: tuple[float, float, float, float] | None
) -> tuple[float, float, float, float] | None:
    """The extents of an ``(x, y, width, height)`` box mapped by ``matrix``."""
    if box is None:
        return None
    x, y, width, height = box
    xx, yx, xy, yy, tx, ty = matrix
    xs = [xx * px + xy * py + tx for px in (x, x + width) for py in (y, y + height)]
    ys = [yx * px + yy * py + ty for px in (x, x + width) for py in (y, y + height)]
    return min(xs), min(ys), max(xs), max(ys)


def _glyph_cells(node: Any) -> tuple[float, float, float, float] | None:
    """The box of the text a glyph run belongs to, as browsers measure a ``<text>``.

    Advances wide, ascender to descender tall, for the whole text (every line
    and run), in the text's own coordinates: the object bounding box Chromium
    gives a ``<text>`` (not the outlines' ink), so gradients and filter regions
    in objectBoundingBox units match (see :mod:`svgog.text.draw`).
    """
    try:
        x, y, width, height = (float(v) for v in node.get("box", "").split())
    except ValueError:
        return None
    return (x, y, width, height) if width > 0 and height > 0 else None


def _child_matrix(surface: Any, child: Any, matrix: tuple[float, ...]) -> tuple[float, ...]:
    """``matrix`` followed by the child's own ``transform``."""
    if not child.get("transform"):
        return matrix
    import cairocffi as cairo
    from cairosvg.helpers import transform

    context = surface.context
    context.save()
    context.set_matrix(cairo.Matrix(*matrix))
    transform(surface, child.get("transform"), transform_origin=child.get("transform-origin"))
    result = context.get_matrix().as_tuple()
    context.restore()
    return result


def _use_extents(surface: Any, node: Any, matrix: tuple[float, ...]) -> tuple[float, float, float, float] | None:
    """A ``<use>``'s extents: the referenced element's, moved by the use's x and y."""
    from cairosvg.helpers import size
    from cairosvg.parser import Tree
    from cairosvg.url import parse_url

    try:
        # Not from CairoSVG's tree cache: what it hands out, it also draws.
        href = parse_url(node.get_href()).geturl()
        tree = Tree(url=href, url_fetcher=node.url_fetcher, parent=node, unsafe=node.unsafe)
    except Exception:  # CairoSVG raises many types for a reference it cannot follow
        return None
    xx, yx, xy, yy, tx, ty = matrix
    dx, dy = size(surface, node.get("x"), "x"), size(surface, node.get("y"), "y")
    moved = (xx, yx, xy, yy, tx + xx * dx + xy * dy, ty + yx * dx + yy * dy)
    return _extents(surface, tree, _child_matrix(surface, tree, moved), referenced=True)


_installed = False


def _parse_run(node: Any) -> tuple[str, list[tuple[int, float, float]]]:
    token, *items = node.get("run", "").split()
    glyphs = []
    for item in items:
        glyph, x, y = item.split(":")
        glyphs.append((int(glyph), float(x), float(y)))
    return token, glyphs


def _draw_glyphs(surface: Any, node: Any) -> None:
    """CairoSVG handler for ``og:glyphs``: append each glyph's cached path.

    The glyphs go through the element's ``matrix`` (font units to the text's
    coordinates) while the path is built; the paint that follows is in the
    text's coordinates, so gradients in user space and stroke widths mean
    what they mean on a ``<text>``.
    """
    import cairocffi

    token, glyphs = _parse_run(node)
    face = face_by_token(token)
    context = surface.context
    context.save()
    try:
        context.transform(cairocffi.Matrix(*(float(v) for v in node.get("matrix", "1 0 0 1 0 0").split())))
    except (ValueError, TypeError):
        context.restore()
        return
    cairo, pointer = cairocffi.cairo, context._pointer
    for glyph, x, y in glyphs:
        cairo.cairo_translate(pointer, x, y)
        cairo.cairo_append_path(pointer, glyph_path(face, glyph))
        cairo.cairo_translate(pointer, -x, -y)
    context.restore()  # the path stays, in device space


def _glyphs_bounding_box(surface: Any, node: Any) -> tuple[float, float, float, float] | None:
    """The box gradients in objectBoundingBox units span: the whole text's (see :func:`_glyph_cells`)."""
    return _glyph_cells(node)


def _draw_emoji(surface: Any, node: Any) -> None:
    """CairoSVG handler for ``og:emoji``: replay the emoji's recorded picture (CairoSVG applied the transform)."""
    emoji = emoji_set_by_token(node.get("set", ""))
    picture = emoji_picture(emoji, node.get("name", "")) if emoji is not None else None
    if picture is None:
        return
    context = surface.context
    context.save()
    context.set_source_surface(picture, 0, 0)
    context.rectangle(*picture.ink_extents())
    context.fill()
    context.restore()


def _install_glyphs() -> None:
    """Teach CairoSVG the ``og:glyphs`` and ``og:emoji`` elements and svgog's drawing of bitmap images."""
    global _installed
    if _installed:
        return
    from cairosvg import bounding_box, surface

    surface.TAGS[GLYPHS_TAG] = _draw_glyphs
    surface.TAGS[EMOJI_TAG] = _draw_emoji
    bounding_box.BOUNDING_BOX_METHODS[GLYPHS_TAG] = _glyphs_bounding_box
    # Bitmaps drawn as browsers draw them (edges extended, decoded once); SVG images by CairoSVG.
    cairosvg_image = surface.TAGS["image"]
    surface.TAGS["image"] = lambda drawing, node: draw_image(drawing, node, cairosvg_image)
    _installed = True


def encode_png(image: Any) -> bytes:
    """Encode a whole cairo ARGB32 surface as PNG (see :mod:`svgog.pngwriter`)."""
    return pngwriter.encode_png(image.get_data(), image.get_width(), image.get_height(), image.get_stride())
