"""Fonts: a registry that matches CSS font requests, and loaded faces.

A :class:`FontRegistry` knows which fonts exist (the bundled ones, any
directories or files the caller adds, and fonts given as bytes, such as a
template's ``@font-face`` rules) and matches a CSS-like request
(``font-family`` list, ``font-weight``, ``font-style``, ``font-stretch``) to
one face as CSS does (:mod:`svgog.fontmatch`). What each font offers is a
:class:`FontInfo` (:mod:`svgog.fontinfo`); a variable font offers ranges, and
the face matched inside them is the static instance at exactly the requested
weight and width, made once per process (:mod:`svgog.variable`). WOFF and
WOFF2 are read like OpenType (:mod:`svgog.fontfiles`).

A :class:`FontFace` is one loaded face. It is immutable once built and safe to
share between threads: every table svgog needs is read when the face is loaded,
because fontTools decompiles tables lazily and that is not thread-safe. Glyph
outlines are drawn on demand under a lock and cached per glyph. Faces are cached
per process, keyed by file identity (or content hash) and location, so two
registries over the same files share them.

All metrics are in font units; multiply by ``size / units_per_em`` for pixels.
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from .errors import FontError
from .fontdata import describe_data
from .fontfiles import open_font, to_sfnt
from .fontinfo import FontInfo as FontInfo
from .fontinfo import describe, named_faces
from .fontinfo import read_font_info as read_font_info
from .fontmatch import best_face
from .fontmatch import match_stretch as match_stretch
from .fontmatch import match_weight as match_weight
from .kerning import PairKerning
from .resources import bundled_fonts_dir
from .variable import instantiate

__all__ = [
    "FontFace",
    "FontInfo",
    "FontRegistry",
    "GlyphOutline",
    "format_number",
    "load_face",
    "match_stretch",
    "match_weight",
]

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"})
BUNDLED_DEFAULT_FAMILY = "Inter"

# Generic CSS families resolve to the registry's default family: svgog never asks
# the system for fonts, so "sans-serif" means "the font this renderer bundles".
GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif", "ui-serif", "ui-monospace"}
)

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


def format_number(value: float, digits: int = 2) -> str:
    """A coordinate in SVG, compactly: at most ``digits`` decimals, no trailing zeros.

    >>> format_number(1.50), format_number(-0.001), format_number(2.0)
    ('1.5', '0', '2')
    """
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class _RelativePathPen(BasePen):
    """A pen that writes an outline as SVG path data with relative commands."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.start: tuple[float, float] | None = None
        self.parts: list[str] = []
        self._current = (0.0, 0.0)
        self._subpath_start = (0.0, 0.0)

    def _rel(self, pt: tuple[float, float]) -> str:
        return f"{format_number(pt[0] - self._current[0])} {format_number(pt[1] - self._current[1])}"

    def _moveTo(self, pt: tuple[float, float]) -> None:
        if self.start is None:
            self.start = pt
        else:
            self.parts.append("m" + self._rel(pt))
        self._current = self._subpath_start = pt

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.parts.append("l" + self._rel(pt))
        self._current = pt

    def _curveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float], pt3: tuple[float, float]) -> None:
        self.parts.append(f"c{self._rel(pt1)} {self._rel(pt2)} {self._rel(pt3)}")
        self._current = pt3

    def _qCurveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float]) -> None:
        self.parts.append(f"q{self._rel(pt1)} {self._rel(pt2)}")
        self._current = pt2

    def _closePath(self) -> None:
        self.parts.append("z")
        # After "z" the current point is the subpath's start (SVG path rules).
        self._current = self._subpath_start

    def _endPath(self) -> None:
        pass


