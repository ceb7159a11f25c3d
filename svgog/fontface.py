"""A loaded font face: HarfBuzz underneath, glyph ids everywhere.

A :class:`FontFace` is one face of a font file at one location (a variable
font's weight, width or slant). It is a HarfBuzz face on the file's shared
blob (:mod:`svgog.fontsource`) and, made on first use, one ``hb.Font`` with
the location's variations set. Everything is read lazily: metrics when first
asked for, a glyph's outline the first time it is drawn, so a face that is
never drawn with (a CJK fallback that a Latin title never needs) costs a few
small objects.

Faces are shared between threads. HarfBuzz loads tables lazily and
thread-safely, and shaping or drawing with a font that is set up is safe from
any thread; svgog's own caches (metrics, outlines) fill under locks.

Glyphs are named by their index (glyph id) everywhere: shaping returns ids;
outlines, bounds and drawing take them. Metrics are in font units; multiply
by ``size / units_per_em`` for pixels.

:func:`load_face` makes each face once per process: faces are cached by file
identity (or content hash) and location, the :data:`FACE_CACHE_SIZE` most
recent strongly and any other as long as something still uses it.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import uharfbuzz as hb
from fontTools.pens.boundsPen import BoundsPen

from .errors import FontError
from .fontinfo import FontInfo
from .fontsource import FontSource, data_source, file_source
from .variable import variations

__all__ = [
    "FACE_CACHE_SIZE",
    "OUTLINE_CACHE_SIZE",
    "FontFace",
    "GlyphOutline",
    "face_by_token",
    "format_number",
    "load_face",
]

#: How many faces stay loaded per process while nothing uses them.
FACE_CACHE_SIZE = 256
#: How many glyph outlines a face keeps (a CJK face has 65,000 glyphs).
OUTLINE_CACHE_SIZE = 4096

# Tables a face needs to be drawn with; one of the outline tables is enough.
_REQUIRED = {"cmap": "a Unicode character map", "head": "a head table", "hmtx": "horizontal metrics"}
_OUTLINES = frozenset({"glyf", "CFF ", "CFF2"})


def format_number(value: float, digits: int = 2) -> str:
    """A coordinate in SVG, compactly: at most ``digits`` decimals, no trailing zeros.

    >>> format_number(1.50), format_number(-0.001), format_number(2.0)
    ('1.5', '0', '2')
    """
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class GlyphOutline:
    """A glyph's outline as SVG path data in font units, y pointing up.

    The data starts with one absolute ``M`` to (``start_x``, ``start_y``); every
    other command is relative. Shifting the glyph horizontally therefore only
    changes the first number, which is what lets a whole line become one path
    cheaply: see :meth:`path_at`.
    """

    start_x: float
    start_y: float
    rest: str
    #: Ink bounds ``(x_min, y_min, x_max, y_max)`` in font units; ``None`` if the glyph draws nothing.
    bounds: tuple[float, float, float, float] | None = None

    def path_at(self, dx: float, dy: float = 0.0) -> str:
        """Path data for this glyph with its origin moved by (``dx``, ``dy``) units."""
        if not self.rest:
            return ""
        return f"M{format_number(self.start_x + dx)} {format_number(self.start_y + dy)}{self.rest}"


class _OutlinePen(BoundsPen):
    """Writes an outline as SVG path data with relative commands, and measures its ink bounds."""

    def __init__(self) -> None:
        super().__init__(None)
        self.start: tuple[float, float] | None = None
        self.parts: list[str] = []
        self._current = (0.0, 0.0)
        self._subpath_start = (0.0, 0.0)
        # Where a line back to the subpath's start was written: "z" draws that line itself.
        self._closing_line = -1

    def _rel(self, pt: tuple[float, float]) -> str:
        return f"{format_number(pt[0] - self._current[0])} {format_number(pt[1] - self._current[1])}"

    def _moveTo(self, pt: tuple[float, float]) -> None:
        super()._moveTo(pt)
        if self.start is None:
            self.start = pt
        else:
            self.parts.append("m" + self._rel(pt))
        self._current = self._subpath_start = pt

    def _lineTo(self, pt: tuple[float, float]) -> None:
        super()._lineTo(pt)
        self.parts.append("l" + self._rel(pt))
        self._current = pt
        if pt == self._subpath_start:
            self._closing_line = len(self.parts)

    def _curveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float], pt3: tuple[float, float]) -> None:
        super()._curveToOne(pt1, pt2, pt3)
        self.parts.append(f"c{self._rel(pt1)} {self._rel(pt2)} {self._rel(pt3)}")
        self._current = pt3

    def _qCurveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float]) -> None:
        super()._qCurveToOne(pt1, pt2)
        self.parts.append(f"q{self._rel(pt1)} {self._rel(pt2)}")
        self._current = pt2

    def _closePath(self) -> None:
        # HarfBuzz ends a contour with an explicit line back to its start; "z" alone draws it.
        if self._closing_line == len(self.parts):
            self.parts.pop()
        self.parts.append("z")
        # After "z" the current point is the subpath's start (SVG path rules).
        self._current = self._subpath_start

    def _endPath(self) -> None:
        pass


@dataclass(frozen=True)
class _Metrics:
    units_per_em: int
    ascender: int
    descender: int
    x_height: float
    cap_height: float


class FontFace:
    """One font face at one location: character map, shaping, outlines, metrics.

    Build faces through :meth:`FontRegistry.match <svgog.fonts.FontRegistry.match>`
    or :func:`load_face`, which cache them per process.

    :param info: The face to load; a variable font's info pins every axis
        (see :meth:`FontInfo.instance <svgog.fontinfo.FontInfo.instance>`).
    :raises FontError: The font cannot be read, or lacks a table drawing needs.
    """

    def __init__(self, info: FontInfo) -> None:
        self.info = info
        self._source = _open_source(info)
        if not 0 <= info.index < self._source.face_count:
            raise FontError(f"the font has no face {info.index}", path=info.source)
        tables = self._source.tables[info.index]
        for tag, what in _REQUIRED.items():
            if tag not in tables:
                raise FontError(f"the font has no {what} ({tag!r} table)", path=info.source)
        if not _OUTLINES & tables:
            raise FontError("the font has no outlines svgog can draw (glyf, CFF or CFF2)", path=info.source)
        self._face = self._source.face(info.index)
        self._font: hb.Font | None = None
        self._metrics: _Metrics | None = None
        self._outlines: dict[int, GlyphOutline] = {}
        self._lock = threading.Lock()
        self._outline_lock = threading.Lock()
        #: A short name for this face in drawing instructions (see :func:`face_by_token`),
        #: never reused within a process.
        self.token = f"f{next(_TOKEN_NUMBERS):x}"
        _TOKENS[self.token] = self

    def __repr__(self) -> str:
        return f"<FontFace {self.info.full_name!r} weight={self.info.weight} {self.info.style}>"

    def harfbuzz_font(self) -> hb.Font:
        """This face as a ``uharfbuzz.Font`` in font units, variations set, made once.

        Shape and draw with it freely from any thread; do not change it.
        """
        font = self._font
        if font is None:
            with self._lock:
                if self._font is None:
                    made = hb.Font(self._face)
                    if self.info.location:
                        made.set_variations(variations(self.info.location))
                    self._font = made
                font = self._font
        return font

    # --- metrics -----------------------------------------------------------------------------

    @property
    def units_per_em(self) -> int:
        """Font units per em."""
        return (self._metrics or self._load_metrics()).units_per_em

    @property
    def ascender(self) -> int:
        """Ascent above the baseline in font units, as browsers pick it (typo metrics if the font asks, else hhea)."""
        return (self._metrics or self._load_metrics()).ascender

    @property
    def descender(self) -> int:
        """Descent below the baseline in font units (negative)."""
        return (self._metrics or self._load_metrics()).descender

    @property
    def x_height(self) -> float:
        """Height of lower-case letters ('x'), in font units: for ``ex`` units and ``dominant-baseline: middle``."""
        return (self._metrics or self._load_metrics()).x_height

    @property
    def cap_height(self) -> float:
        """Height of capitals ('H'), in font units."""
        return (self._metrics or self._load_metrics()).cap_height

    def _load_metrics(self) -> _Metrics:
        font = self.harfbuzz_font()
        with self._lock:
            if self._metrics is None:
                em = self._face.upem
                # HarfBuzz picks typo metrics when OS/2 asks for them (USE_TYPO_METRICS),
                # else hhea, as browsers do; at a variable font's location, MVAR applies.
                extents = font.get_font_extents("ltr")
                x_height = _positive(font.get_metric_position(hb.OTMetricsTag.X_HEIGHT))
                cap_height = _positive(font.get_metric_position(hb.OTMetricsTag.CAP_HEIGHT))
                self._metrics = _Metrics(
                    units_per_em=em,
                    ascender=extents.ascender,
                    descender=extents.descender,
                    x_height=x_height or self._glyph_top("x") or 0.5 * em,
                    cap_height=cap_height or self._glyph_top("H") or 0.7 * em,
                )
            return self._metrics

    def _glyph_top(self, char: str) -> float | None:
        """The top of a character's ink, for fonts whose OS/2 table gives no height."""
        glyph = self.glyph_for(char)
        bounds = self.glyph_bounds(glyph) if glyph is not None else None
        return bounds[3] if bounds else None

    # --- characters ----------------------------------------------------------------------------

    def glyph_for(self, char: str) -> int | None:
        """The nominal glyph id for a character (from the character map), or ``None`` if the face lacks it."""
        return self.harfbuzz_font().get_nominal_glyph(ord(char))

    def has_char(self, char: str) -> bool:
        """Whether the face maps this character to a glyph."""
        return self.harfbuzz_font().get_nominal_glyph(ord(char)) is not None

    def covers(self, text: str) -> bool:
        """Whether the face maps every character of ``text`` to a glyph."""
        lookup = self.harfbuzz_font().get_nominal_glyph
        return all(lookup(ord(char)) is not None for char in text)

    def unicodes(self) -> frozenset[int]:
        """Every character the face maps, as code points.

        This walks the whole character map (65,000 entries for a CJK font) and
        is not cached: prefer :meth:`covers` for a decision about some text.
        """
        return frozenset(self._face.unicodes)

    # --- glyphs --------------------------------------------------------------------------------

    def draw_glyph(self, glyph_id: int, pen: Any) -> None:
        """Draw a glyph with a fontTools-style pen, at this face's location.

        The pen gets ``moveTo``, ``lineTo``, ``curveTo`` (CFF), ``qCurveTo``
        (TrueType, one segment per call) and ``closePath``; components come
        decomposed. An id the font does not have draws nothing.
        """
        self.harfbuzz_font().draw_glyph_with_pen(glyph_id, pen)

    def outline(self, glyph_id: int) -> GlyphOutline:
        """The glyph's outline and ink bounds, drawn once and cached."""
        outline = self._outlines.get(glyph_id)
        if outline is None:
            pen = _OutlinePen()
            self.draw_glyph(glyph_id, pen)  # a pen of its own: drawing needs no lock
            start = pen.start or (0.0, 0.0)
            made = GlyphOutline(start[0], start[1], "".join(pen.parts), pen.bounds)
            with self._outline_lock:
                # The first outline stored wins, so every caller gets the same object.
                outline = self._outlines.setdefault(glyph_id, made)
                if len(self._outlines) > OUTLINE_CACHE_SIZE:
                    del self._outlines[next(iter(self._outlines))]
        return outline

    def glyph_bounds(self, glyph_id: int) -> tuple[float, float, float, float] | None:
        """The glyph's ink bounds ``(x_min, y_min, x_max, y_max)`` in font units; ``None`` if it draws nothing."""
        return self.outline(glyph_id).bounds


