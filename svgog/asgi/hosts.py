"""Which hosts absolute URLs may name, from an ASGI request's scope.

The ``Host`` header is whatever the client sends. A page whose ``og:image``
or ``og:url`` is built from it carries ``http://evil.example/...`` for a
request that says ``Host: evil.example``, and a shared cache in front of the
application then serves that page to everyone. So absolute URLs come from
``base_url`` when it is set, and from the request only when its host is in
``trusted_hosts`` (``"blog.example.com"``, or ``".example.com"`` for the
domain and every subdomain), or any host in debug mode. As with Flask's
``TRUSTED_HOSTS``, other hosts are not refused here: that is the job of the
site's own host checks (Starlette's ``TrustedHostMiddleware``, a proxy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["UNTRUSTED_MESSAGE", "UntrustedHost", "host_is_trusted", "origin", "request_origin"]

UNTRUSTED_MESSAGE = (
    "svgog: {what} would come from the request's Host header, which anyone can set: "
    "set base_url= (image URLs) or trusted_hosts= (this site's host names)"
)

# A host name or an IPv4 address, or a bracketed IPv6 address, and an optional port:
# anything else in a Host header never reaches a URL, even in debug mode.
_AUTHORITY = re.compile(r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.?|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d{1,5}))?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class UntrustedHost(RuntimeError):
    """An absolute URL was asked for, and nothing says which host it may name (a configuration error)."""


def _header(scope: Mapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def origin(scope: Mapping[str, Any]) -> tuple[str, str] | None:
    """The request's scheme and authority (``host[:port]``), from its ``Host`` header or the server's address.

    ``None`` when the header is not a plain host and port.
    """
    scheme = str(scope.get("scheme") or "http")
    authority = _header(scope, b"host")
    if authority is None:
        server = scope.get("server")
        if not server:
            return None
        host, port = server[0], server[1]
        if ":" in host:
            host = f"[{host}]"
        authority = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    if not _AUTHORITY.fullmatch(authority):
        return None
    return scheme, authority


def host_is_trusted(authority: str, trusted: Iterable[str]) -> bool:
    """Whether ``authority``'s host (its port ignored) is one of ``trusted``.

    An entry starting with a dot names that domain and its subdomains, as in
    Werkzeug's ``host_is_trusted``.
    """
    match = _AUTHORITY.fullmatch(authority)
    if match is None:
        return False
    host = match["host"].lower().rstrip(".")
    for entry in trusted:
        entry = entry.lower().rstrip(".")
        if entry.startswith("."):
            if host == entry[1:] or host.endswith(entry):
                return True
        elif host == entry:
            return True
    return False


def request_origin(scope: Mapping[str, Any], trusted_hosts: Sequence[str], debug: bool, *, what: str) -> str:
    """``scheme://host[:port]`` of this request, when its host may appear in absolute URLs.

    :param trusted_hosts: The site's host names; with none, only debug mode trusts a host.
    :param what: What the URL is for, named in the error.
    :raises UntrustedHost: The host is not trusted, or is not a plain host and port.
    """
    found = origin(scope)
    if found is not None:
        scheme, authority = found
        if host_is_trusted(authority, trusted_hosts) if trusted_hosts else debug:
            return f"{scheme}://{authority}"
    raise UntrustedHost(UNTRUSTED_MESSAGE.format(what=what))
