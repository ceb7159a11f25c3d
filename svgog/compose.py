"""A filled document drawn over its static layer, and the pixels encoded.

:func:`draw` copies the static layer's pixels (drawn once per layer key and
kept, see :class:`Base`) and draws the rest of the document on the copy:
straight with cairo when everything in it is of a kind :mod:`svgog.direct`
draws, with CairoSVG otherwise. It reports the rows it changed, so
:func:`encode` compresses only those and reuses the static layer's compressed
rows for the others (:mod:`svgog.pngwriter`; for JPEG, :mod:`svgog.jpegwriter`).
WebP is made from the pixels directly.

Caches here are bounded in bytes: the static layers (:data:`BASE_CACHE_BYTES`)
and the pictures of static pieces (:data:`PIECE_CACHE_BYTES`).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from lxml import etree

from . import direct, jpegwriter, pngwriter
from .errors import RenderError
from .raster import draw as cairosvg_draw
from .recorded import emoji_picture
from .template import StaticLayer
from .text.emoji import emoji_set_by_token

__all__ = ["BASE_CACHE_BYTES", "PIECE_CACHE_BYTES", "Base", "Drawn", "clear", "draw", "encode", "static_base"]

#: Bytes of static layers a process keeps (a 1200x630 layer is 3 MB).
BASE_CACHE_BYTES = 32 * 1024 * 1024
#: Bytes of static pieces' pictures a process keeps.
PIECE_CACHE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Base:
    """A static layer drawn: its pixels (cairo ARGB32) and its rows for the PNG encoder."""

    pixels: bytes
    width: int
    height: int
    stride: int
    rows: pngwriter.StaticRows
    #: Its MCU rows encoded as JPEG, by quality (made on first use).
    jpegs: dict[int, jpegwriter.StaticJpeg] = dataclasses.field(default_factory=dict, compare=False)

    def jpeg(self, quality: int) -> jpegwriter.StaticJpeg:
        """The layer's rows as JPEG at ``quality``, encoded on first use."""
        found = self.jpegs.get(quality)
        if found is None:
            found = self.jpegs[quality] = jpegwriter.StaticJpeg(self.pixels, self.width, self.height, self.stride, quality)
        return found


@dataclass
class Drawn:
    """A drawn picture: cairo ARGB32 pixels, and what is known of how it was made.

    :ivar base: The static layer it was drawn over, ``None`` when drawn whole.
    :ivar changed: Row ranges that may differ from the base's.

    Pixels drawn without CairoSVG live in the thread's drawing buffer: valid
    until the thread draws again.
    """

    data: Any
    width: int
    height: int
    stride: int
    base: Base | None = None
    changed: tuple[tuple[int, int], ...] = ()
    keep: Any = None  # the cairo surface the pixels belong to

    @property
    def opaque(self) -> bool:
        """Whether every pixel is opaque (known from the base when there is one)."""
        if self.base is not None:
            return self.base.rows.opaque
        return pngwriter.is_opaque(self.data, self.width, self.height, self.stride)


_bases: LRUCache[tuple[str, int, int], Base] = LRUCache(maxsize=BASE_CACHE_BYTES, getsizeof=lambda b: len(b.pixels) * 9 // 8)
_pieces: LRUCache[tuple[str, int, int, int], Any] = LRUCache(
    maxsize=PIECE_CACHE_BYTES, getsizeof=lambda p: p[0].get_stride() * p[0].get_height() + 200 if p else 200
)
_lock = threading.Lock()


def clear() -> None:
    """Forget every static layer and piece drawn: the next render draws them again."""
    with _lock:
        _bases.clear()
        _pieces.clear()


def static_base(
    layer: StaticLayer, *, width: int, height: int, base_dir: Path | None = None, template: str | None = None
) -> Base:
    """The static layer drawn at this size: on first use, then from the cache."""
    key = (layer.key, width, height)
    with _lock:
        found = _bases.get(key)
    if found is None:
        surface = cairosvg_draw(layer.document(), width=width, height=height, base_dir=base_dir, template=template)
        pixels, stride = bytes(surface.get_data()), surface.get_stride()
        opaque = pngwriter.is_opaque(pixels, width, height, stride)
        found = Base(pixels, width, height, stride, pngwriter.StaticRows(pixels, width, height, stride, opaque))
        with _lock:
            try:
                _bases[key] = found
            except ValueError:  # larger than the whole cache (a huge scale): not kept
                pass
    return found


def _piece(
    layer: StaticLayer, index: int, width: int, height: int, base_dir: Path | None, template: str | None
) -> tuple[Any, int, int] | None:
    """Static pieces drawn alone, cropped to what they cover: (surface, x, y), ``None`` if nothing."""
    key = (layer.key, index, width, height)
    with _lock:
        found = _pieces.get(key, False)
    if found is not False:
        return found  # type: ignore[no-any-return]
    import cairocffi
    from PIL import Image

    surface = cairosvg_draw(layer.document((index,)), width=width, height=height, base_dir=base_dir, template=template)
    stride = surface.get_stride()
    drawn = Image.frombuffer("RGBA", (width, height), surface.get_data(), "raw", "BGRA", stride, 1)
    box = drawn.getchannel("A").getbbox()
    picture = None
    if box is not None:
        left, top, right, bottom = box
        cropped = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, right - left, bottom - top)
        context = cairocffi.Context(cropped)
        context.set_operator(cairocffi.OPERATOR_SOURCE)
        context.set_source_surface(surface, -left, -top)
        context.paint()
        cropped.flush()
        picture = (cropped, left, top)
    with _lock:
        try:
            _pieces[key] = picture
        except ValueError:
            pass
    return picture


