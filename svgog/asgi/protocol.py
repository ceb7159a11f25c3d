"""The few parts of the ASGI protocol svgog needs: headers, a bounded body, a response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from ..serving.responses import Response

__all__ = [
    "ClientDisconnected",
    "Receive",
    "Scope",
    "Send",
    "content_length",
    "header",
    "read_body",
    "send_response",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ClientDisconnected(Exception):
    """The client went away before its request's body arrived."""


def header(scope: Mapping[str, Any], name: str) -> str | None:
    """A request header's value (several of the same name joined with ``, ``), or ``None``.

    ASGI servers send names in lower case; they are compared case-insensitively all the same.
    """
    wanted = name.lower().encode("latin-1")
    values = [bytes(value).decode("latin-1") for key, value in scope.get("headers") or () if key.lower() == wanted]
    return ", ".join(values) if values else None


def content_length(scope: Mapping[str, Any]) -> int | None:
    """The ``Content-Length`` header as a number, or ``None`` when absent or not a number."""
    value = header(scope, "content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """At most ``limit + 1`` bytes of the request's body, and whether that was all of it.

    A chunked body has no ``Content-Length`` to refuse up front: it is read
    message by message, and reading stops one byte past the limit, however
    much the client still means to send (the server stops reading the
    socket once its buffer is full). A message longer than what is still
    wanted is cut right away.

    :raises ClientDisconnected: The client went away first.
    """
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected
        chunk = bytes(message.get("body", b""))
        if chunk:
            chunk = chunk[: limit + 1 - size]
            parts.append(chunk)
            size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(parts), True
    return b"".join(parts), False


async def send_response(send: Send, response: Response, *, head: bool = False, close: bool = False) -> None:
    """Send the core's response unchanged: its status, media type and headers, and its body unless ``head``.

    :param head: A ``HEAD`` request: the same headers (``Content-Length``
        included), no body.
    :param close: Ask the client to close the connection (its body was not
        read to the end).
    """
    items = response.header_items()
    if response.status == 304:
        # A 304 describes the image the client has: no body's type or length of its own.
        items = [(k, v) for k, v in items if k.lower() not in ("content-type", "content-length")]
    if close:
        items.append(("Connection", "close"))
    headers = [(key.lower().encode("latin-1"), value.encode("latin-1", "replace")) for key, value in items]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
