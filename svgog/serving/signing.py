"""Signed image URLs: an HMAC over the template, format and normalized query.

The signature covers every query parameter except ``sig`` itself and ``v``,
sorted, so parameter order does not matter and nothing that changes the image
(the template, the format, a field, the scale) can be added or changed. ``v``
is left out because it names a version of the URL, never a different image:
people append or replace it (``?v=2``) to make a platform fetch a preview
again, and it is neither a field nor part of the render's cache key, so it
cannot make the server render anything new. Keys come from
``SVGOG_SECRET_KEY`` (or the application's ``SECRET_KEY``); the HMAC is
itsdangerous's.

Only the canonical encoding of a signature verifies: itsdangerous decodes
leniently (padding, ``+`` and ``/`` for ``-`` and ``_``, stray characters),
and every spelling that decodes to the right bytes would be another URL,
another CDN cache key, for the same image. The expected signature is
computed and compared with the given text, in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import quote

from itsdangerous import Signer

__all__ = ["SIGNATURE_PARAMETER", "UNSIGNED_PARAMETERS", "VERSION_PARAMETER", "UrlSigner"]

SIGNATURE_PARAMETER = "sig"
#: The URL's version: svgog's URLs put the image's content hash there.
VERSION_PARAMETER = "v"
#: Query names the signature does not cover.
UNSIGNED_PARAMETERS = frozenset({SIGNATURE_PARAMETER, VERSION_PARAMETER})
_MAX_SIGNATURE = 100


def _payload(path: str, pairs: Iterable[tuple[str, str]], unsigned: frozenset[str] = UNSIGNED_PARAMETERS) -> bytes:
    items = sorted((k, v) for k, v in pairs if k not in unsigned)
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)
    return f"{path}?{query}".encode("utf-8", "surrogatepass")


class UrlSigner:
    """Signs and verifies the image part of a URL.

    :param secret: The signing key.
    """

    def __init__(self, secret: str | bytes) -> None:
        self._signer = Signer(secret, salt="svgog.image-url", digest_method=None)

    def sign(self, path: str, pairs: Iterable[tuple[str, str]]) -> str:
        """The signature for ``path`` (``name.ext``) with these query parameters (``sig`` and ``v`` ignored)."""
        return self._signer.get_signature(_payload(path, pairs)).decode("ascii")

    def verify(self, path: str, pairs: Iterable[tuple[str, str]], signature: str | None) -> bool:
        """Whether ``signature`` is exactly the one :meth:`sign` gives (no other spelling of it)."""
        if not signature or len(signature) > _MAX_SIGNATURE:
            return False
        pairs = list(pairs)
        given = signature.encode("ascii", "replace")
        # URLs signed before ``v`` was left out (their ``v`` signed too) are
        # already cached by platforms: they keep working, unchanged.
        matches = [
            hmac.compare_digest(self._signer.get_signature(payload), given)
            for payload in (_payload(path, pairs), _payload(path, pairs, frozenset({SIGNATURE_PARAMETER})))
        ]
        return any(matches)
