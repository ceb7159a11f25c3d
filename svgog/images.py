"""Values of image fields: bytes, asset paths, data: URIs and allowlisted URLs.

Whatever the caller gives, the template receives a ``data:`` URI of a checked
image (PNG, JPEG, GIF, WebP or SVG), so CairoSVG never opens a file or a
connection on a value's behalf. The rules:

- ``bytes``: the image itself (library callers only).
- a relative path: a file inside one of the renderer's asset directories;
  nothing outside them (``..``, absolute paths and links leading out are refused).
- a template's own picture: a value equal to what the template's metadata
  declares as the field's ``default`` or ``sample`` (``assets/avatar.svg``) is a
  file in the template's own directory, see :meth:`ImageResolver.declared`.
- a ``data:`` URI.
- an ``http(s)`` URL: only when its host is on the renderer's allowlist.
  svgog fetches it itself, with a deadline and a size limit, following at
  most three redirects, each to an allowlisted host; fetched images are
  cached in memory (bounded in bytes).

Raster images larger than :data:`MAX_PIXELS` are refused before decoding
(decompression bombs), and SVG images are parsed with the same hardened
parser as templates.
"""

from __future__ import annotations

import base64
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, unquote, unquote_to_bytes, urljoin, urlsplit

from cachetools import LRUCache
from lxml import etree

from .budget import DEFAULT_BUDGET, RenderBudget, measure
from .css import Cascade
from .errors import InvalidValue, TemplateError
from .xmlsafe import SVG_NS, parse_svg

if TYPE_CHECKING:
    from .template import Template

__all__ = ["MAX_IMAGE_BYTES", "MAX_PIXELS", "ImageResolver"]

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024

Fail = Callable[[str], InvalidValue]


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip()
    if head.startswith((b"<svg", b"<?xml")) or b"<svg" in head:
        return "image/svg+xml"
    return None


def _failure(template: str, field: str) -> Fail:
    def fail(message: str) -> InvalidValue:
        return InvalidValue(message, template=template, field=field)

    return fail


def _is_path(text: str) -> bool:
    """Whether an image value names a file rather than a URL (``http:``, ``file:``, ``//host``, ``c:``…)."""
    schemes = ("file:", "ftp:", "//", "data:", "http://", "https://")
    return not (text.lower().startswith(schemes) or ":" in text.split("/", 1)[0])


