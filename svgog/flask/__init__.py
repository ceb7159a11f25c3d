"""Flask integration: the :class:`SvgOg` extension and its ``/og/`` blueprint.

This is the only part of svgog that imports Flask.
"""

from .extension import SvgOg as SvgOg
from .extension import og_image_url as og_image_url
from .extension import og_meta as og_meta
from .hosts import UntrustedHost as UntrustedHost
from .state import Settings as Settings
from .views import RESERVED_PARAMETERS as RESERVED_PARAMETERS
from .views import blueprint as blueprint