class FontFace:
    """One loaded font face: character map, advances, kerning, outlines, metrics.

    Build faces through :meth:`FontRegistry.match` or :func:`load_face`, which
    cache them per process.

    :param info: The face to load.
    :param data: The face's plain OpenType bytes, if already at hand (a
        variable font's instance); by default the file (or ``info.data``) is
        read, and WOFF or WOFF2 decompressed.
    :param index: The face within ``data`` (a collection); defaults to ``info.index``.
    """

    def __init__(self, info: FontInfo, data: bytes | None = None, *, index: int | None = None) -> None:
        self.info = info
        source = info.source
        if data is None:
            data = to_sfnt(info.data if info.data is not None else _read_file(info), source)
        #: The face as plain OpenType (or collection) bytes, which HarfBuzz reads:
        #: WOFF and WOFF2 decompressed, a variable font's instance already made.
        self.data: bytes = data
        self._index = info.index if index is None else index
        # From memory, so no file handle stays open behind lazily read tables.
        font = open_font(data, self._index, source)
        try:
            self.units_per_em: int = font["head"].unitsPerEm
            cmap = font.getBestCmap()
            if cmap is None:
                raise FontError("the font has no Unicode character map", path=source)
            self._cmap: dict[int, str] = dict(cmap)
            self._advances: dict[str, int] = {name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()}
            self.ascender, self.descender = _vertical_metrics(font)
            self._glyph_set = font.getGlyphSet()
            self.glyph_order: list[str] = font.getGlyphOrder()
            self._glyph_ids = {name: index for index, name in enumerate(self.glyph_order)}
            os2 = font.get("OS/2")
            em = self.units_per_em
            #: Height of lower-case letters ('x'), in font units: for ``ex`` units and ``dominant-baseline: middle``.
            self.x_height: float = _os2_height(os2, "sxHeight") or self._glyph_top("x") or 0.5 * em
            #: Height of capitals ('H'), in font units.
            self.cap_height: float = _os2_height(os2, "sCapHeight") or self._glyph_top("H") or 0.7 * em
        except FontError:
            raise
        except Exception as exc:  # a malformed font can make fontTools raise almost anything
            raise FontError(f"cannot read font: {exc or type(exc).__name__}", path=source) from exc
        self._font = font
        self._outlines: dict[str, GlyphOutline] = {}
        self._lock = threading.Lock()
        #: A short name for this face in drawing instructions (see :func:`face_by_token`).
        self.token = f"f{id(self):x}"
        _TOKENS[self.token] = self
        self._harfbuzz: Any = None
        # Fallback faces often never need kerning: it is set up on first use.
        self._kerning: PairKerning | None = None

    def __repr__(self) -> str:
        return f"<FontFace {self.info.full_name!r} weight={self.info.weight} {self.info.style}>"

    def _glyph_top(self, char: str) -> float | None:
        """The top of a character's ink (only while loading: the face is not shared yet)."""
        name = self._cmap.get(ord(char))
        if name is None:
            return None
        pen = BoundsPen(self._glyph_set)
        self._glyph_set[name].draw(pen)
        return pen.bounds[3] if pen.bounds else None

    def glyph(self, char: str) -> str | None:
        """The glyph name for a character, or ``None`` if the face lacks it."""
        return self._cmap.get(ord(char))

    def has_char(self, char: str) -> bool:
        """Whether the face maps this character to a glyph."""
        return ord(char) in self._cmap

    def glyph_id(self, glyph: str) -> int:
        """The glyph's index in the font."""
        return self._glyph_ids[glyph]

    def advance(self, glyph: str) -> int:
        """The glyph's advance width in font units."""
        return self._advances.get(glyph, 0)

    def kerning(self, left: str, right: str) -> int:
        """The GPOS pair adjustment between two glyphs, in font units."""
        kerning = self._kerning
        if kerning is None:
            with self._lock:  # the font's tables load lazily, not thread-safe
                if self._kerning is None:
                    data = self._font.getTableData("GPOS") if "GPOS" in self._font else b""
                    try:
                        self._kerning = PairKerning(data)
                    except (struct.error, ValueError, IndexError) as exc:
                        raise FontError(f"cannot read kerning: {exc}", path=self.info.source) from exc
                kerning = self._kerning
        ids = self._glyph_ids
        try:
            return kerning.value(ids[left], ids[right])
        except struct.error as exc:
            raise FontError(f"cannot read kerning: {exc}", path=self.info.source) from exc

    def harfbuzz_font(self) -> Any:
        """This face as a ``uharfbuzz.Font`` (scaled to font units), made once."""
        if self._harfbuzz is None:
            import uharfbuzz as hb

            with self._lock:
                if self._harfbuzz is None:
                    self._harfbuzz = hb.Font(hb.Face(hb.Blob(self.data), self._index))
        return self._harfbuzz

    def draw_glyph(self, glyph_id: int, pen: Any) -> None:
        """Draw a glyph (by index) with a fontTools pen, under the face's lock.

        The pen gets this face's glyph set, which composite glyphs need.
        """
        with self._lock:
            pen.glyphSet = self._glyph_set
            self._glyph_set[self.glyph_order[glyph_id]].draw(pen)

    def outline(self, glyph: str) -> GlyphOutline:
        """The glyph's outline, drawn once and cached."""
        outline = self._outlines.get(glyph)
        if outline is None:
            with self._lock:  # CFF charstrings decompile lazily, not thread-safe
                outline = self._outlines.get(glyph)
                if outline is None:
                    try:
                        pen = _RelativePathPen(self._glyph_set)
                        self._glyph_set[glyph].draw(pen)
                        bounds_pen = BoundsPen(self._glyph_set)
                        self._glyph_set[glyph].draw(bounds_pen)
                    except Exception as exc:  # a damaged glyph: any error fontTools meets
                        raise FontError(f"cannot draw glyph {glyph!r}: {exc}", path=self.info.source) from exc
                    start = pen.start or (0.0, 0.0)
                    outline = GlyphOutline(start[0], start[1], "".join(pen.parts), bounds_pen.bounds)
                    self._outlines[glyph] = outline
        return outline


