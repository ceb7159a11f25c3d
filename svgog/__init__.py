"""svgog: Open Graph images from SVG templates.

>>> import svgog
>>> png = svgog.render_png("blog", title="Hello world", author="Jane Doe")
"""

from ._version import __version__ as __version__
from .api import default_renderer as default_renderer
from .api import render_png as render_png
from .api import render_svg as render_svg
from .budget import RenderBudget as RenderBudget
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
from .fonts import FontRegistry as FontRegistry
from .renderer import Renderer as Renderer
from .renderer import RenderResult as RenderResult
from .template import Template as Template
from .text.typeset import FitReport as FitReport
