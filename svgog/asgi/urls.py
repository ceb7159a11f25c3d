"""Image URLs and meta tags for the pages of an ASGI site that mounts svgog's application.

Absolute URLs start at the service's ``base_url`` when it is set (no request
needed), else at the page request's scheme and host, when that host is
trusted (see :mod:`.hosts`), followed by the application's root path and
the mount point of svgog's application (``/og``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from ..serving.service import Service
from .hosts import request_origin

__all__ = ["Site", "scope_of"]

# Characters a path keeps as they are in a URL (RFC 3986's pchar and "/").
_PATH_SAFE = "/!$&'()*+,;=:@"


def scope_of(request: Any) -> Mapping[str, Any] | None:
    """The ASGI scope of a request object (Starlette's, FastAPI's, Litestar's…) or of a scope itself."""
    if request is None:
        return None
    scope = getattr(request, "scope", request)
    return scope if isinstance(scope, Mapping) else None


class Site:
    """Where svgog's application is mounted, and which hosts absolute URLs may name.

    :param service: The serving core.
    :param mount: The path svgog's application is mounted at, relative to
        the site's root (``/og``).
    :param trusted_hosts: The site's host names (``.example.com`` for a
        domain and its subdomains).
    :param debug: Any host is trusted when ``trusted_hosts`` is empty.
    """

    def __init__(self, service: Service, mount: str = "/og", trusted_hosts: Sequence[str] = (), debug: bool = False) -> None:
        self.service = service
        self.mount = "/" + mount.strip("/") if mount.strip("/") else ""
        self.trusted_hosts = tuple(trusted_hosts)
        self.debug = debug

    def root(self, scope: Mapping[str, Any] | None) -> str:
        """The site's own root path: the application's, not that of a mount the request went through."""
        if scope is None:
            return ""
        return str(scope.get("app_root_path", scope.get("root_path", "")) or "").rstrip("/")

    def image_prefix(self, scope: Mapping[str, Any] | None, *, external: bool = True) -> str:
        """Where image URLs start: ``base_url``, or this request's origin (if trusted) and the mount's path.

        :raises UntrustedHost: An absolute URL from an untrusted host.
        :raises RuntimeError: An absolute URL with neither ``base_url`` nor a request.
        """
        if external and self.service.base_url is not None:
            return self.service.base_url
        path = self.root(scope) + self.mount
        if not external:
            return path
        if scope is None:
            raise RuntimeError("svgog: absolute image URLs need base_url= or the request (context['request'])")
        return request_origin(scope, self.trusted_hosts, self.debug, what="the image's absolute URL") + path

    def page_url(self, scope: Mapping[str, Any]) -> str:
        """This request's URL without its query string (the page's canonical URL for ``og:url``).

        :raises UntrustedHost: The request's host is not trusted.
        """
        origin = request_origin(scope, self.trusted_hosts, self.debug, what="og:url (or pass url=)")
        return origin + quote(str(scope.get("path") or "/"), safe=_PATH_SAFE)

    def image_url(
        self,
        name: str,
        /,
        format: str = "png",
        *,
        request: Any = None,
        scale: float = 1,
        v: object = None,
        external: bool = True,
        fields: Mapping[str, Any] | None = None,
    ) -> str:
        """The signed, versioned URL of a template's image with the given fields.

        :param fields: The card's fields.
        :param request: The page's request (or its ASGI scope): its host, when
            trusted, starts absolute URLs if ``base_url`` is not set.
        :param external: An absolute URL; else the path from the site's root.
        :raises InvalidInput: A field, format or scale the image cannot have.
        :raises UntrustedHost: An absolute URL from an untrusted host.
        """
        scope = scope_of(request)
        # The fields are checked first: a bad value is InvalidInput wherever it is built.
        query = self.service.image_query(name, format, fields or {}, scale=scale, version=v)
        return f"{self.image_prefix(scope, external=external)}/{name}.{format}?{query}"

    def meta(
        self,
        name: str,
        /,
        alt: str | None = None,
        *,
        request: Any = None,
        title: str | None = None,
        description: str | None = None,
        url: str | None = None,
        site_name: str | None = None,
        type: str = "website",
        format: str = "png",
        scale: float = 1,
        v: object = None,
        fields: Mapping[str, Any] | None = None,
        more: Mapping[str, Any] | None = None,
    ) -> str:
        """The page's Open Graph and Twitter tags (HTML-escaped text), as :meth:`Service.meta` writes them.

        ``og:url`` is ``url`` or, without it, the request's URL without its
        query string. ``fields`` and ``more`` are the card's fields, as
        :meth:`Service.meta <svgog.serving.Service.meta>` takes them.

        :raises InvalidInput: A field, format or scale the image cannot have.
        :raises UntrustedHost: An absolute URL from an untrusted host.
        """
        scope = scope_of(request)
        options: dict[str, Any] = dict(
            alt=alt, title=title, description=description, site_name=site_name,
            type=type, format=format, scale=scale, v=v, fields=fields, more=more,
        )  # fmt: skip
        # Built once with the path alone, so a bad field is InvalidInput before a host is looked at.
        tags = self.service.meta(name, image_prefix=self.root(scope) + self.mount, page_url=url, **options)
        if self.service.base_url is None or (url is None and scope is not None):
            prefix = self.image_prefix(scope)
            page_url = url if url is not None or scope is None else self.page_url(scope)
            tags = self.service.meta(name, image_prefix=prefix, page_url=page_url, **options)
        return tags