def _positive(value: int | None) -> int:
    """An OS/2 height as HarfBuzz reads it: 0 when absent (before OS/2 version 2), unset or negative."""
    return value if value is not None and value > 0 else 0


def _open_source(info: FontInfo) -> FontSource:
    if info.data is not None:
        return data_source(info.data, info.digest, info.source)
    if info.path is None:
        raise FontError("the font's bytes are not available", path=info.source)
    return file_source(info.path)


_TOKEN_NUMBERS = itertools.count(1)
_TOKENS: weakref.WeakValueDictionary[str, FontFace] = weakref.WeakValueDictionary()


def face_by_token(token: str) -> FontFace:
    """The loaded face a :attr:`FontFace.token` names.

    :raises FontError: No face in this process has that token (any more).
    """
    face = _TOKENS.get(token)
    if face is None:
        raise FontError(f"no loaded font face is named {token!r}")
    return face


# Recently used faces, strongly held and bounded; and every face something still holds.
_RECENT: OrderedDict[Hashable, FontFace] = OrderedDict()
_LIVE: weakref.WeakValueDictionary[Hashable, FontFace] = weakref.WeakValueDictionary()
_FACES_LOCK = threading.Lock()


def load_face(info: FontInfo) -> FontFace:
    """Load a face once per process and cache it.

    The cache key is the file's identity (path, size, modification time) or
    the content hash of a font from memory, and the info itself (face index,
    location, names): loading the same face again costs a dictionary
    lookup. A variable font's info without a full location (an entry rather
    than an instance) loads its instance at the entry's own weight and width.
    """
    if info.axes:
        info = info.instance()
    if info.path is not None and info.data is None:
        try:
            stat = info.path.stat()
        except OSError as exc:
            raise FontError(f"cannot read font: {exc.strerror}", path=info.path) from exc
        key: Hashable = (str(info.path), stat.st_mtime_ns, stat.st_size, info)
    else:
        key = (info.digest, info)
    with _FACES_LOCK:
        face = _LIVE.get(key)
        if face is None:
            face = FontFace(info)  # cheap: nothing is read until the face is used
            _LIVE[key] = face
        _RECENT[key] = face
        _RECENT.move_to_end(key)
        while len(_RECENT) > FACE_CACHE_SIZE:
            _RECENT.popitem(last=False)
    return face
