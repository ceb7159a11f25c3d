"""The :class:`SvgOg` Flask extension, its settings, and the URL and meta-tag helpers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, has_request_context, request, url_for
from markupsafe import Markup

from ..renderer import Renderer
from ..serving.service import Service
from . import gallery  # noqa: F401  (registers the gallery's routes on the blueprint)
from .hosts import UNTRUSTED_MESSAGE, UntrustedHost, require_trusted_host
from .state import settings
from .views import blueprint

__all__ = ["SvgOg", "UntrustedHost", "og_image_url", "og_meta"]

log = logging.getLogger("svgog")


class SvgOg:
    """Serves Open Graph images from SVG templates at ``/og/<name>.png``.

    Configuration, all optional (``docs/serving.md`` explains each):

    ========================  ===============================================
    ``SVGOG_TEMPLATES``       template directory or directories (bundled)
    ``SVGOG_FONTS``           extra font files or directories
    ``SVGOG_SYSTEM_FONTS``    fall back to the system's fonts (on)
    ``SVGOG_ASSETS``          directories image fields may name files in
    ``SVGOG_ALLOWED_HOSTS``   hosts image fields may name URLs on
    ``SVGOG_MAX_LENGTH``      most characters per value (1000)
    ``SVGOG_MAX_FIELDS``      most fields per request (20)
    ``SVGOG_FORMATS``         formats served (png, jpg, webp, svg)
    ``SVGOG_SCALES``          scales served (1, 2)
    ``SVGOG_URL_PREFIX``      where the blueprint is mounted (``/og``)
    ``SVGOG_BASE_URL``        where absolute image URLs start (this host,
                              when it is in ``TRUSTED_HOSTS``)
    ``SVGOG_SITE_NAME``       ``og:site_name`` for :func:`og_meta` (none)
    ``SVGOG_MAX_AGE``         ``Cache-Control`` max-age (one day)
    ``SVGOG_SIGNING``         require signed URLs (on unless debugging)
    ``SVGOG_SECRET_KEY``      signing key (the app's ``SECRET_KEY``)
    ``SVGOG_CACHE``           a :class:`~svgog.cache.Cache` (an in-memory one)
    ``SVGOG_CACHE_MAX_BYTES`` size of the in-memory cache (24 MiB)
    ``SVGOG_CACHE_TTL``       seconds entries live in it (no limit)
    ``SVGOG_FALLBACK``        PNG served when rendering fails (samples)
    ``SVGOG_GALLERY``         serve the gallery at ``/og/`` (when debugging)
    ``SVGOG_STORAGE_DIR``     where the webhook stores images
    ``SVGOG_WEBHOOK_SECRET``  the webhook's shared secret (webhook off)
    ``SVGOG_MAX_RENDERS``     renders at once per process (2 per core)
    ``SVGOG_RENDER_WAIT``     seconds a request waits for a turn (10)
    ``SVGOG_BUDGET``          a :class:`~svgog.RenderBudget` or a dict of its
                              limits (``{"seconds": 1.5}``)
    ``SVGOG_FAILURE_TTL``     seconds a failed render is remembered (60)
    ``SVGOG_CACHE_URL``       a Redis shared by workers and nodes (``redis://``)
    ``SVGOG_STORAGE_URL``     the webhook's images in S3 (``s3://bucket/prefix``)
    ``SVGOG_S_MAXAGE``        ``s-maxage`` for unversioned image URLs (none;
                              also ``SVGOG_STALE_WHILE_REVALIDATE``)
    ========================  ===============================================

    :param app: The application, or ``None`` to call :meth:`init_app` later.
    :param renderer: A renderer to use instead of building one from the
        configuration.
    """

    def __init__(self, app: Flask | None = None, *, renderer: Renderer | None = None) -> None:
        self._renderer = renderer
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Set up the extension for one application and register its blueprint."""
        config = app.config.get_namespace("SVGOG_")
        service = Service.from_config(
            config, renderer=self._renderer, secret_key=app.config.get("SECRET_KEY"), debug=app.debug
        )
        if service.base_url is None and not app.config.get("TRUSTED_HOSTS") and not (app.debug or app.testing):
            # Said at start-up; og_meta and og_image_url raise UntrustedHost when used.
            log.warning(UNTRUSTED_MESSAGE.format(what="absolute URLs (og_meta, og_image_url, the webhook's answers)"))
        app.extensions["svgog"] = service
        app.register_blueprint(blueprint, url_prefix=config.get("url_prefix", "/og"))
        app.add_template_global(og_image_url)
        app.add_template_global(og_meta)

    @staticmethod
    def renderer() -> Renderer:
        """The current application's renderer."""
        return settings().renderer


def og_image_url(
    name: str, /, format: str = "png", *, scale: float = 1, v: object = None, _external: bool = True, **fields: Any
) -> str:
    """The signed, versioned URL of a template's image with the given fields.

    The ``v`` parameter is the image's content hash: when the template, the
    fonts or a field change, so does the URL, and platforms fetch the new
    image (such responses are cached as immutable). ``v=2`` adds a version of
    your own (``v=<hash>-2``): a new URL for the same image, for a platform
    that cached a preview you want it to fetch again. ``scale=2`` is the
    image at twice the size (one of ``SVGOG_SCALES``). Absolute URLs start at
    ``SVGOG_BASE_URL`` when it is set (then no request is needed), else at
    this request's host, if it is trusted (see :mod:`svgog.flask.hosts`).
    Invalid fields raise the same errors as rendering. Available in Jinja
    templates.

    :raises InvalidInput: A field, format or scale the image cannot have.
    :raises UntrustedHost: An absolute URL in production, with neither
        ``SVGOG_BASE_URL`` nor ``TRUSTED_HOSTS`` set.
    """
    return _image_url(name, format, fields, scale=scale, version=v, external=_external)


def _image_url(
    name: str, format: str, fields: Mapping[str, Any], *, scale: float, version: object, external: bool
) -> str:
    state = settings()
    query = state.image_query(name, format, fields, scale=scale, version=version)
    if external and state.base_url is not None:
        return f"{state.base_url}/{name}.{format}?{query}"
    if external and has_request_context():
        require_trusted_host("the image's absolute URL")
    return url_for("svgog.image", name=name, ext=format, _external=external) + "?" + query


def og_meta(
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
    """The page's Open Graph and Twitter tags, with the image of a template.

    ``{{ og_meta("blog", title=post.title, description=post.summary, type="article", author=post.author) }}``
    writes ``og:type``, ``og:site_name``, ``og:url``, ``og:title``,
    ``og:description``, the image (``og:image`` with its width, height, type
    and alt text), ``twitter:card``, ``twitter:title``,
    ``twitter:description``, ``twitter:image`` and its alt text; every value
    HTML-escaped, tags without a value left out. Available in Jinja templates.

    :param name: The template.
    :param alt: The image's alt text; the title by default.
    :param title: The page's title; also the card's ``title`` field when the
        template has one.
    :param description: The page's summary; also the card's ``description``
        field when the template has one.
    :param url: The page's canonical URL; this request's URL without its
        query string by default (its host must be trusted, see
        :mod:`svgog.flask.hosts`).
    :param site_name: The site's name; ``SVGOG_SITE_NAME`` by default.
    :param type: ``og:type``: ``"website"`` (the default) or ``"article"``
        for a post, or another Open Graph type.
    :param format: The image's format.
    :param scale: The image's scale (its width and height are scaled too).
    :param v: A version of your own for the image URL (see :func:`og_image_url`).
    :param fields: Card fields whose names are taken by these parameters
        (``url``, ``type``…); they win over ``title`` and ``description``.
    :param more: More card fields.
    """
    state = settings()
    prefix = None
    if state.base_url is None:
        prefix = url_for("svgog.image", name="_", ext="png", _external=True).rsplit("/", 1)[0]
    page_url = url if url is not None or not has_request_context() else request.base_url
    # Fields are checked first: a bad value is InvalidInput wherever it is built.
    tags = state.meta(
        name, image_prefix=prefix, page_url=page_url, alt=alt, title=title, description=description,
        site_name=site_name, type=type, format=format, scale=scale, v=v, fields=fields, more=more,
    )  # fmt: skip
    if state.base_url is None and has_request_context():
        require_trusted_host("the image's absolute URL")
    if url is None and has_request_context():
        require_trusted_host("og:url (or pass url=)")
    return Markup(tags)
