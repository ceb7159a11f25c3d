"""``data:`` URIs: how templates embed images and fonts, and how values pass images."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote, unquote_to_bytes

__all__ = ["decode_data_uri"]


def decode_data_uri(uri: str, *, max_bytes: int | None = None, strict: bool = True) -> bytes:
    """The bytes a ``data:`` URI holds.

    :param max_bytes: Refuse URIs that would decode to more (checked before decoding).
    :param strict: Refuse base64 with characters outside its alphabet (a
        renderer reading a template's own images may be lenient, as browsers are).
    :raises ValueError: Not a ``data:`` URI, too large, or not valid base64.

    >>> decode_data_uri("data:text/plain;base64,aGk="), decode_data_uri("data:,a%20b")
    (b'hi', b'a b')
    """
    if not uri.startswith("data:"):
        raise ValueError("not a data: URI")
    header, sep, payload = uri[5:].partition(",")
    if not sep:
        raise ValueError("data: URI without a comma")
    if max_bytes is not None and len(payload) > max_bytes * 4 // 3 + 16:
        raise ValueError(f"larger than {max_bytes} bytes")
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode(unquote(payload), validate=strict)
        except binascii.Error as exc:
            raise ValueError("data: URI is not valid base64") from exc
    return unquote_to_bytes(payload)
