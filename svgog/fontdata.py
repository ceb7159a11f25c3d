"""Fonts given as bytes, as a template's ``@font-face`` rules give them.

A web or design-tool export embeds its fonts in the document::

    @font-face { font-family: "Brand"; font-weight: 100 900;
                 src: url(data:font/woff2;base64,...) format("woff2"); }

The template layer decodes the ``data:`` URI; :func:`describe_data` turns the
bytes and the rule's descriptors into the :class:`~svgog.fontinfo.FontInfo`
entries :meth:`svgog.fonts.FontRegistry.add_data` registers. Descriptors
replace what the font's own tables say, as in CSS: a family, a weight (or a
range, inside which a variable font's instances are chosen), a style, a width.

Descriptions are cached per process by content hash (the last
:data:`DATA_CACHE_SIZE` fonts), so templates embedding the same font share
one decompression, one HarfBuzz blob (:mod:`svgog.fontsource`) and, through
:func:`svgog.fonts.load_face`, one face. Each font is at most :data:`~svgog.fontfiles.MAX_FONT_DATA_BYTES`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from .errors import FontError
from .fontfiles import MAX_FONT_DATA_BYTES, to_sfnt
from .fontinfo import FontInfo, describe
from .fontmatch import STYLES, nearest
from .fontsource import data_source

__all__ = ["DATA_CACHE_BYTES", "DATA_CACHE_SIZE", "describe_data"]

#: How many fonts given as bytes stay described per process (by content hash).
DATA_CACHE_SIZE = 32
#: How many decompressed bytes those may hold in all (the most recent font is always kept).
DATA_CACHE_BYTES = 128 * 1024 * 1024


def describe_data(
    data: bytes,
    source: str,
    *,
    family: str | None = None,
    weight: float | tuple[float, float] | None = None,
    style: str | None = None,
    stretch: float | tuple[float, float] | None = None,
) -> list[tuple[FontInfo, str]]:
    """The faces of a font in memory as an ``@font-face`` rule declares them, each with its legacy family.

    :param source: What errors (and the infos) name.
    :raises FontError: The bytes are not a font or too large, or a descriptor is invalid.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise FontError(f"font data must be bytes, not {type(data).__name__}", path=source)
    data = bytes(data)
    if len(data) > MAX_FONT_DATA_BYTES:
        raise FontError(f"the font is {len(data)} bytes (at most {MAX_FONT_DATA_BYTES})", path=source)
    if family is not None and not family.strip():
        raise FontError("font-family is empty", path=source)
    descriptors = _Descriptors(
        family=family.strip() if family is not None else None,
        weights=_css_range(weight, "font-weight", 1, 1000, source) if weight is not None else None,
        style=_css_style_descriptor(style, source) if style is not None else None,
        widths=_css_range(stretch, "font-stretch", 1, 1000, source) if stretch is not None else None,
    )
    described = descriptors.apply(_describe_cached(data, source))
    return [(replace(info, source=source), legacy) for info, legacy in described]


_DATA_CACHE: OrderedDict[str, list[tuple[FontInfo, str]]] = OrderedDict()
_DATA_LOCK = threading.Lock()


def _describe_cached(data: bytes, source: str) -> list[tuple[FontInfo, str]]:
    """Describe a font from memory, once per content (templates embedding the same font share it)."""
    digest = hashlib.sha256(data).hexdigest()
    with _DATA_LOCK:
        described = _DATA_CACHE.get(digest)
        if described is not None:
            _DATA_CACHE.move_to_end(digest)
            return described
    sfnt = to_sfnt(data, source)
    described = describe(data_source(sfnt, digest, source), digest=digest, data=sfnt)
    with _DATA_LOCK:
        _DATA_CACHE[digest] = described
        while len(_DATA_CACHE) > DATA_CACHE_SIZE or (
            len(_DATA_CACHE) > 1 and sum(_held(entry) for entry in _DATA_CACHE.values()) > DATA_CACHE_BYTES
        ):
            _DATA_CACHE.popitem(last=False)
    return described


def _held(described: list[tuple[FontInfo, str]]) -> int:
    """The bytes a cached description holds: its font's (shared by all its faces)."""
    data = described[0][0].data if described else None
    return len(data) if data is not None else 0


@dataclass(frozen=True)
class _Descriptors:
    """An ``@font-face`` rule's descriptors: what they give replaces what the font's tables say."""

    family: str | None
    weights: tuple[float, float] | None
    style: str | None
    widths: tuple[float, float] | None

    def apply(self, described: list[tuple[FontInfo, str]]) -> list[tuple[FontInfo, str]]:
        result = []
        for index in sorted({info.index for info, _legacy in described}):
            faces = [(info, legacy) for info, legacy in described if info.index == index]
            if self.style is not None:
                # The font's own face in that style (a variable font's ital or slnt value),
                # else its first face, taken for that style on the descriptor's word.
                same = [(info, legacy) for info, legacy in faces if info.style == self.style]
                faces = same or [(replace(faces[0][0], style=self.style), faces[0][1])]
            for info, legacy in faces:
                if self.family is not None:
                    info = replace(info, family=self.family)
                if self.weights is not None:
                    # A variable font keeps a range even of one value: its wght is set to it.
                    ranged = bool(info.axes) or self.weights[0] != self.weights[1]
                    weight = round(nearest(self.weights, info.weight))
                    info = replace(info, weight=weight, weight_range=self.weights if ranged else None)
                if self.widths is not None:
                    ranged = bool(info.axes) or self.widths[0] != self.widths[1]
                    stretch = nearest(self.widths, info.stretch)
                    info = replace(info, stretch=stretch, stretch_range=self.widths if ranged else None)
                result.append((info, legacy))
        return result


def _css_style_descriptor(style: str, source: str) -> str:
    words = style.strip().lower().split()
    if not words or words[0] not in STYLES:
        raise FontError(f"font-style {style!r} is not normal, italic or oblique", path=source)
    return words[0]


def _css_range(
    value: float | tuple[float, float], name: str, low: float, high: float, source: str
) -> tuple[float, float]:
    """A descriptor value or range, checked, as ``(low, high)``; a reversed range is swapped, as in CSS."""
    values: list[object] = [value, value] if isinstance(value, (int, float)) else []
    if isinstance(value, (tuple, list)):
        values = list(value)
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and low <= v <= high]
    if len(values) != 2 or len(numbers) != 2:
        raise FontError(f"{name} {value!r} is not a value or a pair of values from {low:g} to {high:g}", path=source)
    return (min(numbers), max(numbers))
