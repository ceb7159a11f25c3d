"""The :class:`SvgOg` Flask extension."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, url_for

from ..renderer import Renderer
from ..validation import DEFAULT_MAX_LENGTH
from .views import blueprint

__all__ = ["SvgOg", "og_image_url"]

DEFAULT_URL_PREFIX = "/og"
DEFAULT_MAX_AGE = 86400


@dataclass(frozen=True)
class _State:
    """What the extension keeps per application, in ``app.extensions["svgog"]``."""

    renderer: Renderer
    max_age: int


class SvgOg:
    """Serves Open Graph images from SVG templates at ``/og/<name>.png``.

    Configuration (all optional):

    ``SVGOG_TEMPLATES``
        A directory, or a list of directories, of templates. Default: the
        bundled templates.
    ``SVGOG_FONTS``
        Extra font files or directories.
    ``SVGOG_MAX_LENGTH``
        The most characters a field value may have (default 1000).
    ``SVGOG_URL_PREFIX``
        Where the blueprint is mounted (default ``/og``).
    ``SVGOG_MAX_AGE``
        ``Cache-Control`` max-age of images, in seconds (default one day).
    ``SVGOG_ASSETS``
        Directories image fields may name files in.
    ``SVGOG_ALLOWED_HOSTS``
        Hosts image fields may name ``http(s)`` URLs on (fetched by svgog).

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
            max_length=int(config.get("max_length", DEFAULT_MAX_LENGTH)),
            assets=config.get("assets"),
            allowed_hosts=config.get("allowed_hosts", ()),
        )
        app.extensions["svgog"] = _State(renderer=renderer, max_age=int(config.get("max_age", DEFAULT_MAX_AGE)))
        app.register_blueprint(blueprint, url_prefix=config.get("url_prefix", DEFAULT_URL_PREFIX))
        app.add_template_global(og_image_url)

    @staticmethod
    def renderer() -> Renderer:
        """The current application's renderer."""
        state: _State = current_app.extensions["svgog"]
        return state.renderer


def og_image_url(name: str, format: str = "png", _external: bool = True, **fields: Any) -> str:
    """The URL of a template's image with the given fields, absolute by default.

    Also available in Jinja templates as ``og_image_url(...)``.
    """
    return url_for("svgog.image", name=name, ext=format, _external=_external, **fields)
