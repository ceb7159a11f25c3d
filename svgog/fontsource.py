"""Where a font's bytes live: one HarfBuzz blob per font file, shared by all its faces.

A plain OpenType file or collection is memory-mapped by HarfBuzz
(``hb_blob_create_from_file``), never read into Python: the kernel loads a
page when a table on it is first used, shares it with every process mapping
the file, and may drop it again. A 20 MB CJK collection whose ten faces are
registered costs its name tables, not 200 MB. Every face of a collection and
every location of a variable font use the same blob.

WOFF and WOFF2 files, and fonts given as bytes (``@font-face``), are
decompressed once (:func:`svgog.fontfiles.to_sfnt`) and handed to HarfBuzz
as bytes.

Sources are cached per process by file identity (device, inode, size,
modification time) or content hash. Faces hold their source, so a weak cache
finds it while any face uses it; the :data:`RECENT_SOURCES` most recent stay
even unused (those decompressed in memory within :data:`RECENT_BYTES`), so
registering a file and loading its faces map or decompress it once.

A mapped file must not be truncated in place while svgog runs (replacing it,
as package managers do, is safe): reading a page past its new end would stop
the process (``SIGBUS``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import uharfbuzz as hb

from .errors import FontError
from .fontfiles import MAX_SFNT_BYTES, font_format, table_directories, to_sfnt

__all__ = ["RECENT_BYTES", "RECENT_SOURCES", "FontSource", "data_source", "file_source"]

#: How many sources stay cached while no face uses them.
RECENT_SOURCES = 32
#: How many bytes of decompressed fonts those may hold (mapped files count nothing).
RECENT_BYTES = 64 * 1024 * 1024


@dataclass(eq=False)
class FontSource:
    """One font file (or font in memory) as HarfBuzz reads it.

    :ivar blob: The plain OpenType bytes: a mapping of the file, or decompressed bytes.
    :ivar tables: Each face's table tags, from the checked table directories.
    :ivar label: What errors name: the file, or the label the bytes came with.
    :ivar memory: Bytes the source holds in memory (0 for a mapped file).
    """

    blob: hb.Blob
    tables: tuple[frozenset[str], ...]
    label: str
    memory: int = 0
    _faces: dict[int, hb.Face] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def face_count(self) -> int:
        """How many faces the font holds (one, or a collection's count)."""
        return len(self.tables)

    def face(self, index: int) -> hb.Face:
        """The HarfBuzz face at ``index``, made once: its tables are read (and checked) on first use."""
        face = self._faces.get(index)
        if face is None:
            if not 0 <= index < len(self.tables):
                raise FontError(f"the font has no face {index}", path=self.label)
            with self._lock:
                face = self._faces.setdefault(index, hb.Face(self.blob, index))
        return face


_SOURCES: weakref.WeakValueDictionary[Hashable, FontSource] = weakref.WeakValueDictionary()
_RECENT: OrderedDict[Hashable, FontSource] = OrderedDict()
_LOCK = threading.Lock()


def file_source(path: Path) -> FontSource:
    """The font file at ``path`` (resolved), mapped or decompressed once per process.

    :raises FontError: The file cannot be read, is not a font, or is cut short.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise FontError(f"cannot read font: {exc.strerror}", path=path) from exc
    key = ("file", stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    found = _cached(key)
    if found is not None:
        return found
    label = str(path)
    try:
        with open(path, "rb") as file:
            kind = font_format(file.read(4), label)
            if kind in ("woff", "woff2"):
                if stat.st_size > MAX_SFNT_BYTES:
                    raise FontError(f"the font is {stat.st_size} bytes (at most {MAX_SFNT_BYTES})", path=path)
                file.seek(0)
                source = _from_bytes(to_sfnt(file.read(), label), label)
            else:

                def read(offset: int, length: int) -> bytes:
                    file.seek(offset)
                    return file.read(length)

                directories = table_directories(read, stat.st_size, label)
                blob = hb.Blob.from_file_path(path)
                source = FontSource(blob, tuple(frozenset(d) for d in directories), label)
    except OSError as exc:
        raise FontError(f"cannot read font: {exc.strerror or exc}", path=path) from exc
    except hb.HarfBuzzError as exc:
        raise FontError(f"cannot read font: {exc}", path=path) from exc
    return _remember(key, source)


def data_source(sfnt: bytes, digest: str, label: str) -> FontSource:
    """A font in memory (plain OpenType or a collection), once per content hash.

    :param sfnt: The font's plain OpenType bytes (WOFF and WOFF2 already decompressed).
    :param digest: The hash of the bytes the font was given as: the cache key.
    :param label: What errors name.
    """
    key = ("data", digest)
    found = _cached(key)
    if found is not None:
        return found
    return _remember(key, _from_bytes(sfnt, label))


def _from_bytes(sfnt: bytes, label: str) -> FontSource:
    def read(offset: int, length: int) -> bytes:
        return sfnt[offset : offset + length]

    directories = table_directories(read, len(sfnt), label)
    # uharfbuzz copies the bytes into the blob: the caller's copy may go.
    return FontSource(hb.Blob(sfnt), tuple(frozenset(d) for d in directories), label, memory=len(sfnt))


def _cached(key: Hashable) -> FontSource | None:
    with _LOCK:
        found = _SOURCES.get(key)
        if found is not None and key in _RECENT:
            _RECENT.move_to_end(key)
        return found


def _remember(key: Hashable, source: FontSource) -> FontSource:
    with _LOCK:
        # Two threads may have opened the same file: the first one stored wins.
        source = _SOURCES.setdefault(key, source)
        _RECENT[key] = source
        _RECENT.move_to_end(key)
        while len(_RECENT) > RECENT_SOURCES or (
            len(_RECENT) > 1 and sum(s.memory for s in _RECENT.values()) > RECENT_BYTES
        ):
            _RECENT.popitem(last=False)
    return source
