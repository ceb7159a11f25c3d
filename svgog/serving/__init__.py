"""The serving core: signed image URLs, the cache, the fallback, the webhook, meta tags.

Every web framework adapter (:mod:`svgog.flask`, :mod:`svgog.asgi`,
:mod:`svgog.django`) is a thin layer over one :class:`Service`: it passes
the request's parts in and sends the :class:`Response` back out. Nothing
here imports a web framework, so any other framework needs only a few lines
(see ``docs/frameworks.md``).
"""

from .responses import Response as Response
from .responses import plain as plain
from .responses import read_limited as read_limited
from .service import RESERVED_PARAMETERS as RESERVED_PARAMETERS
from .service import Busy as Busy
from .service import Service as Service
from .signing import UrlSigner as UrlSigner

__all__ = ["RESERVED_PARAMETERS", "Busy", "Response", "Service", "UrlSigner", "plain", "read_limited"]