def _os2_height(os2: Any, name: str) -> int:
    """An OS/2 height (``sxHeight``, ``sCapHeight``): 0 when absent (before version 2) or unset."""
    if os2 is None or os2.version < 2:
        return 0
    return max(0, int(getattr(os2, name, 0) or 0))


def _read_file(info: FontInfo) -> bytes:
    if info.path is None:
        raise FontError("the font's bytes are not available", path=info.source)
    try:
        return info.path.read_bytes()
    except OSError as exc:
        raise FontError(f"cannot read font: {exc.strerror}", path=info.path) from exc


def _vertical_metrics(font: TTFont) -> tuple[int, int]:
    """Ascender and descender (negative) in font units, as browsers pick them."""
    os2 = font.get("OS/2")
    use_typo = os2 is not None and bool(os2.fsSelection & (1 << 7))
    if use_typo or "hhea" not in font:
        return os2.sTypoAscender, os2.sTypoDescender
    hhea = font["hhea"]
    return hhea.ascent, hhea.descent


_FACES: dict[tuple[Any, ...], FontFace] = {}
_TOKENS: dict[str, FontFace] = {}


def face_by_token(token: str) -> FontFace:
    """The loaded face a :attr:`FontFace.token` names."""
    return _TOKENS[token]


_FACES_LOCK = threading.Lock()


def load_face(info: FontInfo) -> FontFace:
    """Load a face once per process and cache it.

    The cache key is the file's identity (path, size, modification time) or
    the content hash of a font from memory, the face index and, for a
    variable font, the location: loading the same instance again costs a
    dictionary lookup. A variable font's info without a full location (an
    entry rather than an instance) loads its instance at the entry's own
    weight and width.
    """
    if info.axes:
        info = info.instance()
    if info.path is not None and info.data is None:
        try:
            stat = info.path.stat()
        except OSError as exc:
            raise FontError(f"cannot read font: {exc.strerror}", path=info.path) from exc
        key: tuple[Any, ...] = (str(info.path), stat.st_mtime_ns, stat.st_size, info)
    else:
        key = (info.digest, info)
    face = _FACES.get(key)
    if face is None:
        with _FACES_LOCK:
            face = _FACES.get(key)
            if face is None:
                face = _build_face(info)
                _FACES[key] = face
    return face


