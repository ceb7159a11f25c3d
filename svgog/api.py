"""One-call helpers over a shared default :class:`~svgog.renderer.Renderer`.

The default renderer uses the bundled templates and fonts and is created on
first use. Applications with their own templates build a ``Renderer``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from .renderer import Renderer

__all__ = ["default_renderer", "render_png", "render_svg"]

_default: Renderer | None = None
_lock = threading.Lock()


def default_renderer() -> Renderer:
    """The process-wide renderer over the bundled templates and fonts."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Renderer()
    return _default


def render_png(name: str, fields: Mapping[str, object] | None = None, /, **more: object) -> bytes:
    """Render a bundled template to PNG bytes.

    >>> import svgog
    >>> svgog.render_png("blog", title="Hello")[:4]
    b'\\x89PNG'
    """
    return default_renderer().render_png(name, fields, **more)


def render_svg(name: str, fields: Mapping[str, object] | None = None, /, **more: object) -> str:
    """Render a bundled template to a filled SVG document."""
    return default_renderer().render_svg(name, fields, **more)
