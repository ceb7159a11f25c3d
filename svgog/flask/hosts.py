"""Which hosts absolute URLs may name.

The ``Host`` header is whatever the client sends. A page whose ``og:image``
or ``og:url`` is built from it carries ``http://evil.example/...`` for a
request that says ``Host: evil.example``, and a shared cache in front of
the application then serves that page to everyone. So absolute URLs come
from ``SVGOG_BASE_URL`` when it is set, and from the request only when its
host is trusted: listed in Flask's ``TRUSTED_HOSTS`` (Flask 3.1 refuses
other hosts with 400; svgog checks as well, for Flask 3.0), or any host
while the application is in debug or testing mode. In production with
neither setting, building such a URL raises :class:`UntrustedHost`.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import SecurityError
from werkzeug.sansio.utils import host_is_trusted

__all__ = ["UNTRUSTED_MESSAGE", "UntrustedHost", "request_host_is_trusted", "require_trusted_host"]

UNTRUSTED_MESSAGE = (
    "svgog: {what} would come from the request's Host header, which anyone can set: "
    "set SVGOG_BASE_URL (image URLs) or TRUSTED_HOSTS (this site's host names)"
)


class UntrustedHost(RuntimeError):
    """An absolute URL was asked for, and nothing says which host it may name (a configuration error)."""


def request_host_is_trusted() -> bool:
    """Whether this request's host may appear in absolute URLs."""
    trusted = current_app.config.get("TRUSTED_HOSTS")
    if trusted:
        try:
            return host_is_trusted(request.host, trusted)
        except SecurityError:  # Flask 3.1 validates request.host against TRUSTED_HOSTS itself
            return False
    return bool(current_app.debug or current_app.testing)


def require_trusted_host(what: str) -> None:
    """Raise :class:`UntrustedHost` unless this request's host is trusted."""
    if not request_host_is_trusted():
        raise UntrustedHost(UNTRUSTED_MESSAGE.format(what=what))