def _build_face(info: FontInfo) -> FontFace:
    if not info.axes:
        return FontFace(info)
    raw = info.data if info.data is not None else _read_file(info)
    # The variable master is parsed here and dropped: only the instance's bytes are kept.
    master = open_font(raw, info.index, info.source, lazy=None)
    return FontFace(info, instantiate(master, info.location, info.source), index=0)


class FontRegistry:
    """The fonts a renderer may use, matched like CSS matches ``@font-face`` rules.

    :param directories: Extra font files or directories (searched recursively)
        to register, after the bundled fonts. OpenType, TrueType,
        collections, WOFF and WOFF2 files are read.
    :param bundled: Whether to register the fonts that ship with svgog: Inter
        (the default family) and Noto fallbacks for Arabic, Hebrew,
        Devanagari and symbols. Without them, the first family added is the
        default.
    """

    def __init__(self, directories: Iterable[str | os.PathLike[str]] = (), *, bundled: bool = True) -> None:
        self._faces: list[FontInfo] = []
        self._by_family: dict[str, list[FontInfo]] = {}
        # Name ID 1 families ("Inter Semi Bold", "Outfit Thin"), as fontconfig and browsers know them.
        self._by_legacy_family: dict[str, list[FontInfo]] = {}
        self._by_name: dict[str, FontInfo] = {}
        # Families given by add_data with a family name: they hide file fonts of that name.
        self._declared: set[str] = set()
        self._bundled_families: list[str] = []
        self.default_family: str | None = None
        if bundled:
            self.add(bundled_fonts_dir())
            self._bundled_families = self.families
            self.default_family = BUNDLED_DEFAULT_FAMILY
        for entry in directories:
            self.add(entry)

    def add(self, path: str | os.PathLike[str]) -> None:
        """Register a font file, or every font file under a directory."""
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
        elif path.is_file():
            files = [path]
        else:
            raise FontError("no such font file or directory", path=path)
        for file in files:
            resolved = file.resolve()
            try:
                raw = resolved.read_bytes()
            except OSError as exc:
                raise FontError(f"cannot read font: {exc.strerror}", path=resolved) from exc
            for info, legacy in describe(raw, source=str(resolved), path=resolved):
                self._register(info, legacy)

    def add_data(
        self,
        data: bytes,
        *,
        source: str,
        family: str | None = None,
        weight: int | tuple[int, int] | None = None,
        style: str | None = None,
        stretch: float | tuple[float, float] | None = None,
    ) -> list[FontInfo]:
        """Register the face(s) of a font held in memory, as an ``@font-face`` rule does.

        Parsed fonts are cached per process by content hash, so registries
        (and templates) given the same bytes share one parse and one face.

        :param data: OpenType, TrueType, a collection, WOFF or WOFF2; at most
            :data:`~svgog.fontfiles.MAX_FONT_DATA_BYTES`. See :mod:`svgog.fontdata`.
        :param source: What errors name, such as ``"card.svg @font-face 'Brand'"``.
        :param family: The ``font-family`` descriptor. Given, the faces answer to
            that family only (not to their own names), and hide file fonts of the
            same family in this registry, as ``@font-face`` families hide
            installed fonts. They are not used as fallbacks for other families.
        :param weight: The ``font-weight`` descriptor: a weight, or a range
            ``(100, 900)`` that a variable font's instances are chosen within.
        :param style: The ``font-style`` descriptor: ``normal``, ``italic`` or
            ``oblique``; of a font with an ``ital`` or ``slnt`` axis, picks that style.
        :param stretch: The ``font-stretch`` descriptor in percent, or a range.
        :return: The registered faces.
        :raises FontError: The bytes are not a font, too large, or a descriptor is invalid.
        """
        registered = []
        for info, legacy in describe_data(data, source, family=family, weight=weight, style=style, stretch=stretch):
            self._register(info, legacy, declared=family is not None)
            registered.append(info)
        return registered

    def overlay(self) -> FontRegistry:
        """A registry that sees every font this one has, plus what is added to it.

        For one template's ``@font-face`` fonts: adding to the overlay leaves
        this registry unchanged, and no file is read again (faces stay shared
        through the process-wide cache).
        """
        child = FontRegistry(bundled=False)
        child._faces = list(self._faces)
        child._by_family = {key: list(faces) for key, faces in self._by_family.items()}
        child._by_legacy_family = {key: list(faces) for key, faces in self._by_legacy_family.items()}
        child._by_name = dict(self._by_name)
        child._declared = set(self._declared)
        child._bundled_families = list(self._bundled_families)
        child.default_family = self.default_family
        return child

    @property
    def version(self) -> str:
        """A hash of every registered font's identity: changes when any font does.

        Files count by path, size and modification time; fonts from memory
        by content hash and the descriptors they were registered with.
        """
        digest = hashlib.sha256()
        for info in self._faces:
            if info.path is None:
                described = (info.digest, info.index, info.family, info.weights, info.style, info.stretches)
                digest.update(f"data\0{described}\n".encode())
                continue
            try:
                stat = info.path.stat()
            except OSError as exc:
                raise FontError(f"cannot read font: {exc.strerror}", path=info.path) from exc
            digest.update(f"{info.path}\0{info.index}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()

    def _register(self, info: FontInfo, legacy: str, *, declared: bool = False) -> None:
        self._faces.append(info)
        key = info.family.casefold()
        if declared:
            if key not in self._declared:
                # CSS Fonts 4: a family defined by @font-face rules hides installed fonts of that name.
                self._by_family[key] = []
                self._declared.add(key)
            self._by_family[key].append(info)
        else:
            if key not in self._declared:
                self._by_family.setdefault(key, []).append(info)
            if legacy and legacy.casefold() != key:
                self._by_legacy_family.setdefault(legacy.casefold(), []).append(info)
            for face in named_faces(info):
                for alias in (face.full_name, face.postscript_name):
                    if alias:
                        self._by_name.setdefault(alias.casefold(), face)
        if self.default_family is None:
            self.default_family = info.family

    @property
    def families(self) -> list[str]:
        """The registered family names, in registration order."""
        seen: dict[str, None] = {}
        for info in self._faces:
            seen.setdefault(info.family, None)
        return list(seen)

    def fallback_families(self) -> list[str]:
        """Families to try for characters a text's own font lacks.

        Fonts the caller added come first (so adding a CJK font is enough to
        use it), then the bundled ones. Families given by
        :meth:`add_data` with a family name are not fallbacks: as with
        ``@font-face``, a text uses them only by naming them.
        """
        own = [f for f in self.families if f not in self._bundled_families and f.casefold() not in self._declared]
        return own + [f for f in self._bundled_families if f != self.default_family]

    def find(
        self, families: str | Sequence[str], weight: int = 400, style: str = "normal", *, stretch: float = 100.0
    ) -> FontInfo | None:
        """The face that best matches the request, or ``None`` if no family matches.

        For a variable font this is the instance at the requested weight and
        width (clamped to the font's ranges). A full name or PostScript name
        ("Inter Bold", "Inter-Bold", as Illustrator writes) picks that exact
        face whatever the weight and style.

        :param families: A family name or a CSS ``font-family`` list, tried in order.
            Generic families (``sans-serif`` and so on) mean the default family.
        :param stretch: The CSS ``font-stretch`` in percent.
        """
        if isinstance(families, str):
            families = [families]
        for family in families:
            key = family.strip().strip("'\"").casefold()
            if key in GENERIC_FAMILIES and self.default_family:
                key = self.default_family.casefold()
            candidates = self._by_family.get(key) or self._by_legacy_family.get(key)
            if candidates:
                return best_face(candidates, weight, style, stretch)
            exact = self._by_name.get(key)
            if exact is not None:
                return exact
        return None

    def match(
        self, families: str | Sequence[str], weight: int = 400, style: str = "normal", *, stretch: float = 100.0
    ) -> FontFace:
        """Load the best matching face; raise :class:`FontError` when none matches."""
        info = self.find(families, weight, style, stretch=stretch)
        if info is None:
            wanted = families if isinstance(families, str) else ", ".join(families)
            known = ", ".join(self.families) or "none"
            raise FontError(f"no registered font matches font-family {wanted!r} (registered: {known})")
        return load_face(info)