def _emoji(token: str, name: str) -> Any:
    emoji = emoji_set_by_token(token)
    return emoji_picture(emoji, name) if emoji is not None else None


def draw(
    document: etree._Element,
    layer: StaticLayer | None,
    *,
    width: int,
    height: int,
    base_dir: Path | None = None,
    template: str | None = None,
) -> Drawn:
    """Draw a filled document (see :meth:`svgog.template.Template.fill_layers`) over its static layer.

    :raises RenderError: If CairoSVG cannot draw the document.
    """
    if layer is None:
        surface = cairosvg_draw(_serialize(document), width=width, height=height, base_dir=base_dir, template=template)
        return Drawn(surface.get_data(), width, height, surface.get_stride(), keep=surface)
    base = static_base(layer, width=width, height=height, base_dir=base_dir, template=template)
    operations = direct.plan(document, width, height)
    if operations is None:
        surface = cairosvg_draw(
            _serialize(document), width=width, height=height, base_dir=base_dir, template=template, base=base.pixels
        )
        data = surface.get_data()
        return Drawn(data, width, height, base.stride, base, _changed_rows(data, base), surface)
    pieces = [operation for operation in operations if isinstance(operation, direct.Piece)]
    if pieces:
        # Start from the static layer with the pieces already on it and draw
        # only what changes: right unless a piece above dynamic content overlaps it.
        covered = _covered(layer, base, tuple(p.index for p in pieces), base_dir, template)
        positions = [i for i, operation in enumerate(operations) if not isinstance(operation, direct.Piece)]
        drawn, boxes = _paint(covered, [operations[i] for i in positions], layer, base_dir, template)
        if not _under_a_piece(operations, [(positions[i], box) for i, box in boxes], layer, base, base_dir, template):
            return drawn
    return _paint(base, operations, layer, base_dir, template)[0]


def _paint(
    base: Base, operations: list[direct.Operation], layer: StaticLayer, base_dir: Path | None, template: str | None
) -> tuple[Drawn, list[tuple[int, direct.Box]]]:
    """Draw operations on a copy of ``base``'s pixels; also what each one touched, by position."""
    import cairocffi

    width, height = base.width, base.height
    pixels = _scratch(base)
    surface = cairocffi.ImageSurface.create_for_data(pixels, cairocffi.FORMAT_ARGB32, width, height, base.stride)
    context = cairocffi.Context(surface)

    def piece(index: int) -> tuple[Any, int, int] | None:
        return _piece(layer, index, width, height, base_dir, template)

    try:
        boxes = list(direct.paint(context, operations, _emoji, piece))
    except RenderError:
        raise
    except Exception as exc:  # cairo errors, a face gone since the document was filled
        raise RenderError(f"could not draw the document: {type(exc).__name__}: {exc}", template=template) from exc
    surface.flush()
    changed = tuple((top, bottom) for _, (_, top, _, bottom) in boxes)
    _thread.drawn = (base, changed)  # what to put back before the next drawing on this base
    return Drawn(pixels, width, height, base.stride, base, changed, surface), boxes


_thread = threading.local()


def _scratch(base: Base) -> bytearray:
    """This thread's drawing buffer, holding ``base``'s pixels, reused from render to render.

    A fresh 3 MB buffer costs its page faults on every render (in a virtual
    machine, more than the drawing), and copying the whole static layer
    costs more than copying back the rows the last drawing changed, which is
    all a buffer that last held the same base needs. The pixels of a
    :class:`Drawn` from :func:`draw` are valid until the thread's next draw.
    """
    size = len(base.pixels)
    buffer = getattr(_thread, "buffer", None)
    last = getattr(_thread, "drawn", None)
    _thread.drawn = None  # until this drawing is done, the buffer holds no known picture
    if buffer is None or len(buffer) != size:
        buffer = _thread.buffer = bytearray(size)
        last = None
    if last is not None and last[0] is base:
        target, source, stride = memoryview(buffer), memoryview(base.pixels), base.stride
        for top, bottom in last[1]:
            top, bottom = max(0, top) * stride, min(base.height, bottom) * stride
            if bottom > top:
                target[top:bottom] = source[top:bottom]
    else:
        buffer[:] = base.pixels
    return buffer


