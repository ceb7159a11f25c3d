"""Color emoji drawn from a set of SVG images (Twemoji, bundled).

A grapheme cluster such as 👩🏽‍💻, 🇯🇵, 1️⃣ or ❤️ maps to one image, named by
its code points in hexadecimal (``1f469-1f3fd-200d-1f4bb.svg``); variation
selectors are optional in the lookup. Images are read on first use from one
zip archive and kept in memory.

Emoji are laid out like glyphs of an em-square font: each advances
:data:`ADVANCE` em and is drawn as a square of one em whose top sits
:data:`TOP` em above the baseline.
"""

from __future__ import annotations

import re
import threading
import weakref
import zipfile
from itertools import count
from pathlib import Path

from ..resources import bundled_fonts_dir

__all__ = ["ADVANCE", "ASCENT", "DESCENT", "EmojiSet", "bundled_emoji", "emoji_set_by_token"]

ADVANCE = 1.16
TOP = 0.86
ASCENT = TOP
DESCENT = 1.0 - TOP
_VIEWBOX = 36.0  # Twemoji's images are 36x36 user units.
_ID = re.compile(rb'(id="|url\(#|href="#)([^")]+)')
_SETS: weakref.WeakValueDictionary[str, EmojiSet] = weakref.WeakValueDictionary()
_SET_NUMBERS = count(1)


def _names(cluster: str) -> list[str]:
    full = "-".join(f"{ord(c):x}" for c in cluster)
    bare = "-".join(f"{ord(c):x}" for c in cluster if c != "\ufe0f")
    return [full, bare] if bare != full else [full]


class EmojiSet:
    """Emoji images in a zip archive of ``<code points>.svg`` files.

    :param path: The archive.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._archive: zipfile.ZipFile | None = None
        self._members: frozenset[str] = frozenset()
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._ids = count()
        #: A short name for this set in drawing instructions (see :func:`emoji_set_by_token`).
        self.token = f"e{next(_SET_NUMBERS)}"
        _SETS[self.token] = self

    def _open(self) -> zipfile.ZipFile:
        if self._archive is None:
            with self._lock:
                if self._archive is None:
                    archive = zipfile.ZipFile(self.path)
                    self._members = frozenset(n.removesuffix(".svg") for n in archive.namelist())
                    self._archive = archive
        return self._archive

    def name(self, cluster: str) -> str | None:
        """The image name for a cluster, or ``None`` if the set has no image for it."""
        self._open()
        for name in _names(cluster):
            if name in self._members:
                return name
        return None

    def svg(self, name: str) -> bytes:
        """The image's SVG document, with ids made unique for this use."""
        data = self._cache.get(name)
        if data is None:
            archive = self._open()
            with self._lock:  # ZipFile reads are not thread-safe
                data = archive.read(f"{name}.svg")
            self._cache[name] = data
        if b'id="' in data:
            prefix = f"emoji{next(self._ids)}-".encode()
            data = _ID.sub(lambda m: m.group(1) + prefix + m.group(2), data)
        return data

    #: The side of the pictures' square, in their own units.
    units = _VIEWBOX

    @staticmethod
    def scale(size: float) -> float:
        """The factor from image units to user units at a font size."""
        return size / _VIEWBOX


def emoji_set_by_token(token: str) -> EmojiSet | None:
    """The emoji set a :attr:`EmojiSet.token` names, ``None`` if no set in this process has it."""
    return _SETS.get(token)


_bundled: EmojiSet | None = None


def bundled_emoji() -> EmojiSet | None:
    """The bundled emoji set, or ``None`` if the archive is not installed."""
    global _bundled
    if _bundled is None:
        path = bundled_fonts_dir() / "twemoji" / "twemoji-svg.zip"
        if not path.is_file():
            return None
        _bundled = EmojiSet(path)
    return _bundled
