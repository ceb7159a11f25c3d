"""SVG filter effects on pixel arrays: drop shadows and blurs as Chromium draws them.

CairoSVG draws no filter: it shifts the drawing for ``feOffset``, sets an
operator for ``feBlend`` and paints ``feFlood``, and blurs nothing, so the
shadows and blurs of designs exported from Figma and Inkscape vanish.
:mod:`svgog.raster` draws a filtered element alone into an offscreen surface
and hands its pixels here; this package evaluates the ``<filter>`` on them with
numpy, in device pixels, following the Filter Effects spec where Chromium (the
reference for svgog's pictures) does:

- primitives: ``feGaussianBlur``, ``feOffset``, ``feFlood``, ``feColorMatrix``,
  ``feComposite``, ``feBlend`` (every CSS blend mode), ``feMerge``,
  ``feDropShadow``, ``feComponentTransfer`` and ``feMorphology``;
- inputs ``SourceGraphic``, ``SourceAlpha``, named results and the previous
  result. Chromium no longer knows ``BackgroundImage``, ``BackgroundAlpha``,
  ``FillPaint`` or ``StrokePaint``: like any name no result has, they mean
  the previous result (the source for a first primitive), and so here;
- the filter region (``filterUnits``), ``primitiveUnits`` and primitive
  subregions; ``color-interpolation-filters`` per primitive (linearRGB unless
  a primitive or its filter says ``sRGB``, ``auto`` meaning sRGB);
- lengths follow the element's transformation: blur deviations scale with the
  matrix's x and y scale, offsets turn with it.

Pixels are premultiplied float32 RGBA from 0 to 1, converted from cairo's
bytes only where a primitive reads them (a shadow chain reads the alpha
plane alone). An image whose straight color is one color everywhere (a
shadow before and after it is colored, a flat-colored shape) keeps its
alpha plane and that color, so it is moved, blurred and composited as one
channel. Work is limited to the part of the filter region that can be seen,
widened by how far the filter's blurs and offsets reach (at most
:data:`MAX_MARGIN` of the visible size), and each blur computes only what
can still reach what is seen; every primitive costs time linear in those
pixels, whatever its radius or deviation. Large arrays come from buffers
kept between filters (:mod:`.memory`): touching fresh memory costs more
than the arithmetic.

:func:`layers` gives the result as layers for cairo to paint: a result that
is "the element over its shadow" is painted as the element's own surface
over the shadow's alpha mask, without compositing them in numpy.
:func:`apply` gives it as float pixels.

Filters svgog cannot draw as a browser would are drawn as if absent, and
:func:`unsupported_filters` lists them for the template checker.

The modules, in the order a filter meets them: :mod:`.spec` (the model, its
limits and :func:`problems`), :mod:`.unsupported` (reading a template's
filters for the checker), :mod:`.values` (numbers, lengths, colors),
:mod:`.geometry` and :mod:`.region` (device space, the filter region,
primitive units, the work area), :mod:`.memory` (where arrays live),
:mod:`.pixels` (cairo's pixels, color spaces), :mod:`.image` (a result's
shapes), the operations :mod:`.blur`, :mod:`.primitives` and
:mod:`.compositing`, :mod:`.evaluate` (running the primitives) and
:mod:`.output` (the result as layers or floats).
"""

from .geometry import Box as Box
from .geometry import Matrix as Matrix
from .geometry import Placement as Placement
from .geometry import Rect as Rect
from .memory import scratch_bytes as scratch_bytes
from .output import Layer as Layer
from .output import apply as apply
from .output import layers as layers
from .pixels import from_argb32 as from_argb32
from .pixels import to_argb32 as to_argb32
from .region import MAX_MARGIN as MAX_MARGIN
from .region import MAX_SIGMA as MAX_SIGMA
from .region import work_area as work_area
from .spec import MAX_PRIMITIVES as MAX_PRIMITIVES
from .spec import SUPPORTED_PRIMITIVES as SUPPORTED_PRIMITIVES
from .spec import FilterSpec as FilterSpec
from .spec import Primitive as Primitive
from .spec import filter_reference as filter_reference
from .spec import needs_bounding_box as needs_bounding_box
from .spec import problems as problems
from .unsupported import UnsupportedFilter as UnsupportedFilter
from .unsupported import unsupported_filters as unsupported_filters
from .values import parse_color as parse_color

__all__ = [
    "MAX_MARGIN",
    "MAX_PRIMITIVES",
    "MAX_SIGMA",
    "SUPPORTED_PRIMITIVES",
    "FilterSpec",
    "Layer",
    "Placement",
    "Primitive",
    "UnsupportedFilter",
    "apply",
    "filter_reference",
    "from_argb32",
    "layers",
    "needs_bounding_box",
    "parse_color",
    "problems",
    "scratch_bytes",
    "to_argb32",
    "unsupported_filters",
    "work_area",
]
