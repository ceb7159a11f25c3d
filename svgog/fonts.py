"""Font files: a registry that matches CSS font requests, and loaded faces.

A :class:`FontRegistry` knows which font files exist (the bundled ones plus any
directories or files the caller adds) and matches a CSS-like request
(``font-family`` list, ``font-weight``, ``font-style``) to one file, choosing the
nearest weight the way CSS does.

A :class:`FontFace` is one loaded face. It is immutable once built and safe to
share between threads: every table svgog needs is read when the face is loaded,
because fontTools decompiles tables lazily and that is not thread-safe. Glyph
outlines are drawn on demand under a lock and cached per glyph. Faces are cached
per process, keyed by file identity, so two registries over the same files share
them.

All metrics are in font units; multiply by ``size / units_per_em`` for pixels.
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTCollection, TTFont, TTLibError

from .errors import FontError
from .kerning import PairKerning
from .resources import bundled_fonts_dir

__all__ = ["FontFace", "FontInfo", "FontRegistry", "GlyphOutline", "format_number", "match_weight"]

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".woff"})
BUNDLED_DEFAULT_FAMILY = "Inter"

# Generic CSS families resolve to the registry's default family: svgog never asks
# the system for fonts, so "sans-serif" means "the font this renderer bundles".
GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif", "ui-serif", "ui-monospace"}
)


@dataclass(frozen=True)
class FontInfo:
    """What the registry knows about one face before loading it."""

    path: Path
    index: int
    family: str
    weight: int
    style: str
    full_name: str
    postscript_name: str


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
    """One loaded font face: character map, advances, kerning, outlines.

    Build faces through :meth:`FontRegistry.match` or :func:`load_face`, which
    cache them per process.
    """

    def __init__(self, info: FontInfo) -> None:
        self.info = info
        try:
            # From memory, so no file handle stays open behind lazily read tables.
            self.data = info.path.read_bytes()
            font = TTFont(BytesIO(self.data), fontNumber=info.index, lazy=True)
            self.units_per_em: int = font["head"].unitsPerEm
            cmap = font.getBestCmap()
            if cmap is None:
                raise FontError("the font has no Unicode character map", path=info.path)
            self._cmap: dict[int, str] = dict(cmap)
            self._advances: dict[str, int] = {name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()}
            self.ascender, self.descender = _vertical_metrics(font)
            self._glyph_set = font.getGlyphSet()
            self.glyph_order: list[str] = font.getGlyphOrder()
            self._glyph_ids = {name: index for index, name in enumerate(self.glyph_order)}
        except FontError:
            raise
        except (TTLibError, KeyError, AttributeError, ValueError, TypeError, OSError, AssertionError) as exc:
            raise FontError(f"cannot read font: {exc}", path=info.path) from exc
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
                        raise FontError(f"cannot read kerning: {exc}", path=self.info.path) from exc
                kerning = self._kerning
        ids = self._glyph_ids
        try:
            return kerning.value(ids[left], ids[right])
        except struct.error as exc:
            raise FontError(f"cannot read kerning: {exc}", path=self.info.path) from exc

    def harfbuzz_font(self) -> Any:
        """This face as a ``uharfbuzz.Font`` (scaled to font units), made once."""
        if self._harfbuzz is None:
            import uharfbuzz as hb

            with self._lock:
                if self._harfbuzz is None:
                    self._harfbuzz = hb.Font(hb.Face(hb.Blob(self.data), self.info.index))
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
                    pen = _RelativePathPen(self._glyph_set)
                    self._glyph_set[glyph].draw(pen)
                    bounds_pen = BoundsPen(self._glyph_set)
                    self._glyph_set[glyph].draw(bounds_pen)
                    start = pen.start or (0.0, 0.0)
                    outline = GlyphOutline(start[0], start[1], "".join(pen.parts), bounds_pen.bounds)
                    self._outlines[glyph] = outline
        return outline


def _vertical_metrics(font: TTFont) -> tuple[int, int]:
    """Ascender and descender (negative) in font units, as browsers pick them."""
    os2 = font.get("OS/2")
    use_typo = os2 is not None and bool(os2.fsSelection & (1 << 7))
    if use_typo or "hhea" not in font:
        return os2.sTypoAscender, os2.sTypoDescender
    hhea = font["hhea"]
    return hhea.ascent, hhea.descent


_FACES: dict[tuple[str, int, int, int], FontFace] = {}
_TOKENS: dict[str, FontFace] = {}


def face_by_token(token: str) -> FontFace:
    """The loaded face a :attr:`FontFace.token` names."""
    return _TOKENS[token]


_FACES_LOCK = threading.Lock()


def load_face(info: FontInfo) -> FontFace:
    """Load a face once per process (per file content identity) and cache it."""
    try:
        stat = info.path.stat()
    except OSError as exc:
        raise FontError(f"cannot read font: {exc.strerror}", path=info.path) from exc
    key = (str(info.path), info.index, stat.st_mtime_ns, stat.st_size)
    face = _FACES.get(key)
    if face is None:
        with _FACES_LOCK:
            face = _FACES.get(key)
            if face is None:
                face = FontFace(info)
                _FACES[key] = face
    return face


def _name(font: TTFont, *ids: int) -> str | None:
    table = font.get("name")
    if table is None:
        return None
    for name_id in ids:
        value = table.getDebugName(name_id)
        if value:
            return value.strip()
    return None


def _style_of(font: TTFont) -> str:
    os2 = font.get("OS/2")
    if os2 is not None:
        if os2.fsSelection & 1:
            return "italic"
        if os2.fsSelection & (1 << 9):
            return "oblique"
    head = font.get("head")
    if head is not None and head.macStyle & 2:
        return "italic"
    return "normal"


def read_font_info(path: Path) -> list[FontInfo]:
    """Describe every face in a font file (one, or several for a collection)."""
    try:
        data = BytesIO(path.read_bytes())
        count = len(TTCollection(data, lazy=True).fonts) if path.suffix.lower() in (".ttc", ".otc") else 1
        infos = []
        for index in range(count):
            font = TTFont(data, fontNumber=index, lazy=True)
            family = _name(font, 16, 1)
            if not family:
                raise FontError("the font has no family name", path=path)
            os2 = font.get("OS/2")
            infos.append(
                FontInfo(
                    path=path,
                    index=index,
                    family=family,
                    weight=int(os2.usWeightClass) if os2 is not None else 400,
                    style=_style_of(font),
                    full_name=_name(font, 4) or family,
                    postscript_name=_name(font, 6) or "",
                )
            )
        return infos
    except FontError:
        raise
    except (TTLibError, KeyError, AttributeError, ValueError, TypeError, OSError, AssertionError) as exc:
        raise FontError(f"cannot read font: {exc}", path=path) from exc


def match_weight(available: Iterable[int], desired: int) -> int:
    """Pick the weight CSS would pick (CSS Fonts 4, font-weight matching).

    >>> match_weight([400, 700], 600)
    700
    >>> match_weight([300, 700], 450)
    300
    >>> match_weight([400, 500, 700], 450)
    500
    >>> match_weight([100, 900], 500)
    100
    """
    weights = sorted(set(available))
    if not weights:
        raise ValueError("no weights available")
    if desired in weights:
        return desired
    below = [w for w in weights if w < desired]
    above = [w for w in weights if w > desired]
    if 400 <= desired <= 500:
        up_to_500 = [w for w in above if w <= 500]
        if up_to_500:
            return up_to_500[0]
        if below:
            return below[-1]
        return above[0]
    if desired < 400:
        return below[-1] if below else above[0]
    return above[0] if above else below[-1]


class FontRegistry:
    """The fonts a renderer may use, matched like CSS matches ``@font-face`` rules.

    :param directories: Extra font files or directories (searched recursively)
        to register, after the bundled fonts.
    :param bundled: Whether to register the fonts that ship with svgog: Inter
        (the default family) and Noto fallbacks for Arabic, Hebrew,
        Devanagari and symbols. Without them, the first family added is the
        default.
    """

    def __init__(self, directories: Iterable[str | os.PathLike[str]] = (), *, bundled: bool = True) -> None:
        self._faces: list[FontInfo] = []
        self._by_family: dict[str, list[FontInfo]] = {}
        self._by_name: dict[str, FontInfo] = {}
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
            for info in read_font_info(file.resolve()):
                self._register(info)

    @property
    def version(self) -> str:
        """A hash of every registered font file's identity: changes when any font does."""
        digest = hashlib.sha256()
        for info in self._faces:
            stat = info.path.stat()
            digest.update(f"{info.path}\0{info.index}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()

    def _register(self, info: FontInfo) -> None:
        self._faces.append(info)
        self._by_family.setdefault(info.family.casefold(), []).append(info)
        for alias in (info.full_name, info.postscript_name):
            if alias:
                self._by_name.setdefault(alias.casefold(), info)
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
        use it), then the bundled ones.
        """
        added = [f for f in self.families if f not in self._bundled_families]
        return added + [f for f in self._bundled_families if f != self.default_family]

    def find(self, families: str | Sequence[str], weight: int = 400, style: str = "normal") -> FontInfo | None:
        """The face that best matches the request, or ``None`` if no family matches.

        :param families: A family name or a CSS ``font-family`` list, tried in order.
            Generic families (``sans-serif`` and so on) mean the default family.
        """
        if isinstance(families, str):
            families = [families]
        for family in families:
            key = family.strip().strip("'\"").casefold()
            if key in GENERIC_FAMILIES and self.default_family:
                key = self.default_family.casefold()
            candidates = self._by_family.get(key)
            if candidates:
                return _best_face(candidates, weight, style)
            exact = self._by_name.get(key)
            if exact is not None:
                return exact
        return None

    def match(self, families: str | Sequence[str], weight: int = 400, style: str = "normal") -> FontFace:
        """Load the best matching face; raise :class:`FontError` when none matches."""
        info = self.find(families, weight, style)
        if info is None:
            wanted = families if isinstance(families, str) else ", ".join(families)
            known = ", ".join(self.families) or "none"
            raise FontError(f"no registered font matches font-family {wanted!r} (registered: {known})")
        return load_face(info)


def _best_face(candidates: list[FontInfo], weight: int, style: str) -> FontInfo:
    # CSS matches style first (italic falls back to oblique, then normal), then weight.
    order = {"italic": ("italic", "oblique", "normal"), "oblique": ("oblique", "italic", "normal")}.get(
        style, ("normal", "oblique", "italic")
    )
    for wanted in order:
        same_style = [c for c in candidates if c.style == wanted]
        if same_style:
            chosen = match_weight((c.weight for c in same_style), weight)
            return next(c for c in same_style if c.weight == chosen)
    return candidates[0]
