"""Rasterizing a filled SVG document with CairoSVG, with every fetch locked down.

CairoSVG fetches whatever an ``href`` names: local files, ``http:`` URLs. The
fetcher given here allows only ``data:`` URIs and files inside one directory
(the template's own), so neither a template nor a filled value can make the
renderer read ``/etc/passwd`` or call an internal service. Refused resources
are left out of the picture, with a warning in the log.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import struct
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from cachetools import LRUCache
from fontTools.pens.basePen import BasePen

from .errors import RenderError
from .fonts import face_by_token
from .text.draw import GLYPHS_TAG

if TYPE_CHECKING:
    from .template import StaticLayer

__all__ = [
    "MAX_RESOURCE_BYTES",
    "draw",
    "encode",
    "encode_png",
    "layered_png",
    "make_url_fetcher",
    "static_pixels",
    "svg_to_png",
]

log = logging.getLogger("svgog")

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
_EMPTY_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'

UrlFetcher = Callable[[str, str], bytes]


def _refused(url: str, resource_type: str, reason: str) -> bytes:
    shown = url if len(url) <= 120 else url[:120] + "…"
    log.warning("svgog: not fetching %s (%s)", shown, reason)
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


def layered_png(
    svg: bytes,
    layer: StaticLayer | None,
    *,
    width: int,
    height: int,
    base_dir: Path | None = None,
    template: str | None = None,
) -> bytes:
    """Rasterize a document over its static layer, drawing that layer once per key.

    The static layer's pixels are kept (bounded in bytes) and copied into
    each new surface before the rest of the document is drawn on top: for a
    card with a gradient background that saves most of the drawing.
    """
    if layer is None:
        return svg_to_png(svg, width=width, height=height, base_dir=base_dir, template=template)
    base = static_pixels(layer, width=width, height=height, base_dir=base_dir, template=template)
    return encode_png(draw(svg, width=width, height=height, base_dir=base_dir, template=template, base=base))


def static_pixels(
    layer: StaticLayer, *, width: int, height: int, base_dir: Path | None = None, template: str | None = None
) -> bytes:
    """The static layer's pixels (cairo ARGB32 data), drawn on first use and kept."""
    key = (layer.key, width, height)
    with _LAYER_LOCK:
        base = _LAYERS.get(key)
    if base is None:
        static = draw(layer.document(), width=width, height=height, base_dir=base_dir, template=template)
        base = bytes(static.get_data())
        with _LAYER_LOCK:
            try:
                _LAYERS[key] = base
            except ValueError:  # larger than the whole cache (a huge scale): not kept
                pass
    return base


_LAYERS: LRUCache[tuple[str, int, int], bytes] = LRUCache(maxsize=64 * 1024 * 1024, getsizeof=len)
_LAYER_LOCK = threading.Lock()


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
    from cairosvg.surface import PNGSurface

    _install_glyphs()
    # ``url`` is the template's own location (never anything a caller supplies),
    # so relative hrefs resolve against the template's directory.
    base_url = (base_dir.resolve() / "template.svg").as_uri() if base_dir is not None else None
    try:
        tree = Tree(bytestring=svg, url=base_url, unsafe=False, url_fetcher=make_url_fetcher(base_dir))
        # CairoSVG's PNGSurface draws when it is built; its finish() would
        # encode with cairo's slow PNG writer, which encode_png replaces.
        surface_class = PNGSurface if base is None else _over(PNGSurface, base)
        surface = surface_class(tree, io.BytesIO(), 96, output_width=width, output_height=height)
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


class _CairoPen(BasePen):
    """Draws a glyph outline into a cairo context (quadratic curves as cubic)."""

    def __init__(self, context: Any) -> None:
        super().__init__(None)
        self.context = context

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.context.move_to(*pt)

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.context.line_to(*pt)

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]) -> None:
        self.context.curve_to(*p1, *p2, *p3)

    def _qCurveToOne(self, p1: tuple[float, float], p2: tuple[float, float]) -> None:
        x0, y0 = self._getCurrentPoint()
        c1 = (x0 + 2 / 3 * (p1[0] - x0), y0 + 2 / 3 * (p1[1] - y0))
        c2 = (p2[0] + 2 / 3 * (p1[0] - p2[0]), p2[1] + 2 / 3 * (p1[1] - p2[1]))
        self.context.curve_to(*c1, *c2, *p2)

    def _closePath(self) -> None:
        self.context.close_path()


_GLYPH_PATHS: dict[tuple[str, int], Any] = {}
_GLYPH_LOCK = threading.Lock()
_installed = False


def _glyph_path(token: str, glyph_id: int) -> Any:
    """A glyph's outline as a cairo path in font units, drawn once per process."""
    key = (token, glyph_id)
    path = _GLYPH_PATHS.get(key)
    if path is None:
        import cairocffi

        context = cairocffi.Context(cairocffi.ImageSurface(cairocffi.FORMAT_A8, 1, 1))
        face_by_token(token).draw_glyph(glyph_id, _CairoPen(context))
        path = context.copy_path()
        with _GLYPH_LOCK:
            _GLYPH_PATHS[key] = path
    return path


def _parse_run(node: Any) -> tuple[str, list[tuple[int, float, float]]]:
    token, *items = node.get("run", "").split()
    glyphs = []
    for item in items:
        glyph, x, y = item.split(":")
        glyphs.append((int(glyph), float(x), float(y)))
    return token, glyphs


