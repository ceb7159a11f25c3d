"""Django integration: an app with the image routes, template tags, and Django's caches and storages.

.. code-block:: python

    INSTALLED_APPS = [..., "svgog.django"]
    # urls.py
    urlpatterns = [..., path("og/", include("svgog.django.urls"))]

.. code-block:: html+django

    {% load svgog %}
    <head>{% og_meta "blog" title=post.title description=post.summary %}</head>

Settings are ``SVGOG_*`` names in ``settings.py`` (see ``docs/frameworks.md``).
Importing this package imports nothing from Django: the names below are
loaded when first used, so ``import svgog.django`` works before (or
without) Django's settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..serving.service import Service
    from .meta import og_image_url as og_image_url
    from .meta import og_meta as og_meta

__all__ = ["og_image_url", "og_meta", "service"]

# The module each lazily loaded name lives in.
_LAZY = {"og_image_url": ".meta", "og_meta": ".meta"}


def service() -> Service:
    """This process's svgog service, built from Django's settings on first use (thread-safe)."""
    from .conf import service as build

    return build()


def __getattr__(name: str) -> Any:
    """Load :func:`og_meta` and :func:`og_image_url` (which import Django) on first use."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