class ImageResolver:
    """Turns image field values into ``data:`` URIs, enforcing the rules above.

    :param asset_dirs: Directories relative image paths are looked up in.
    :param allowed_hosts: Host names (exact, case-insensitive) that may be fetched.
    :param timeout: Seconds a fetch may take in all, redirects included.
    :param max_bytes: The largest image accepted, in bytes.
    :param cache_bytes: How many bytes of fetched images to keep.
    """

    def __init__(
        self,
        asset_dirs: Iterable[str | os.PathLike[str]] = (),
        allowed_hosts: Iterable[str] = (),
        *,
        timeout: float = 5.0,
        max_bytes: int = MAX_IMAGE_BYTES,
        cache_bytes: int = 32 * 1024 * 1024,
        budget: RenderBudget = DEFAULT_BUDGET,
    ) -> None:
        self.asset_dirs = tuple(Path(d).resolve() for d in asset_dirs)
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.budget = budget
        self._fetched: LRUCache[str, bytes] = LRUCache(maxsize=cache_bytes, getsizeof=len)
        self._lock = threading.Lock()

    def resolve(self, value: object, *, template: str, field: str) -> str:
        """The value as a ``data:`` URI of a checked image.

        :raises InvalidValue: The value is not an image svgog may use.
        """

        fail = _failure(template, field)
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
        elif isinstance(value, str):
            text = value.strip()
            if text.startswith("data:"):
                data = self._decode_data_uri(text, fail)
            elif text.lower().startswith(("http://", "https://")):
                data = self._fetch(text, fail)
            elif not _is_path(text):
                raise fail("image URLs must be http(s) on an allowed host, a data: URI, or an asset path")
            else:
                data = self._read_asset(text, fail)
        else:
            raise fail(f"expected image bytes, a path or a URL, got {type(value).__name__}")
        return self._to_data_uri(data, fail)

    def _decode_data_uri(self, uri: str, fail: Fail) -> bytes:
        header, sep, payload = uri[5:].partition(",")
        if not sep:
            raise fail("data: URI without a comma")
        if len(payload) > self.max_bytes * 4 // 3 + 16:
            raise fail(f"image is larger than {self.max_bytes} bytes")
        try:
            if header.endswith(";base64"):
                return base64.b64decode(unquote(payload), validate=True)
            return unquote_to_bytes(payload)
        except ValueError as exc:
            raise fail("data: URI is not valid base64") from exc

    def declared(self, template: Template, values: Mapping[str, object]) -> dict[str, object]:
        """``values``, with each image its template declares read from the template's own directory.

        A value equal to an image field's declared ``default`` or ``sample`` is
        a path the template's author wrote, next to the template, as the
        template's own ``href`` is (the bundled ``quote`` declares
        ``assets/avatar.svg``): previews and forms that send it back then
        render in any application, with no asset directory configured. Only
        the exact declared string is looked up there, so a request can name no
        other file; and the file must stay inside the template's directory
        (no ``..``, no link leading out), whatever the template says. Other
        values are returned unchanged, for :meth:`resolve`.

        :raises InvalidValue: A declared path that leaves the template's
            directory, or names no file.
        """
        if template.path is None:
            return dict(values)
        resolved = dict(values)
        for name, value in values.items():
            field = template.fields.get(name)
            if field is None or field.kind != "image" or not isinstance(value, str) or not value:
                continue
            if value in (field.default, field.sample) and _is_path(value):
                directory = Path(os.path.realpath(template.path.parent))
                fail = _failure(template.name, name)
                resolved[name] = self._read_inside((directory,), value, fail, "the template's directory")
        return resolved

    def _read_asset(self, name: str, fail: Fail) -> bytes:
        if not self.asset_dirs:
            raise fail("image paths need asset directories (Renderer(assets=...))")
        return self._read_inside(self.asset_dirs, name, fail, "the asset directories")

    def _read_inside(self, directories: Iterable[Path], name: str, fail: Fail, where: str) -> bytes:
        """The file ``name`` names in the first of ``directories`` that has it, never a file outside them."""
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts or "\x00" in name:
            raise fail(f"image paths must be relative and stay inside {where}")
        for directory in directories:
            path = Path(os.path.realpath(directory / relative))
            if path.is_relative_to(directory) and path.is_file():
                if path.stat().st_size > self.max_bytes:
                    raise fail(f"image is larger than {self.max_bytes} bytes")
                return path.read_bytes()
        raise fail(f"no image {name[:80]!r} in {where}")

    def _fetch(self, url: str, fail: Fail) -> bytes:
        with self._lock:
            cached = self._fetched.get(url)
        if cached is not None:
            return cached
        deadline = time.monotonic() + self.timeout
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(current)
            host = (parts.hostname or "").lower()
            if parts.scheme not in ("http", "https") or not host:
                raise fail(f"cannot fetch {current[:100]!r}: only http(s) URLs")
            if host not in self.allowed_hosts:
                raise fail(f"host {host!r} is not on the image allowlist")
            import http.client  # only when an image is fetched: it is slow to import

            try:
                status, location, data = self._get(parts, deadline)
            except TimeoutError as exc:
                raise fail(f"fetching the image from {host!r} took longer than {self.timeout:g} s") from exc
            except (OSError, http.client.HTTPException, ValueError) as exc:
                raise fail(f"could not fetch the image from {host!r}: {type(exc).__name__}") from exc
            if status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                continue
            if status != 200:
                raise fail(f"the image server {host!r} answered {status}")
            with self._lock:
                self._fetched[url] = data
            return data
        raise fail(f"more than {MAX_REDIRECTS} redirects")

    def _get(self, parts: SplitResult, deadline: float) -> tuple[int, str | None, bytes]:
        """One GET without following redirects, all of it (connect, status line, headers, body) by the deadline.

        A socket timeout bounds each wait, not their sum: a server trickling
        its headers a byte at a time would hold the fetch for as long as it
        liked. A timer shuts the socket down at the deadline, whatever the
        fetch is waiting for.
        """
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        import http.client

        scheme, host, port = parts.scheme, parts.hostname or "", parts.port
        connection_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = connection_class(host, port, timeout=remaining)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        watchdog = threading.Timer(remaining, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", target, headers={"User-Agent": "svgog", "Accept": "image/*"})
            response = connection.getresponse()
            if response.status != 200:
                return response.status, response.getheader("Location"), b""
            length = response.getheader("Content-Length")
            if length is not None and length.isdigit() and int(length) > self.max_bytes:
                raise ValueError("too large")
            chunks: list[bytes] = []
            total = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > self.max_bytes:
                    raise ValueError("too large")
                chunks.append(chunk)
            if expired.is_set():  # the end of the body may be the watchdog's doing
                raise TimeoutError
            return 200, None, b"".join(chunks)
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() and not isinstance(exc, TimeoutError):
                raise TimeoutError from exc
            raise
        finally:
            watchdog.cancel()
            connection.close()

    def _to_data_uri(self, data: bytes, fail: Fail) -> str:
        if len(data) > self.max_bytes:
            raise fail(f"image is larger than {self.max_bytes} bytes")
        kind = _sniff(data)
        if kind is None:
            raise fail("not a PNG, JPEG, GIF, WebP or SVG image")
        if kind == "image/svg+xml":
            data = self._normalize_svg(data, fail)
        else:
            self._check_raster(data, fail)
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

    def _normalize_svg(self, data: bytes, fail: Fail) -> bytes:
        """Parse an SVG image safely, make it one every renderer draws alike, and measure it.

        Its style sheets are written into ``style`` attributes (so what they
        reference is measured), ``<tref>`` is removed (browsers ignore it) and
        so are markers naming no element (CairoSVG fails on both). It gets a
        viewBox so that it scales to its box like a bitmap. Drawing it must
        fit the renderer's :class:`~svgog.budget.RenderBudget`.
        """
        try:
            root = parse_svg(data, "image")
        except TemplateError as exc:
            raise fail(f"not a usable SVG image: {exc.message}") from exc
        Cascade(root).inline()
        _drop_unsupported_references(root)
        measure(root, self.budget, lambda message: fail(f"SVG image refused: {message}"), external=False)
        width, height = root.get("width", ""), root.get("height", "")
        if root.get("viewBox") is None and width.replace(".", "", 1).isdigit() and height.replace(".", "", 1).isdigit():
            root.set("viewBox", f"0 0 {width} {height}")
        return etree.tostring(root)

    @staticmethod
    def _check_raster(data: bytes, fail: Fail) -> None:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(BytesIO(data)) as image:  # reads the header only
                width, height = image.size
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
            raise fail("the image cannot be decoded") from exc
        if width * height > MAX_PIXELS:
            raise fail(f"image is {width}x{height} pixels; the limit is {MAX_PIXELS} pixels")


_MARKERS = ("marker-start", "marker-mid", "marker-end", "marker")


def _drop_unsupported_references(root: etree._Element) -> None:
    """Remove ``<tref>`` elements and marker properties naming no element of the document."""
    for tref in list(root.iter(f"{{{SVG_NS}}}tref")):
        parent, previous, tail = tref.getparent(), tref.getprevious(), tref.tail
        if parent is not None:
            parent.remove(tref)
            if tail:  # the text after it stays
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    ids = {element.get("id") for element in root.iter() if isinstance(element.tag, str) and element.get("id")}

    def dangling(value: str | None) -> bool:
        if value is None or "url(" not in value:
            return False
        target = value.split("url(", 1)[1].split(")", 1)[0].strip().strip("'\"")
        return not (target.startswith("#") and target[1:] in ids)

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in _MARKERS:
            if dangling(element.get(name)):
                del element.attrib[name]
        style = element.get("style")
        if style and "marker" in style:
            kept = [
                part for part in style.split(";")
                if not (part.split(":", 1)[0].strip().lower() in _MARKERS and dangling(part.partition(":")[2]))
            ]  # fmt: skip
            element.set("style", ";".join(kept))
