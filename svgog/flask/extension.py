"""The :class:`SvgOg` Flask extension, its settings, and the URL and meta-tag helpers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from markupsafe import Markup, escape

from ..cache import MemoryCache
from ..renderer import FORMATS, Renderer
from ..validation import DEFAULT_MAX_LENGTH
from . import gallery  # noqa: F401  (registers the gallery's routes on the blueprint)
from .signing import SIGNATURE_PARAMETER, UrlSigner
from .state import Settings, settings
from .views import blueprint

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
        )
        app.register_blueprint(blueprint, url_prefix=config.get("url_prefix", "/og"))
        app.add_template_global(og_image_url)
        app.add_template_global(og_meta)

    @staticmethod
    def renderer() -> Renderer:
        """The current application's renderer."""
        return settings().renderer


_DEFAULT = object()


def og_image_url(name: str, format: str = "png", *, _external: bool = True, _scale: float = 1.0, **fields: Any) -> str:
    """The signed, versioned URL of a template's image with the given fields.

    The ``v`` parameter is the image's content hash: when the template, the
    fonts or a field change, so does the URL, and platforms fetch the new
    image (such responses are cached as immutable). Invalid fields raise the
    same errors as rendering. Available in Jinja templates.
    """
    state = settings()
    values = {k: str(v) for k, v in fields.items()}
    job = state.renderer.prepare(name, values, format=format, scale=_scale)
    query: dict[str, str] = {**values, "v": job.key[:16]}
    if _scale != 1:
        query["scale"] = f"{_scale:g}"
    if state.signer is not None:
        query[SIGNATURE_PARAMETER] = state.signer.sign(f"{name}.{format}", query.items())
    return url_for("svgog.image", name=name, ext=format, _external=_external, **query)


def og_meta(name: str, alt: str | None = None, *, format: str = "png", **fields: Any) -> Markup:
    """The full set of Open Graph and Twitter image tags for a template's image.

    Available in Jinja templates: ``{{ og_meta("blog", alt=post.title, title=post.title) }}``.
    """
    state = settings()
    template = state.renderer.template(name)
    url = og_image_url(name, format, **fields)
    media_type = FORMATS[format]
    text = alt if alt is not None else str(fields.get("title", ""))
    tags: Mapping[str, str] = {
        "og:image": url,
        "og:image:width": str(template.width),
        "og:image:height": str(template.height),
        "og:image:type": media_type,
        "og:image:alt": text,
    }
    lines = [f'<meta property="{key}" content="{escape(value)}">' for key, value in tags.items()]
    lines.append('<meta name="twitter:card" content="summary_large_image">')
    lines.append(f'<meta name="twitter:image" content="{escape(url)}">')
    lines.append(f'<meta name="twitter:image:alt" content="{escape(text)}">')
    return Markup("\n".join(lines))
