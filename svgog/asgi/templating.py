"""Jinja2 helpers for the pages of an ASGI site: ``og_meta`` and ``og_image_url``.

::

    templates = Jinja2Templates(directory="templates")
    templates.env.globals.update(svgog.asgi.jinja_globals(og, mount="/og"))

They read the page's request from the template's context
(``context["request"]``, which Starlette's and FastAPI's
``TemplateResponse`` put there) for absolute URLs when ``base_url`` is not set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..serving.service import Service
from .urls import Site

if TYPE_CHECKING:
    from .app import SvgogASGI

__all__ = ["jinja_globals"]


def jinja_globals(
    app: SvgogASGI | Service | Site,
    mount: str = "/og",
    *,
    trusted_hosts: Sequence[str] | None = None,
    debug: bool | None = None,
) -> dict[str, Callable[..., Any]]:
    """``{"og_meta": ..., "og_image_url": ...}`` for a Jinja2 environment's globals.

    In a template, with the signatures of :func:`svgog.flask.og_meta` and
    :func:`svgog.flask.og_image_url`::

        {{ og_meta("blog", title=post.title, description=post.summary, type="article", author=post.author) }}
        <img src="{{ og_image_url('blog', title=post.title) }}">

    :param app: svgog's ASGI application, or its service, or a :class:`~svgog.asgi.urls.Site`
        (which brings its own mount point and hosts).
    :param mount: Where the site mounts svgog's application, from its root.
    :param trusted_hosts: Host names absolute URLs may name; the
        application's by default.
    :param debug: Trust any host when there are no trusted hosts; the
        application's setting by default.
    """
    # Imported here: ``import svgog.asgi`` needs neither.
    from jinja2 import pass_context
    from jinja2.runtime import Context
    from markupsafe import Markup

    if isinstance(app, Site):
        site = app
    else:
        service = app if isinstance(app, Service) else app.service
        hosts = trusted_hosts if trusted_hosts is not None else getattr(app, "trusted_hosts", ())
        site = Site(service, mount, hosts, debug if debug is not None else bool(getattr(app, "debug", False)))

    @pass_context
    def og_image_url(
        context: Context, name: str, /, format: str = "png", *, scale: float = 1, v: object = None,
        _external: bool = True, **fields: Any,
    ) -> str:  # fmt: skip
        """The signed, versioned URL of a template's image (see :func:`svgog.flask.og_image_url`)."""
        return site.image_url(
            name, format, request=context.get("request"), scale=scale, v=v, external=_external, fields=fields
        )

    @pass_context
    def og_meta(
        context: Context,
        name: str,
        /,
        alt: str | None = None,
        *,
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
    ) -> Markup:
        """The page's Open Graph and Twitter tags (see :func:`svgog.flask.og_meta`)."""
        return Markup(
            site.meta(
                name, alt, request=context.get("request"), title=title, description=description, url=url,
                site_name=site_name, type=type, format=format, scale=scale, v=v, fields=fields, more=more,
            )
        )  # fmt: skip

    return {"og_meta": og_meta, "og_image_url": og_image_url}
