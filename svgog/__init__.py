"""svgog: Open Graph images from SVG templates.

>>> import svgog
>>> png = svgog.render_png("blog", title="Hello world", author="Jane Doe")

Importing ``svgog`` loads only its errors: the renderer and what it needs
(fonts, HarfBuzz, lxml, cairo) load when a name that needs them is first used,
so a program that imports svgog and renders later starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__
from .errors import FontError as FontError
from .errors import InvalidInput as InvalidInput
from .errors import InvalidValue as InvalidValue
from .errors import MissingField as MissingField
from .errors import RenderError as RenderError
from .errors import RenderTimeout as RenderTimeout
from .errors import SvgogError as SvgogError
from .errors import TemplateError as TemplateError
from .errors import TemplateNotFound as TemplateNotFound
from .errors import UnknownField as UnknownField
from .errors import UnsupportedText as UnsupportedText

if TYPE_CHECKING:
    from .api import default_renderer as default_renderer
    from .api import render_png as render_png
    from .api import render_svg as render_svg
    from .budget import RenderBudget as RenderBudget
    from .fonts import FontRegistry as FontRegistry
    from .renderer import Renderer as Renderer
    from .renderer import RenderResult as RenderResult
    from .template import Template as Template
    from .text.typeset import FitReport as FitReport

# Public names loaded on first use, by the module that defines them.
_LAZY = {
    "default_renderer": "api",
    "render_png": "api",
    "render_svg": "api",
    "RenderBudget": "budget",
    "FontRegistry": "fonts",
    "Renderer": "renderer",
    "RenderResult": "renderer",
    "Template": "template",
    "FitReport": "text.typeset",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'svgog' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
