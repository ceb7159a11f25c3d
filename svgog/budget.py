"""What a render may cost: documents measured before drawing, drawing cut off at a deadline.

CairoSVG draws what a document asks for, however much that is: ten levels of
ten ``<use>`` references each are 10¹⁰ drawn elements in a few kilobytes.
svgog bounds every render two ways:

- :func:`measure` computes, before anything is drawn, what drawing a document
  would cost: drawn elements after expanding ``<use>``, patterns, markers,
  clip paths and masks (on the reference graph, each element once, never by
  expanding), nesting depth, path data, filtered elements and pictures, with
  SVG pictures inside pictures measured too. Templates are measured when they
  load and image values when they are resolved; above a limit of their
  :class:`RenderBudget` they are refused with a :class:`~svgog.TemplateError`
  or :class:`~svgog.InvalidValue` naming the limit. Reference cycles are
  refused too.
- :func:`deadline` sets a limit of CPU time on the drawing thread, which the
  drawing checks as it goes (:func:`check_deadline`): a render that still
  runs long stops with :class:`~svgog.RenderTimeout` instead of holding a worker.

>>> from lxml import etree
>>> svg = etree.fromstring(
...     '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
...     '<defs><rect id="r" width="1" height="1"/></defs>'
...     '<g id="g"><use xlink:href="#r"/><use xlink:href="#r"/></g>'
...     '<use xlink:href="#g"/></svg>')
>>> measure(svg, RenderBudget(), fail=ValueError).elements
12
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import NamedTuple

from lxml import etree

from .css import parse_declarations
from .datauri import decode_data_uri
from .errors import RenderTimeout
from .xmlsafe import SVG_NS, XLINK_NS

__all__ = ["DEFAULT_BUDGET", "Cost", "RenderBudget", "check_deadline", "deadline", "measure", "raster_size"]


@dataclass(frozen=True)
class RenderBudget:
    """The most one render may ask for; the defaults keep a render near a second of CPU.

    Measured with CairoSVG on a 2-core server: a drawn rectangle costs about
    0.15 ms, a ``<use>`` 0.27 ms, a kilobyte of path data about 1 ms, a
    character of an SVG text 0.3 ms, a filter on a whole card up to 130 ms.

    :param elements: Elements drawn, counting each ``<use>`` expansion, each
        pattern tile's content per painted shape, each marker per vertex and
        each character of a text; the document's own element count too.
    :param depth: Nesting of elements, references included.
    :param path_bytes: Characters of path and point data drawn, expansions
        included.
    :param filters: Elements drawn with a filter.
    :param pictures: ``<image>`` elements drawn (at any depth).
    :param pixels: Pixels of all the raster pictures drawn together.
    :param nesting: SVG pictures inside SVG pictures.
    :param seconds: CPU seconds drawing a card at scale 1 may take before it
        is stopped (times the scale squared for larger images). Measured
        documents within the other limits draw in well under it; it stops
        what measuring cannot foresee.
    """

    elements: int = 5000
    depth: int = 48
    path_bytes: int = 512 * 1024
    filters: int = 24
    pictures: int = 32
    pixels: int = 40_000_000
    nesting: int = 3
    seconds: float = 2.0

    def __post_init__(self) -> None:
        for name in ("elements", "depth", "path_bytes", "filters", "pictures", "pixels", "nesting"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"RenderBudget.{name} must be a whole number ≥ 0, not {value!r}")
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, (int, float)) or not self.seconds > 0:
            raise ValueError(f"RenderBudget.seconds must be a positive number, not {self.seconds!r}")


DEFAULT_BUDGET = RenderBudget()


class Cost(NamedTuple):
    """What drawing a document, or one element where it is drawn, costs."""

    elements: int = 0
    path_bytes: int = 0
    filters: int = 0
    pictures: int = 0
    pixels: int = 0
    #: Levels of elements, references included, below and with this one.
    depth: int = 0

    def __add__(self, other: object) -> Cost:  # type: ignore[override]
        assert isinstance(other, Cost)
        return Cost(
            self.elements + other.elements,
            self.path_bytes + other.path_bytes,
            self.filters + other.filters,
            self.pictures + other.pictures,
            self.pixels + other.pixels,
            max(self.depth, other.depth),
        )

    def times(self, count: int) -> Cost:
        """The cost of drawing the same thing ``count`` times."""
        return Cost(
            self.elements * count, self.path_bytes * count, self.filters * count,
            self.pictures * count, self.pixels * count, self.depth,
        )  # fmt: skip


Fail = Callable[[str], Exception]

_SVG = f"{{{SVG_NS}}}"
_HREF = f"{{{XLINK_NS}}}href"
#: Elements drawn only through a reference (or never): nothing when met in the tree.
_NOT_RENDERED = frozenset(
    _SVG + name
    for name in (
        "defs", "symbol", "marker", "pattern", "clipPath", "mask", "filter", "linearGradient",
        "radialGradient", "style", "script", "title", "desc", "metadata", "font", "font-face",
    )
)  # fmt: skip
_SHAPES = frozenset(_SVG + name for name in ("rect", "circle", "ellipse", "line", "polyline", "polygon", "path"))
_MARKED = frozenset(_SVG + name for name in ("line", "polyline", "polygon", "path"))
_TEXT = _SVG + "text"
_USE = _SVG + "use"
_IMAGE = _SVG + "image"
_PATTERN = _SVG + "pattern"
_FE_IMAGE = _SVG + "feImage"
_URL = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)['\"]?\s*\)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: Properties that name other elements and that descendants inherit.
_INHERITED_REFERENCES = ("fill", "stroke", "marker-start", "marker-mid", "marker-end")

_Context = tuple[str | None, ...]  # the inherited references, in the order above


def _local_fragment(href: str | None) -> str | None:
    if href is None:
        return None
    href = href.strip()
    return href[1:] if href.startswith("#") and len(href) > 1 else None


def _href(element: etree._Element) -> str | None:
    value = element.get(_HREF)
    return value if value is not None else element.get("href")


class _Measure:
    def __init__(self, root: etree._Element, budget: RenderBudget, fail: Fail, nesting: int, external: bool) -> None:
        self.budget = budget
        self.fail = fail
        self.nesting = nesting
        self.external = external
        self.ids: dict[str, etree._Element] = {}
        for element in root.iter():
            if isinstance(element.tag, str):
                identifier = element.get("id")
                if identifier is not None:
                    self.ids.setdefault(identifier.strip(), element)
        self.styles: dict[etree._Element, dict[str, str]] = {}
        self.memo: dict[tuple[etree._Element, _Context], Cost] = {}
        self.open: set[etree._Element] = set()

    # -- reading ---------------------------------------------------------------------------

    def property(self, element: etree._Element, name: str) -> str | None:
        style = self.styles.get(element)
        if style is None:
            style = {}
            text = element.get("style")
            if text:
                for key, value, _important in parse_declarations(text):
                    if key == "marker":  # the shorthand
                        for side in ("marker-start", "marker-mid", "marker-end"):
                            style[side] = value
                    else:
                        style[key] = value
            self.styles[element] = style
        found = style.get(name)
        return found if found is not None else element.get(name)

    def reference(self, value: str | None) -> etree._Element | None:
        if not value:
            return None
        match = _URL.search(value)
        return self.ids.get(match.group(1)) if match else None

    # -- limits ----------------------------------------------------------------------------

    def check(self, cost: Cost, depth: int) -> Cost:
        budget = self.budget
        if cost.elements > budget.elements:
            raise self.fail(
                f"drawing it takes more than {budget.elements} elements (references, patterns and markers expanded)"
            )
        if depth + cost.depth > budget.depth:
            raise self.fail(f"its elements nest more than {budget.depth} levels deep (references included)")
        if cost.path_bytes > budget.path_bytes:
            raise self.fail(f"it draws more than {budget.path_bytes} bytes of path data (references expanded)")
        if cost.filters > budget.filters:
            raise self.fail(f"it draws more than {budget.filters} elements with a filter")
        if cost.pictures > budget.pictures:
            raise self.fail(f"it draws more than {budget.pictures} pictures")
        if cost.pixels > budget.pixels:
            raise self.fail(f"its pictures have more than {budget.pixels} pixels together")
        return cost

    # -- the graph -------------------------------------------------------------------------

    def element(self, element: etree._Element, context: _Context, depth: int) -> Cost:
        """What drawing ``element`` where it stands costs, with the references it inherits."""
        tag = element.tag
        if not isinstance(tag, str) or tag in _NOT_RENDERED:
            return Cost()
        own = tuple(self.property(element, name) for name in _INHERITED_REFERENCES)
        context = tuple(o if o is not None else c for o, c in zip(own, context))
        key = (element, context)
        known = self.memo.get(key)
        if known is not None:
            return self.check(known, depth)
        if element in self.open:
            raise self.fail(f"a reference cycle through element {element.get('id') or tag.rpartition('}')[2]!r}")
        if depth > self.budget.depth:
            raise self.fail(f"its elements nest more than {self.budget.depth} levels deep (references included)")
        self.open.add(element)
        try:
            cost = self.check(self._compute(element, context, depth), depth)
        finally:
            self.open.discard(element)
        self.memo[key] = cost
        return cost

    def _compute(self, element: etree._Element, context: _Context, depth: int) -> Cost:
        tag = element.tag
        cost = Cost(elements=1)
        if tag == _USE:
            target = self.ids.get(_local_fragment(_href(element)) or "")
            if target is not None:
                cost += self.content(target, context, depth + 1)
        elif tag in _SHAPES or tag == _TEXT:
            cost += self.shape(element, context, depth)
        elif tag == _IMAGE:
            cost += self.picture(_href(element), depth)
        else:  # svg, g, a, switch and elements svgog does not know: their children
            cost += self.children(element, context, depth + 1)
        for name in ("clip-path", "mask"):
            target = self.reference(self.property(element, name))
            if target is not None:
                cost += self.content(target, (None,) * len(_INHERITED_REFERENCES), depth + 1)
        filter_element = self.reference(self.property(element, "filter"))
        if filter_element is not None:
            cost += Cost(filters=1)
            for primitive in filter_element.iter(_FE_IMAGE):
                href = _href(primitive)
                target = self.ids.get(_local_fragment(href) or "")
                if target is not None:
                    cost += self.content(target, (None,) * len(_INHERITED_REFERENCES), depth + 1)
                else:
                    cost += self.picture(href, depth)
        return Cost(*cost[:5], depth=cost.depth + 1)

    def children(self, element: etree._Element, context: _Context, depth: int) -> Cost:
        cost = Cost()
        for child in element:
            cost += self.element(child, context, depth)
            self.check(cost, depth)
        return cost

    def content(self, target: etree._Element, context: _Context, depth: int) -> Cost:
        """What drawing a referenced element costs: a symbol's, pattern's or clip path's children, or itself."""
        if target in self.open:
            raise self.fail(f"a reference cycle through element {target.get('id')!r}")
        if target.tag in _NOT_RENDERED:
            key = (target, context)
            known = self.memo.get(key)
            if known is not None:
                return self.check(known, depth)
            self.open.add(target)
            try:
                source = target
                # A pattern without children takes those of the pattern it references.
                for _ in range(8):
                    if len(source) or source.tag != _PATTERN:
                        break
                    referenced = self.ids.get(_local_fragment(_href(source)) or "")
                    if referenced is None or referenced in self.open:
                        break
                    source = referenced
                inner = self.children(source, context, depth + 1)
                cost = self.check(Cost(inner.elements + 1, *inner[1:5], depth=inner.depth + 1), depth)
            finally:
                self.open.discard(target)
            self.memo[key] = cost
            return cost
        return self.element(target, context, depth)

    def shape(self, element: etree._Element, context: _Context, depth: int) -> Cost:
        tag = element.tag
        cost = Cost()
        data = ""
        if tag == _TEXT:
            characters = sum(len(part) for part in element.itertext())
            cost += Cost(elements=characters)
        elif tag == _SVG + "path":
            data = element.get("d") or ""
        elif tag in (_SVG + "polyline", _SVG + "polygon"):
            data = element.get("points") or ""
        cost += Cost(path_bytes=len(data))
        neutral = (None,) * len(_INHERITED_REFERENCES)
        # A pattern's tiles are drawn for each shape it paints.
        for value in context[:2]:
            target = self.reference(value)
            if target is not None and target.tag == _PATTERN:
                cost += self.content(target, neutral, depth + 1)
        if tag in _MARKED:
            vertices = 2 if tag == _SVG + "line" else len(_NUMBER.findall(data)) // 2 + 1
            for value in context[2:]:
                target = self.reference(value)
                if target is not None:
                    cost += self.content(target, neutral, depth + 1).times(vertices)
                    self.check(cost, depth)
        return cost

    def picture(self, href: str | None, depth: int) -> Cost:
        """An ``<image>``'s (or ``feImage``'s) picture: nested SVG measured, rasters by their header."""
        cost = Cost(pictures=1)
        href = (href or "").strip()
        if not href.startswith("data:"):
            if href and not href.startswith("#") and not self.external:
                raise self.fail("a picture inside it is not a data: URI (nothing is fetched for a picture's pictures)")
            return cost
        try:
            data = decode_data_uri(href, max_bytes=8 * 1024 * 1024, strict=False)
        except ValueError as exc:
            raise self.fail(f"a picture inside it: {exc}") from None
        if data[:2] == b"\x1f\x8b":
            raise self.fail("a picture inside it is compressed (gzip): not drawn")
        head = data[:512].lstrip()
        if head.startswith(b"<") and (b"<svg" in data[:4096] or b"<?xml" in head[:5]):
            return cost + self.nested(data, depth)
        try:
            width, height = raster_size(data)
        except ValueError:
            raise self.fail(f"its pictures have more than {self.budget.pixels} pixels together") from None
        return cost + Cost(pixels=width * height)

    def nested(self, data: bytes, depth: int) -> Cost:
        from .errors import TemplateError
        from .xmlsafe import parse_svg

        if self.nesting >= self.budget.nesting:
            raise self.fail(f"it nests SVG pictures more than {self.budget.nesting} deep")
        try:
            root = parse_svg(data, "picture")
        except TemplateError as exc:
            raise self.fail(f"a picture inside it is not usable SVG: {exc.message}") from None
        inner = measure(root, self.budget, self.fail, _nesting=self.nesting + 1, _external=False)
        return Cost(*inner[:5], depth=inner.depth)


