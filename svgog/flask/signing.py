"""Signed image URLs: an HMAC over the template, format and normalized query.

The signature covers every query parameter except ``sig`` itself, sorted, so
parameter order does not matter and nothing can be added or changed. Keys
come from ``SVGOG_SECRET_KEY`` (or the application's ``SECRET_KEY``); the
HMAC is itsdangerous's, which compares in constant time.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from itsdangerous import BadSignature, Signer

__all__ = ["SIGNATURE_PARAMETER", "UrlSigner"]

SIGNATURE_PARAMETER = "sig"
_MAX_SIGNATURE = 100


def _payload(path: str, pairs: Iterable[tuple[str, str]]) -> bytes:
    items = sorted((k, v) for k, v in pairs if k != SIGNATURE_PARAMETER)
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)
    return f"{path}?{query}".encode("utf-8", "surrogatepass")


class UrlSigner:
    """Signs and verifies the image part of a URL.

    :param secret: The signing key.
    """

    def __init__(self, secret: str | bytes) -> None:
        self._signer = Signer(secret, salt="svgog.image-url", digest_method=None)

    def sign(self, path: str, pairs: Iterable[tuple[str, str]]) -> str:
        """The signature for ``path`` (``name.ext``) with these query parameters."""
        return self._signer.get_signature(_payload(path, pairs)).decode("ascii")

    def verify(self, path: str, pairs: Iterable[tuple[str, str]], signature: str | None) -> bool:
        """Whether ``signature`` is the one :meth:`sign` gives."""
        if not signature or len(signature) > _MAX_SIGNATURE:
            return False
        try:
            return self._signer.verify_signature(_payload(path, pairs), signature.encode("ascii", "replace"))
        except (BadSignature, ValueError):
            return False
