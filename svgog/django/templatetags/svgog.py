"""``{% load svgog %}``: ``{% og_meta %}`` and ``{% og_image_url %}``.

.. code-block:: html+django

    {% load svgog %}
    <head>
      {% og_meta "blog" title=post.title description=post.summary type="article" author=post.author %}
    </head>
    <img src="{% og_image_url "blog" title=post.title %}" alt="">

The keywords are those of the Flask functions of the same names
(``format``, ``scale``, ``v``, ``alt``, ``url``, ``site_name``, ``type``,
``fields`` and the card's fields). The template's ``request`` (set by
``render(request, ...)``, or the ``request`` context processor) gives the
host of absolute URLs unless ``SVGOG_BASE_URL`` is set, and ``og:url``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString

from .. import meta

__all__ = ["og_image_url", "og_meta", "register"]

register = template.Library()


def _request(context: template.Context) -> HttpRequest | None:
    # A RequestContext carries the request itself; a plain Context may have it as a variable.
    request = getattr(context, "request", None) or context.get("request")
    return request if isinstance(request, HttpRequest) else None


@register.simple_tag(takes_context=True)
def og_meta(context: template.Context, name: str, alt: str | None = None, **options: Any) -> SafeString:
    """The page's Open Graph and Twitter tags (see :func:`svgog.django.meta.og_meta`)."""
    return meta.og_meta(name, alt, request=_request(context), **options)


@register.simple_tag(takes_context=True)
def og_image_url(context: template.Context, name: str, format: str = "png", **options: Any) -> str:
    """The image's signed, versioned, absolute URL (see :func:`svgog.django.meta.og_image_url`)."""
    return meta.og_image_url(name, format, request=_request(context), **options)
