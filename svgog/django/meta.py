"""Image URLs and meta tags for Django views and templates (the template tags call these).

Absolute URLs start at ``SVGOG_BASE_URL`` when it is set, and else at the
request's scheme and host: ``request.build_absolute_uri``, which asks Django
for the host, and Django answers only a host in ``ALLOWED_HOSTS``
(``DisallowedHost``, a 400, for any other). Without a request and without
``SVGOG_BASE_URL`` there is no host to name: that is a configuration error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .conf import service

__all__ = ["NO_HOST_MESSAGE", "og_image_url", "og_meta"]

NO_HOST_MESSAGE = (
    "svgog: {what} needs a host: set SVGOG_BASE_URL, or pass the request "
    "(in templates: render with a request, or enable the 'django.template.context_processors.request' "
    "context processor)"
)


def _host(request: HttpRequest | None, what: str) -> HttpRequest:
    """The request absolute URLs start at, or the configuration error of having none."""
    if request is None:
        raise ImproperlyConfigured(NO_HOST_MESSAGE.format(what=what))
    return request


def og_image_url(
    name: str,
    /,
    format: str = "png",
    *,
    request: HttpRequest | None = None,
    scale: float = 1,
    v: object = None,
    _external: bool = True,
    **fields: Any,
) -> str:
    """The signed, versioned URL of a template's image with the given fields.

    As :func:`svgog.flask.og_image_url`: ``v`` is the image's content hash
    (and a version of your own after it), ``scale=2`` is twice the size, and
    invalid fields raise the same errors as rendering.

    :param request: This request, for the host of an absolute URL (not
        needed when ``SVGOG_BASE_URL`` is set).
    :param _external: ``False`` for the path on this site alone.
    :raises InvalidInput: A field, format or scale the image cannot have.
    :raises ImproperlyConfigured: An absolute URL with neither a request nor ``SVGOG_BASE_URL``.
    """
    state = service()
    query = state.image_query(name, format, fields, scale=scale, version=v)
    if _external and state.base_url is not None:
        return f"{state.base_url}/{name}.{format}?{query}"
    if not _external:
        return reverse("svgog:image", kwargs={"name": name, "ext": format}) + "?" + query
    host = _host(request, "the image's absolute URL")
    return str(host.build_absolute_uri(reverse("svgog:image", kwargs={"name": name, "ext": format}) + "?" + query))


def og_meta(
    name: str,
    /,
    alt: str | None = None,
    *,
    request: HttpRequest | None = None,
    title: str | None = None,
    description: str | None = None,
    url: str | None = None,
    site_name: str | None = None,
    type: str = "website",
    format: str = "png",
    scale: float = 1,
    v: object = None,
    fields: Mapping[str, Any] | None = None,
    **more: Any,
) -> SafeString:
    """The page's Open Graph and Twitter ``<meta>`` tags, with the image of a template.

    The same tags, byte for byte, as :func:`svgog.flask.og_meta` writes for
    the same arguments and signing key; every value HTML-escaped.

    :param request: This request: the host of the image's URL (unless
        ``SVGOG_BASE_URL`` is set) and ``og:url`` (unless ``url`` is given).
    :param url: The page's canonical URL; the request's URL without its
        query string by default.
    :raises InvalidInput: A field, format or scale the image cannot have.
    :raises ImproperlyConfigured: Neither a request nor ``SVGOG_BASE_URL``.
    """
    state = service()
    prefix = None
    if state.base_url is None:
        host = _host(request, "the image's absolute URL")
        prefix = str(host.build_absolute_uri(reverse("svgog:image", kwargs={"name": "_", "ext": "png"}).rsplit("/", 1)[0]))
    page_url = url
    if page_url is None and request is not None:
        page_url = request.build_absolute_uri(request.path)  # the canonical page: no query string
    tags = state.meta(
        name, image_prefix=prefix, page_url=page_url, alt=alt, title=title, description=description,
        site_name=site_name, type=type, format=format, scale=scale, v=v, fields=fields, more=more,
    )  # fmt: skip
    return mark_safe(tags)  # every value is escaped by the core
