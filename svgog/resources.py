"""Where the bundled templates and fonts live.

In an installed wheel they sit inside the package (``svgog/bundled_templates``,
``svgog/bundled_fonts``); in a source checkout or an editable install they are
the top-level ``templates_svg/`` and ``fonts/`` directories.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_fonts_dir", "bundled_templates_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _locate(installed: str, checkout: str) -> Path:
    inside = _PACKAGE / installed
    return inside if inside.is_dir() else _PACKAGE.parent / checkout


def bundled_templates_dir() -> Path:
    """The directory of the templates that ship with svgog."""
    return _locate("bundled_templates", "templates_svg")


def bundled_fonts_dir() -> Path:
    """The directory of the fonts that ship with svgog."""
    return _locate("bundled_fonts", "fonts")
