"""Emoji pictures recorded once as cairo drawing operations, replayed at any size.

CairoSVG parses and walks an emoji's SVG in Python each time it draws it
(about 1.3 ms for a Twemoji picture). Drawn once into a cairo recording
surface, the same picture is replayed by cairo itself, in vectors, under any
transformation: an emoji costs what its shapes cost to fill.
"""

from __future__ import annotations

import io
import threading
from typing import Any

from cachetools import LRUCache

from .text.emoji import EmojiSet

__all__ = ["emoji_picture"]

# Recordings are small (a Twemoji picture is a few KB of path data).
_PICTURES: LRUCache[tuple[str, str], Any] = LRUCache(maxsize=2048)
_lock = threading.Lock()
_Recorder: Any = None


def _recorder() -> Any:
    """A CairoSVG surface that records instead of drawing pixels."""
    global _Recorder
    if _Recorder is None:
        import cairocffi
        from cairosvg.surface import Surface

        class Recorder(Surface):  # type: ignore[misc]
            device_units_per_user_units = 1  # pixels, as for a PNG (the base class counts points)

            def _create_surface(self, width: float, height: float) -> tuple[Any, float, float]:
                surface = cairocffi.RecordingSurface(cairocffi.CONTENT_COLOR_ALPHA, (0, 0, width, height))
                return surface, width, height

        _Recorder = Recorder
    return _Recorder


def emoji_picture(emoji: EmojiSet, name: str) -> Any:
    """The emoji's picture as a cairo recording surface in its own units (``None`` if it cannot be drawn)."""
    key = (emoji.token, name)
    with _lock:
        found = _PICTURES.get(key, False)
    if found is not False:
        return found
    from cairosvg.parser import Tree

    picture = None
    try:
        tree = Tree(bytestring=emoji.svg(name), unsafe=False, url_fetcher=_no_fetching)
        # Recorded in the picture's own units: its viewBox is the square of one em.
        side = emoji.units
        picture = _recorder()(tree, io.BytesIO(), 96, output_width=side, output_height=side).cairo
    except Exception:  # noqa: BLE001 - a broken picture in an emoji set is left out, as CairoSVG would
        picture = None
    with _lock:
        _PICTURES[key] = picture
    return picture


def _no_fetching(url: str, resource_type: str) -> bytes:
    return b""