def raster_size(data: bytes) -> tuple[int, int]:
    """A raster picture's size from its header (nothing decoded); (0, 0) when it is not one.

    :raises ValueError: The picture is larger than Pillow agrees to open.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as image:
            return image.size
    except Image.DecompressionBombError as exc:
        raise ValueError(str(exc)) from None
    except (UnidentifiedImageError, OSError, ValueError):
        return 0, 0


def measure(
    root: etree._Element,
    budget: RenderBudget,
    fail: Fail,
    *,
    external: bool = True,
    _nesting: int = 0,
    _external: bool | None = None,
) -> Cost:
    """What drawing the document costs, refused with ``fail(message)`` above the budget's limits.

    :param root: The document's ``<svg>`` element, its styles in ``style``
        attributes (see :meth:`svgog.css.Cascade.inline`).
    :param fail: Makes the exception to raise from a message saying which
        limit the document passes.
    :param external: Whether pictures may name files (a template's pictures
        beside it); an image value's pictures must be ``data:`` URIs.
    """
    state = _Measure(root, budget, fail, _nesting, external if _external is None else _external)
    count = sum(1 for element in root.iter() if isinstance(element.tag, str))
    if count > budget.elements:
        raise fail(f"it has more than {budget.elements} elements")
    return state.element(root, (None,) * len(_INHERITED_REFERENCES), 0)


# -- the deadline --------------------------------------------------------------------------

_local = threading.local()


@contextmanager
def deadline(seconds: float, *, template: str | None = None) -> Iterator[None]:
    """Give the drawing done in this block ``seconds`` of this thread's CPU time.

    Nested blocks keep the earlier of the two deadlines.
    """
    previous = getattr(_local, "deadline", None)
    end = time.thread_time() + seconds
    _local.deadline = (min(end, previous[0]), previous[1], previous[2]) if previous else (end, seconds, template)
    try:
        yield
    finally:
        _local.deadline = previous


def check_deadline() -> None:
    """Raise :class:`~svgog.RenderTimeout` when this thread's drawing has passed its deadline."""
    current = getattr(_local, "deadline", None)
    if current is not None and time.thread_time() > current[0]:
        raise RenderTimeout(f"drawing took more than {current[1]:g} s of CPU time: stopped", template=current[2])
