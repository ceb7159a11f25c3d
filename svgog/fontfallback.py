"""Fallback decisions: which font draws characters that a text's own fonts lack.

:meth:`svgog.fonts.FontRegistry.fallback_face` tries the registered families
in fallback order; this module holds what that needs besides the registry:

- :func:`visible`: the characters a face must have (format characters such
  as ZWJ or variation selectors are shaped away, so they need not be mapped);
- :func:`by_language`: families named for the text's script variant first
  ("Noto Sans CJK SC" for Simplified Chinese, "Noto Sans JP" for Japanese),
  since the same ideograph is drawn differently in each;
- :func:`system_face`: the system's fonts, asked last, through
  :mod:`svgog.systemfonts` (imported on first use; skipped while it is not
  there);
- :class:`FallbackCache`: decisions, bounded, shared between threads.

:func:`system_face` asks ``SystemFonts.discover()`` (once per process) for
``for_cluster(chars, weight=..., style=..., lang=...)``, and loads the
:class:`~svgog.systemfonts.SystemFont` it names (a file and a face index) as
svgog loads any font: described from its names (:mod:`svgog.fontinfo`),
matched at the weight and style (a variable font at that location), and
checked to have every character before it is used.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import regex

from .errors import FontError
from .fontface import FontFace, load_face
from .fontinfo import FontInfo, read_font_info
from .fontmatch import best_face

__all__ = ["FALLBACK_CACHE_SIZE", "FallbackCache", "by_language", "system_face", "visible"]

_log = logging.getLogger(__name__)

#: How many fallback decisions a registry remembers.
FALLBACK_CACHE_SIZE = 4096

# Format characters that steer shaping but are never drawn (ZWJ, variation selectors).
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")

# CJK font families name the script variant they draw: Noto Sans CJK JP, Noto Serif SC, Source Han Sans TC.
_VARIANTS = (
    (("zh-hant-hk", "zh-hk", "zh-mo"), ("HK", "TC")),
    (("zh-hant", "zh-tw"), ("TC", "HK")),
    (("zh",), ("SC",)),  # zh, zh-hans, zh-cn, zh-sg
    (("ja",), ("JP",)),
    (("ko",), ("KR",)),
)


def visible(cluster: str) -> str:
    """The characters of a cluster a face must map: without format characters and controls.

    >>> visible("a\\u200db\\n"), visible("\\u2764\\ufe0f")
    ('ab', '❤')
    """
    return "".join(c for c in cluster if not _IGNORABLE.match(c) and unicodedata.category(c) != "Cc")


def by_language(families: Sequence[str], lang: str | None) -> list[str]:
    """Families in fallback order, those named for ``lang``'s script variant first.

    >>> by_language(["Noto Sans CJK JP", "Noto Sans CJK SC", "DejaVu Sans"], "zh-Hans-CN")
    ['Noto Sans CJK SC', 'Noto Sans CJK JP', 'DejaVu Sans']
    >>> by_language(["Noto Sans CJK JP", "Noto Sans CJK SC"], "en")
    ['Noto Sans CJK JP', 'Noto Sans CJK SC']
    """
    words = _variant_words(lang)
    if not words:
        return list(families)

    def rank(family: str) -> int:
        names = family.split()
        return next((i for i, word in enumerate(words) if word in names), len(words))

    return sorted(families, key=rank)  # stable: the order within a rank stays


def _variant_words(lang: str | None) -> tuple[str, ...]:
    if not lang:
        return ()
    tag = lang.strip().lower().replace("_", "-")
    for prefixes, words in _VARIANTS:
        if any(tag == prefix or tag.startswith(prefix + "-") for prefix in prefixes):
            return words
    return ()


class FallbackCache:
    """Fallback decisions (a face, or ``None`` for "no font has it"), least recently used dropped first."""

    def __init__(self, size: int = FALLBACK_CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, FontFace | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[FontFace | None, bool]:
        """The decision for ``key`` and whether there is one."""
        with self._lock:
            if key not in self._entries:
                return None, False
            self._entries.move_to_end(key)
            return self._entries[key], True

    def put(self, key: Hashable, face: FontFace | None) -> None:
        """Remember a decision."""
        with self._lock:
            self._entries[key] = face
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every decision (the registered fonts changed)."""
        with self._lock:
            self._entries.clear()


_system: Any = None
_system_lock = threading.Lock()
# The faces described per system font file: fallbacks come back to the same few files.
_described: OrderedDict[str, list[FontInfo]] = OrderedDict()
_DESCRIBED_FILES = 64


def system_face(chars: str, weight: int, style: str, lang: str | None) -> FontFace | None:
    """A face of the system's fonts that has every one of ``chars``, or ``None``.

    Asks :mod:`svgog.systemfonts` (fontconfig); without that module there is
    no system font to ask.
    """
    global _system
    if _system is None:
        try:
            from . import systemfonts
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.systemfonts":
                raise  # the module is there but something it needs is not
            return None
        with _system_lock:
            if _system is None:
                _system = systemfonts.SystemFonts.discover()
    found = _system.for_cluster(chars, weight=weight, style=style, lang=lang)
    if found is None:
        return None
    try:
        entries = [info for info in _describe(found.path) if info.index == found.index]
        face = load_face(best_face(entries, weight, style, found.stretch)) if entries else None
    except FontError as exc:  # a damaged system font is passed over, as desktops pass it over
        _log.debug("system font %s not used: %s", found.path, exc)
        return None
    return face if face is not None and face.covers(chars) else None


def _describe(path: str) -> list[FontInfo]:
    """The faces of a system font file (its names only: the file is mapped, not read)."""
    with _system_lock:
        infos = _described.get(path)
        if infos is not None:
            _described.move_to_end(path)
            return infos
    infos = read_font_info(Path(path))
    with _system_lock:
        _described[path] = infos
        while len(_described) > _DESCRIBED_FILES:
            _described.popitem(last=False)
    return infos
