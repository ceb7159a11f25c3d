"""Drawing bitmap images (PNG, JPEG, GIF, WebP) in a card, as browsers draw them.

CairoSVG paints an ``<image>``'s pixels as a pattern that fades into
transparency past its edges, so a picture scaled up (a cover photo, an
avatar) gets a dark seam along its border where browsers show the edge
pixels. svgog draws bitmaps itself: decoded once per content (the same photo
in every render is not decoded again), painted with its edge pixels
extended and clipped to the picture's own rectangle. SVG images are left to
CairoSVG.
"""

from __future__ import annotations

import hashlib
import io
import threading
from typing import Any

from cachetools import LRUCache

from .errors import RenderError

__all__ = ["draw_image", "MAX_DECODED_BYTES", "MAX_PICTURE_PIXELS"]

#: The largest picture decoded (a decompression bomb is refused from its header).
MAX_PICTURE_PIXELS = 40_000_000

#: Decoded pictures kept per process, in bytes of pixels.
MAX_DECODED_BYTES = 64 * 1024 * 1024
_DECODED: LRUCache[str, tuple[bytearray, int, int]] = LRUCache(
    maxsize=MAX_DECODED_BYTES, getsizeof=lambda entry: len(entry[0])
)
_LOCK = threading.Lock()
_SVG_STARTS = (b"<svg", b"<?xml", b"<!DOC", b"\x1f\x8b")


def _is_svg(data: bytes) -> bool:
    return data.lstrip()[:5].startswith(_SVG_STARTS) or b"<svg" in data[:4096]


def _decode(data: bytes) -> Any:
    """A cairo image surface of the picture (EXIF orientation applied), decoded once per content.

    The pixels are kept and shared; every call wraps them in a surface of its
    own (cairo surfaces are not to be shared between threads), without copying.
    """
    import cairocffi as cairo
    from PIL import Image, ImageOps

    key = hashlib.sha256(data).hexdigest()
    with _LOCK:
        found = _DECODED.get(key)
    if found is None:
        try:
            opened = Image.open(io.BytesIO(data))  # reads the header only
        except Image.DecompressionBombError:
            raise RenderError(
                f"a picture larger than Pillow agrees to open: the limit is {MAX_PICTURE_PIXELS} pixels"
            ) from None
        with opened:
            # Image values are checked when resolved; this holds for every picture drawn, at any depth.
            if opened.width * opened.height > MAX_PICTURE_PIXELS:
                raise RenderError(
                    f"a picture of {opened.width}x{opened.height} pixels: the limit is {MAX_PICTURE_PIXELS} pixels"
                )
            picture = ImageOps.exif_transpose(opened).convert("RGBA")
        # cairo wants premultiplied BGRA; Pillow's "BGRa" raw mode writes exactly that.
        found = (bytearray(picture.tobytes("raw", "BGRa")), picture.width, picture.height)
        with _LOCK:
            try:
                _DECODED[key] = found
            except ValueError:  # larger than the whole cache: used once, not kept
                pass
    pixels, width, height = found
    surface = cairo.ImageSurface.create_for_data(pixels, cairo.FORMAT_ARGB32, width, height, width * 4)
    surface._svgog_pixels = pixels  # the buffer lives as long as the surface, even if the cache drops it
    return surface


def draw_image(surface: Any, node: Any, fallback: Any) -> None:
    """CairoSVG handler for ``<image>``: bitmaps drawn here, SVG images by ``fallback`` (CairoSVG's)."""
    import os.path

    import cairocffi as cairo
    from cairosvg.helpers import preserve_ratio, size
    from cairosvg.url import parse_url

    base_url = node.get("{http://www.w3.org/XML/1998/namespace}base")
    if not base_url and node.url:
        base_url = os.path.dirname(node.url) + "/"
    href = node.get_href()
    if not href:
        return
    data = node.fetch_url(parse_url(href, base_url), "image/*")
    if len(data) < 5:
        return
    if _is_svg(data):
        fallback(surface, node)
        return
    # A picture that cannot be decoded fails the render (the caller serves its
    # fallback and logs why) rather than leaving a hole in the card.
    picture = _decode(data)
    x, y = size(surface, node.get("x"), "x"), size(surface, node.get("y"), "y")
    width = size(surface, node.get("width"), "x")
    height = size(surface, node.get("height"), "y")
    node.image_width, node.image_height = picture.get_width(), picture.get_height()
    width = width or node.image_width
    height = height or node.image_height
    scale_x, scale_y, translate_x, translate_y = preserve_ratio(surface, node, width, height)
    context = surface.context
    context.save()
    context.rectangle(x, y, width, height)
    context.clip()
    context.translate(x, y)
    context.scale(scale_x, scale_y)
    context.translate(translate_x, translate_y)
    # The picture's own rectangle: edge pixels extend to it, not past it.
    context.rectangle(0, 0, node.image_width, node.image_height)
    context.clip()
    pattern = cairo.SurfacePattern(picture)
    pattern.set_extend(cairo.EXTEND_PAD)
    rendering = node.get("image-rendering")
    pattern.set_filter(
        cairo.FILTER_FAST if rendering in ("optimizeSpeed", "pixelated", "crisp-edges") else cairo.FILTER_GOOD
    )
    context.set_source(pattern)
    opacity = node.get("opacity")
    try:
        alpha = min(max(float(opacity), 0.0), 1.0) if opacity is not None else 1.0
    except ValueError:
        alpha = 1.0
    context.paint_with_alpha(alpha)
    context.restore()
