"""Per-application state of the extension: the serving core's :class:`~svgog.serving.Service`."""

from __future__ import annotations

from flask import current_app

from ..serving.service import Service

__all__ = ["Settings", "settings"]

#: What the extension keeps per application, in ``app.extensions["svgog"]``.
Settings = Service


def settings() -> Service:
    """The current application's svgog service."""
    return current_app.extensions["svgog"]  # type: ignore[no-any-return]
