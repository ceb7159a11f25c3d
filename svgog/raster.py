"""Rasterizing a filled SVG document with CairoSVG, with every fetch locked down.

CairoSVG fetches whatever an ``href`` names: local files, ``http:`` URLs. The
fetcher given here allows only ``data:`` URIs and files inside one directory
(the template's own), so neither a template nor a filled value can make the
renderer read ``/etc/passwd`` or call an internal service. Refused resources
are left out of the picture, with a warning in the log.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from .errors import RenderError

__all__ = ["MAX_RESOURCE_BYTES", "encode", "make_url_fetcher", "svg_to_png"]

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
    # Imported here: cairo is the slowest import and the SVG path never needs it.
    from cairosvg.surface import PNGSurface

    # ``url`` is the template's own location (never anything a caller supplies),
    # so relative hrefs resolve against the template's directory.
    base_url = (base_dir.resolve() / "template.svg").as_uri() if base_dir is not None else None
    try:
        png = PNGSurface.convert(
            bytestring=svg,
            url=base_url,
            unsafe=False,
            url_fetcher=make_url_fetcher(base_dir),
            output_width=width,
            output_height=height,
        )
    except Exception as exc:  # CairoSVG raises many unrelated types; callers get one.
        raise RenderError(
            f"CairoSVG could not draw the document: {type(exc).__name__}: {exc}", template=template
        ) from exc
    if not isinstance(png, bytes):
        raise RenderError("CairoSVG returned no PNG data", template=template)
    return png


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
            if image.mode in ("RGBA", "LA", "P"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
                image = background
            output = BytesIO()
            image.convert("RGB").save(output, "JPEG", quality=quality, optimize=True, progressive=True)
        else:
            output = BytesIO()
            image.save(output, "WEBP", quality=quality, method=4)
    return output.getvalue()
