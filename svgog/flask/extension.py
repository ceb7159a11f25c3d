"""The :class:`SvgOg` Flask extension, its settings, and the URL and meta-tag helpers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, has_request_context, request, url_for
from markupsafe import Markup, escape

from ..cache import MemoryCache
from ..errors import InvalidInput
from ..renderer import FORMATS, Renderer
from ..validation import DEFAULT_MAX_LENGTH
from . import gallery  # noqa: F401  (registers the gallery's routes on the blueprint)
from .signing import SIGNATURE_PARAMETER, VERSION_PARAMETER, UrlSigner
from .state import Settings, settings
from .views import blueprint, version_of

__all__ = ["SvgOg", "og_image_url", "og_meta"]


def _flag(value: object) -> bool:
    """A setting that may come from the environment as text ("0", "false", "off")."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


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
    ``SVGOG_BASE_URL``        where absolute image URLs start (this host)
    ``SVGOG_SITE_NAME``       ``og:site_name`` for :func:`og_meta` (none)
    ``SVGOG_MAX_AGE``         ``Cache-Control`` max-age (one day)
    ``SVGOG_SIGNING``         require signed URLs (on unless debugging)
    ``SVGOG_SECRET_KEY``      signing key (the app's ``SECRET_KEY``)
    ``SVGOG_CACHE``           a :class:`~svgog.cache.Cache` (an in-memory one)
    ``SVGOG_CACHE_MAX_BYTES`` size of the in-memory cache (64 MiB)
    ``SVGOG_CACHE_TTL``       seconds entries live in it (no limit)
    ``SVGOG_FALLBACK``        PNG served when rendering fails (samples)
    ``SVGOG_GALLERY``         serve the gallery at ``/og/`` (when debugging)
    ``SVGOG_STORAGE_DIR``     where the webhook stores images
    ``SVGOG_WEBHOOK_SECRET``  the webhook's shared secret (webhook off)
    ``SVGOG_MAX_RENDERS``     renders at once per process (2 per core)
    ``SVGOG_RENDER_WAIT``     seconds a request waits for a turn (10)
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
        renderer = self._renderer or Renderer(
            templates=config.get("templates"),
            fonts=config.get("fonts"),
            system_fonts=_flag(config.get("system_fonts", True)),
            max_length=int(config.get("max_length", DEFAULT_MAX_LENGTH)),
            assets=config.get("assets"),
            allowed_hosts=config.get("allowed_hosts", ()),
        )
        signer = None
        if config.get("signing", not app.debug):
            secret = config.get("secret_key") or app.config.get("SECRET_KEY")
            if not secret:
                raise RuntimeError("svgog: signed URLs need SVGOG_SECRET_KEY or SECRET_KEY (or SVGOG_SIGNING=False)")
            signer = UrlSigner(secret)
        cache = config.get("cache", _DEFAULT)
        if cache is _DEFAULT:
            cache = MemoryCache(
                int(config.get("cache_max_bytes", 64 * 1024 * 1024)),
                max_entries=config.get("cache_max_entries"),
                ttl=config.get("cache_ttl"),
            )
        webhook_secret = config.get("webhook_secret")
        app.extensions["svgog"] = Settings(
            renderer=renderer,
            cache=cache,
            signer=signer,
            max_age=int(config.get("max_age", 86400)),
            fallback_max_age=int(config.get("fallback_max_age", 60)),
            max_fields=int(config.get("max_fields", 20)),
            formats=frozenset(config.get("formats", FORMATS)) & frozenset(FORMATS),
            scales=frozenset(float(s) for s in config.get("scales", (1, 2))),
            fallback=Path(config["fallback"]) if config.get("fallback") else None,
            gallery=bool(config.get("gallery", app.debug)),
            storage_dir=Path(config["storage_dir"]) if config.get("storage_dir") else None,
            webhook_secret=webhook_secret.encode() if isinstance(webhook_secret, str) else webhook_secret,
            webhook_max_bytes=int(config.get("webhook_max_bytes", 64 * 1024)),
            max_renders=int(config.get("max_renders", 2 * (os.cpu_count() or 1))),
            render_wait=float(config.get("render_wait", 10.0)),
            base_url=_base_url(config.get("base_url")),
            site_name=config.get("site_name") or None,
        )
        app.register_blueprint(blueprint, url_prefix=config.get("url_prefix", "/og"))
        app.add_template_global(og_image_url)
        app.add_template_global(og_meta)

    @staticmethod
    def renderer() -> Renderer:
        """The current application's renderer."""
        return settings().renderer


_DEFAULT = object()


def _base_url(value: object) -> str | None:
    """``SVGOG_BASE_URL``, checked: an absolute http(s) URL, without its trailing slash."""
    if not value:
        return None
    text = str(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"svgog: SVGOG_BASE_URL must be an absolute http(s) URL without a query, "
            f"such as https://cdn.example.com/og (got {text[:100]!r})"
        )
    return text.rstrip("/")


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
    this request's host. Invalid fields raise the same errors as rendering.
    Available in Jinja templates.

    :raises InvalidInput: A field, format or scale the image cannot have.
    """
    return _image_url(name, format, fields, scale=scale, version=v, external=_external)


def _image_url(
    name: str, format: str, fields: Mapping[str, Any], *, scale: float, version: object, external: bool
) -> str:
    state = settings()
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale not in state.scales:
        raise InvalidInput(state.scale_message(), template=name)
    if format not in state.formats:
        raise InvalidInput(f"format {format[:20]!r} is not served (SVGOG_FORMATS)", template=name)
    values = {key: str(value) for key, value in fields.items()}
    job = state.prepare(name, values, format=format, scale=float(scale))
    query: dict[str, str] = {**values, VERSION_PARAMETER: version_of(job.key, version)}
    if scale != 1:
        query["scale"] = f"{scale:g}"
    if state.signer is not None:
        query[SIGNATURE_PARAMETER] = state.signer.sign(f"{name}.{format}", query.items())
    if external and state.base_url is not None:
        return f"{state.base_url}/{name}.{format}?{urlencode(query)}"
    return url_for("svgog.image", name=name, ext=format, _external=external) + "?" + urlencode(query)


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
        query string by default.
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
    template = state.renderer.template(name)
    page = {"title": title, "description": description}
    card: dict[str, Any] = {k: value for k, value in page.items() if value is not None and k in template.fields}
    card.update(fields or {})
    card.update(more)
    image = _image_url(name, format, card, scale=scale, version=v, external=True)
    if url is None and has_request_context():
        url = request.base_url
    alt = alt if alt is not None else title
    properties = {
        "og:type": type,
        "og:site_name": site_name if site_name is not None else state.site_name,
        "og:url": url,
        "og:title": title,
        "og:description": description,
        "og:image": image,
        "og:image:width": str(round(template.width * scale)),
        "og:image:height": str(round(template.height * scale)),
        "og:image:type": FORMATS[format],
        "og:image:alt": alt,
    }
    names = {
        "twitter:card": "summary_large_image",
        "twitter:title": title,
        "twitter:description": description,
        "twitter:image": image,
        "twitter:image:alt": alt,
    }
    lines = [f'<meta property="{key}" content="{escape(value)}">' for key, value in properties.items() if value]
    lines += [f'<meta name="{key}" content="{escape(value)}">' for key, value in names.items() if value]
    return Markup("\n".join(lines))