def _draw_glyphs(surface: Any, node: Any) -> None:
    """CairoSVG handler for ``og:glyphs``: append each glyph's cached path."""
    token, glyphs = _parse_run(node)
    context = surface.context
    for glyph, x, y in glyphs:
        context.translate(x, y)
        context.append_path(_glyph_path(token, glyph))
        context.translate(-x, -y)


def _glyphs_bounding_box(surface: Any, node: Any) -> tuple[float, float, float, float] | None:
    """The glyphs' box in the node's units, for gradients in objectBoundingBox units."""
    token, glyphs = _parse_run(node)
    face = face_by_token(token)
    boxes = [
        (x + b[0], y + b[1], x + b[2], y + b[3])
        for glyph, x, y in glyphs
        if (b := face.outline(face.glyph_order[glyph]).bounds) is not None
    ]
    if not boxes:
        return None
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    return left, top, max(b[2] for b in boxes) - left, max(b[3] for b in boxes) - top


def _install_glyphs() -> None:
    """Teach CairoSVG the ``og:glyphs`` element (an addition: no existing tag changes)."""
    global _installed
    if _installed:
        return
    from cairosvg import bounding_box, surface

    surface.TAGS[GLYPHS_TAG] = _draw_glyphs
    bounding_box.BOUNDING_BOX_METHODS[GLYPHS_TAG] = _glyphs_bounding_box
    _installed = True


def encode_png(image: Any) -> bytes:
    """Encode a cairo ARGB32 surface as PNG: RGB when opaque, fast deflate.

    cairo's own writer takes ~25 ms for a 1200x630 card; this takes about two,
    with files of similar size. Rows are stored unfiltered (the smallest output
    at fast compression levels for cards). With the ``fast`` extra (numpy and
    isal) scanlines are built with numpy and compressed with isal; otherwise
    with Pillow and zlib. Both give the same pixels.
    """
    width, height, stride = image.get_width(), image.get_height(), image.get_stride()
    data = bytes(image.get_data())
    try:
        opaque, raw = _scanlines_numpy(data, width, height, stride)
    except ImportError:
        opaque, raw = _scanlines_pillow(data, width, height, stride)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join(
        (b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", _compress(raw)), _chunk(b"IEND", b""))
    )


def _scanlines_numpy(data: bytes, width: int, height: int, stride: int) -> tuple[bool, bytes]:
    """PNG scanlines (filter byte 0, then RGB or RGBA) from cairo's premultiplied BGRA."""
    import numpy as np

    words = np.frombuffer(data, "<u4").reshape(height, stride // 4)[:, :width]
    opaque = bool((words >= 0xFF000000).all())  # alpha is the top byte
    pixels = np.frombuffer(data, np.uint8).reshape(height, stride // 4, 4)[:, :width]
    channels = 3 if opaque else 4
    raw = np.zeros((height, width * channels + 1), np.uint8)
    rows = raw[:, 1:].reshape(height, width, channels)
    if opaque:
        # Channel by channel: numpy copies a reversed channel axis slowly.
        for target, source in ((0, 2), (1, 1), (2, 0)):
            rows[..., target] = pixels[..., source]
    else:
        # Undo cairo's premultiplied alpha, truncating like Pillow's "BGRa" decoder.
        alpha = pixels[..., 3].astype(np.uint32)
        safe = np.maximum(alpha, 1)
        for target, source in ((0, 2), (1, 1), (2, 0)):
            color = pixels[..., source].astype(np.uint32)
            rows[..., target] = np.where(alpha > 0, np.minimum(color * 255 // safe, 255), 0)
        rows[..., 3] = pixels[..., 3]
    return opaque, raw.tobytes()


def _scanlines_pillow(data: bytes, width: int, height: int, stride: int) -> tuple[bool, bytes]:
    """The same scanlines with Pillow alone (slower), when numpy is not installed."""
    from PIL import Image

    opaque = stride == width * 4 and not data[3::4].strip(b"\xff")
    if opaque:
        picture = Image.frombuffer("RGB", (width, height), data, "raw", "BGRX", stride, 1)
    else:
        picture = Image.frombuffer("RGBA", (width, height), data, "raw", "BGRa", stride, 1)
    pixels = picture.tobytes()
    row = width * (3 if opaque else 4)
    raw = bytearray(height * (row + 1))
    view = memoryview(pixels)
    for y in range(height):
        start = y * (row + 1) + 1
        raw[start : start + row] = view[y * row : (y + 1) * row]
    return opaque, bytes(raw)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _compress(data: bytes) -> bytes:
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.compress(data, 3)
    return isal_zlib.compress(data, 1)


def encode(png: bytes, format: str, *, quality: int = 90) -> bytes:
    """Re-encode a PNG as ``jpg`` or ``webp`` with Pillow (JPEG has no alpha: white behind)."""
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - Pillow comes with CairoSVG
        raise RenderError(f"{format} output needs Pillow (pip install pillow)") from exc
    from io import BytesIO

    with Image.open(BytesIO(png)) as image:
        image.load()
        if format == "jpg":
            flat = image.convert("RGB")
            if image.mode in ("RGBA", "LA", "P"):
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", image.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
            output = BytesIO()
            flat.save(output, "JPEG", quality=quality, optimize=True, progressive=True)
        else:
            output = BytesIO()
            image.save(output, "WEBP", quality=quality, method=4)
    return output.getvalue()