def _covered(
    layer: StaticLayer, base: Base, pieces: tuple[int, ...], base_dir: Path | None, template: str | None
) -> Base:
    """The static layer with these pieces drawn on it, in order: a base of its own (cached)."""
    key = (f"{layer.key}+{pieces!r}", base.width, base.height)
    with _lock:
        found = _bases.get(key)
    if found is None:
        operations: list[direct.Operation] = [direct.Piece(index) for index in pieces]
        drawn, _ = _paint(base, operations, layer, base_dir, template)
        pixels = bytes(drawn.data)
        rows = pngwriter.StaticRows(pixels, base.width, base.height, base.stride, base.rows.opaque)
        found = Base(pixels, base.width, base.height, base.stride, rows)
        with _lock:
            try:
                _bases[key] = found
            except ValueError:
                pass
    return found


def _under_a_piece(
    operations: list[direct.Operation],
    boxes: list[tuple[int, direct.Box]],
    layer: StaticLayer,
    base: Base,
    base_dir: Path | None,
    template: str | None,
) -> bool:
    """Whether something dynamic overlaps a piece that comes after it (and so should cover it)."""
    for position, operation in enumerate(operations):
        if not isinstance(operation, direct.Piece):
            continue
        found = _piece(layer, operation.index, base.width, base.height, base_dir, template)
        if found is None:
            continue
        surface, x, y = found
        right, bottom = x + surface.get_width(), y + surface.get_height()
        for earlier, (left, top, box_right, box_bottom) in boxes:
            if earlier < position and left < right and x < box_right and top < bottom and y < box_bottom:
                return True
    return False


def _serialize(document: etree._Element) -> bytes:
    return etree.tostring(document, encoding="utf-8", xml_declaration=False)


def _changed_rows(data: Any, base: Base) -> tuple[tuple[int, int], ...]:
    """The runs of rows where ``data`` differs from the base's pixels, to :data:`~svgog.pngwriter.BAND_ROWS`."""
    step, stride = pngwriter.BAND_ROWS, base.stride
    now, before = memoryview(data), memoryview(base.pixels)
    runs: list[tuple[int, int]] = []
    for top in range(0, base.height, step):
        bottom = min(base.height, top + step)
        if now[top * stride : bottom * stride].tobytes() != before[top * stride : bottom * stride]:
            if runs and runs[-1][1] == top:
                runs[-1] = (runs[-1][0], bottom)
            else:
                runs.append((top, bottom))
    return tuple(runs)


def encode(drawn: Drawn, format: str, *, quality: int = 90) -> bytes:
    """Encode a drawn picture as ``png``, ``jpg`` or ``webp`` (JPEG has no alpha: white behind).

    JPEG is baseline with the standard Huffman tables and a restart marker
    after each row of blocks, so that only the rows a render changed are
    encoded (:mod:`svgog.jpegwriter`); WebP uses libwebp's fastest method.
    Optimized tables, progressive scans and slower WebP methods make files
    10-25% smaller and take two to four times as long.
    """
    if format == "png":
        if drawn.base is not None:
            rows = drawn.base.rows
            return pngwriter.encode_rows(drawn.data, drawn.width, drawn.height, drawn.stride, rows, drawn.changed)
        return pngwriter.encode_png(drawn.data, drawn.width, drawn.height, drawn.stride)
    if format == "jpg" and drawn.opaque:
        if drawn.base is not None:
            return jpegwriter.encode_rows(drawn.data, drawn.base.jpeg(quality), drawn.changed)
        return jpegwriter.encode(drawn.data, drawn.width, 0, drawn.height, drawn.stride, quality)
    from io import BytesIO

    from PIL import Image

    size = (drawn.width, drawn.height)
    if drawn.opaque:
        image = Image.frombuffer("RGB", size, drawn.data, "raw", "BGRX", drawn.stride, 1)
    else:
        image = Image.frombuffer("RGBA", size, drawn.data, "raw", "BGRa", drawn.stride, 1)
    output = BytesIO()
    if format == "jpg":
        flat = Image.new("RGB", size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        flat.save(output, "JPEG", quality=quality, subsampling="4:2:0", restart_marker_rows=1)
    else:
        image.save(output, "WEBP", quality=quality, method=0)
    return output.getvalue()
