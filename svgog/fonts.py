"""Fonts: a registry that matches CSS font requests, and loaded faces.

A :class:`FontRegistry` knows which fonts exist (the bundled ones, any
directories or files the caller adds, and fonts given as bytes, such as a
template's ``@font-face`` rules) and matches a CSS-like request
(``font-family`` list, ``font-weight``, ``font-style``, ``font-stretch``) to
one face as CSS does (:mod:`svgog.fontmatch`). What each font offers is a
:class:`FontInfo` (:mod:`svgog.fontinfo`); a variable font offers ranges, and
the face matched inside them is the font at exactly the requested weight and
width (a HarfBuzz location: :mod:`svgog.variable`). WOFF and WOFF2 are read
like OpenType (:mod:`svgog.fontfiles`).

Registering a font reads only its names and style (a few small tables of a
memory-mapped file: :mod:`svgog.fontsource`), so registering a directory of
CJK collections costs milliseconds. A :class:`FontFace` (:mod:`svgog.fontface`)
is one face at one location, backed by HarfBuzz; it reads what it needs when
first used, and faces are cached per process, so two registries over the same
files share them.

Characters that a text's fonts lack are looked up by
:meth:`FontRegistry.fallback_face` (:mod:`svgog.fontfallback`): the registered
families in fallback order, then, if asked for, the system's fonts.

All metrics are in font units; multiply by ``size / units_per_em`` for pixels.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import FontError
from .fontdata import describe_data
from .fontface import FontFace as FontFace
from .fontface import GlyphOutline as GlyphOutline
from .fontface import face_by_token as face_by_token
from .fontface import format_number as format_number
from .fontface import load_face as load_face
from .fontfallback import FallbackCache, by_language, system_face, visible
from .fontinfo import FontInfo as FontInfo
from .fontinfo import describe, named_faces
from .fontinfo import read_font_info as read_font_info
from .fontmatch import best_face
from .fontmatch import match_stretch as match_stretch
from .fontmatch import match_weight as match_weight
from .fontsource import file_source
from .resources import bundled_fonts_dir

__all__ = [
    "FontFace",
    "FontInfo",
    "FontRegistry",
    "GlyphOutline",
    "face_by_token",
    "format_number",
    "load_face",
    "match_stretch",
    "match_weight",
    "read_font_info",
]

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"})
BUNDLED_DEFAULT_FAMILY = "Inter"

# Generic CSS families resolve to the registry's default family: "sans-serif"
# means "the font this renderer bundles", whatever the system has.
GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif", "ui-serif", "ui-monospace"}
)
# A face svgog can draw has outlines in one of these tables (not only bitmaps, as color emoji fonts).
_OUTLINE_TABLES = frozenset({"glyf", "CFF ", "CFF2"})


class FontRegistry:
    """The fonts a renderer may use, matched like CSS matches ``@font-face`` rules.

    :param directories: Extra font files or directories (searched recursively)
        to register, after the bundled fonts. OpenType, TrueType,
        collections, WOFF and WOFF2 files are read.
    :param bundled: Whether to register the fonts that ship with svgog: Inter
        (the default family) and Noto fallbacks for Arabic, Hebrew,
        Devanagari and symbols. Without them, the first family added is the
        default.
    :param system_fonts: Whether :meth:`fallback_face` may end with the
        system's fonts (:mod:`svgog.systemfonts`, through fontconfig) for
        characters no registered font has.
    """

    def __init__(
        self,
        directories: Iterable[str | os.PathLike[str]] = (),
        *,
        bundled: bool = True,
        system_fonts: bool = False,
    ) -> None:
        self.system_fonts = system_fonts
        self._fallbacks = FallbackCache()
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
        """Register a font file, or every font file under a directory.

        Only the fonts' names and styles are read. Under a directory, faces
        without outlines (bitmap-only color fonts) are left out; a file named
        on its own must have them.

        :raises FontError: A file is not a font, is damaged, or cannot be read.
        """
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
            directory = True
        elif path.is_file():
            files, directory = [path], False
        else:
            raise FontError("no such font file or directory", path=path)
        for file in files:
            resolved = file.resolve()
            source = file_source(resolved)
            for info, legacy in describe(source, path=resolved):
                if not _OUTLINE_TABLES & source.tables[info.index]:
                    if directory:
                        continue
                    raise FontError("the font has no outlines svgog can draw (glyf, CFF or CFF2)", path=resolved)
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

        Fonts are described once per process by content hash, so registries
        (and templates) given the same bytes share one description and one face.

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
        child = FontRegistry(bundled=False, system_fonts=self.system_fonts)
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
        self._fallbacks.clear()
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
    def faces(self) -> tuple[FontInfo, ...]:
        """Every registered face, in registration order (the system's fonts are not registered)."""
        return tuple(self._faces)

    @property
    def bundled_families(self) -> tuple[str, ...]:
        """The families that ship with svgog."""
        return tuple(self._bundled_families)

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

    def names_face(self, name: str) -> bool:
        """Whether ``name`` is a face's full or PostScript name ("Inter Bold", "Inter-Bold") and no family's.

        :meth:`find` answers such a name with that one face, whatever weight and style are asked for.
        """
        key = name.strip().strip("'\"").casefold()
        if key in GENERIC_FAMILIES or self._by_family.get(key) or self._by_legacy_family.get(key):
            return False
        return key in self._by_name

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

    def fallback_face(self, cluster: str, weight: int, style: str, *, lang: str | None = None) -> FontFace | None:
        """The face to draw a cluster with when a text's own fonts lack its characters.

        The registered families are tried in :meth:`fallback_families` order,
        then the default family: the first whose face at ``weight`` and
        ``style`` (matched as CSS does within the family) has every character
        of the cluster wins. With ``lang``, families named for that language's
        script variant come first ("Noto Sans CJK SC" for ``zh-Hans``,
        "... JP" for ``ja``). If the registry was made with
        ``system_fonts=True``, the system's fonts come last
        (:mod:`svgog.systemfonts`; skipped while that module is missing).

        Format characters (ZWJ, variation selectors) need not be in the face.
        Decisions are cached per characters, weight, style and language
        (bounded); a face's coverage is looked up in its character map, never
        read whole.

        :param cluster: A grapheme cluster (or any short text).
        :param lang: The text's language (BCP 47, as ``xml:lang`` gives it), if known.
        :return: The face, or ``None`` if no font has the characters.
        """
        chars = visible(cluster)
        if not chars:
            return None
        key = (chars, weight, style, lang)
        found, known = self._fallbacks.get(key)
        if known:
            return found
        found = self._find_fallback(chars, weight, style, lang)
        self._fallbacks.put(key, found)
        return found

    def _find_fallback(self, chars: str, weight: int, style: str, lang: str | None) -> FontFace | None:
        families = self.fallback_families()
        if self.default_family and self.default_family not in families:
            families.append(self.default_family)
        for family in by_language(families, lang):
            info = self.find(family, weight, style)
            if info is None:
                continue
            face = load_face(info)
            if face.covers(chars):
                return face
        if self.system_fonts:
            return system_face(chars, weight, style, lang)
        return None
