"""Requests and responses as plain data, for any web framework to translate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["SVG_POLICY", "Response", "etag_matches", "plain", "protect", "read_limited"]

#: What an SVG response may do when a browser opens it: draw, with its own
#: inline styles and data: images; no scripts, no fetches, no frames.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass
class Response:
    """What to answer: an adapter turns it into its framework's response unchanged.

    :param status: The HTTP status.
    :param body: The body's bytes.
    :param media_type: The ``Content-Type`` (with ``; charset=utf-8`` for text).
    :param headers: Other headers, in order.
    """

    status: int
    body: bytes = b""
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def header_items(self) -> list[tuple[str, str]]:
        """Every header, ``Content-Type`` and ``Content-Length`` included."""
        items = []
        if self.media_type is not None:
            items.append(("Content-Type", self.media_type))
        items.append(("Content-Length", str(len(self.body))))
        items.extend(self.headers.items())
        return items


def plain(message: str, status: int, **headers: str) -> Response:
    """A one-line ``text/plain`` response; control characters never reach the client."""
    line = "".join(ch if ch.isprintable() else "?" for ch in " ".join(message.split()))
    if len(line) > 300:
        line = line[:300] + "…"
    return Response(status, (line + "\n").encode("utf-8"), "text/plain; charset=utf-8", dict(headers))


def protect(response: Response) -> Response:
    """The headers every image response carries: no sniffing, and no scripts in an SVG."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if (response.media_type or "").startswith("image/svg+xml"):
        # The SVG preview is opened directly in browsers: no scripts, no fetches.
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names the (strong) entity tag ``tag``, or is ``*``."""
    if not if_none_match:
        return False
    for part in if_none_match.split(","):
        candidate = part.strip()
        if candidate == "*":
            return True
        candidate = candidate.removeprefix("W/")
        if candidate == f'"{tag}"':
            return True
    return False


def read_limited(read: Callable[[int], bytes], limit: int) -> bytes:
    """At most ``limit + 1`` bytes from a stream's ``read``, however the body is sent.

    A chunked body has no ``Content-Length`` to refuse up front: it is read
    from the stream, and no more than one byte past the limit is ever held.
    """
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        part = read(limit + 1 - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)
