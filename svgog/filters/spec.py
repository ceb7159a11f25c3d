"""What a filter is: the ``<filter>`` model, its limits and what svgog can draw of it.

A :class:`FilterSpec` is a ``<filter>`` element independent of the tree it was
read from: :mod:`svgog.raster` builds one from CairoSVG's tree for drawing,
:mod:`.unsupported` from a template's lxml tree for checking. :func:`problems`
says what of it svgog cannot draw; such a filter is drawn as if absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .values import _LENGTH

#: A filter with more primitives than this is drawn as if absent (each costs a pass over the pixels).
MAX_PRIMITIVES = 100

SUPPORTED_PRIMITIVES = frozenset(
    {
        "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feDropShadow", "feFlood",
        "feGaussianBlur", "feMerge", "feMorphology", "feOffset",
    }
)  # fmt: skip
_KNOWN_PRIMITIVES = SUPPORTED_PRIMITIVES | {
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feImage", "feSpecularLighting", "feTile",
    "feTurbulence",
}  # fmt: skip
_URL = re.compile(r"\s*url\(\s*(['\"]?)#([^'\")\s]+)\1\s*\)\s*")


@dataclass(frozen=True)
class Primitive:
    """One child of a ``<filter>``: its local tag name and resolved attributes.

    ``attrs`` holds attributes and presentation properties (a ``style``
    declaration beats an attribute), with ``color-interpolation-filters``
    inherited from the filter when the primitive does not set it.
    """

    tag: str
    attrs: Mapping[str, str]
    children: tuple[Primitive, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class FilterSpec:
    """A ``<filter>`` element, independent of the tree it was read from."""

    id: str
    attrs: Mapping[str, str]
    primitives: tuple[Primitive, ...]
    line: int | None = None


def problems(spec: FilterSpec) -> list[tuple[str, str]]:
    """What svgog cannot draw in a filter, as ``(feature, message)`` pairs; empty when it can."""
    found: list[tuple[str, str]] = []
    primitives = [p for p in spec.primitives if p.tag in _KNOWN_PRIMITIVES]
    if len(primitives) > MAX_PRIMITIVES:
        found.append(("primitives", f"more than {MAX_PRIMITIVES} primitives"))
    for primitive in primitives:
        if primitive.tag not in SUPPORTED_PRIMITIVES:
            found.append((primitive.tag, f"{primitive.tag} is not implemented"))
    for name in ("x", "y", "width", "height"):
        value = spec.attrs.get(name)
        if value is not None and _LENGTH.fullmatch(value) is None:
            found.append((name, f"filter {name}={value!r} is not a number, percentage or absolute length"))
    for primitive in primitives:
        for name in ("x", "y", "width", "height"):
            value = primitive.attrs.get(name)
            if value is not None and _LENGTH.fullmatch(value) is None:
                message = f"{primitive.tag} {name}={value!r} is not a number, percentage or absolute length"
                found.append((f"{primitive.tag} {name}", message))
    return found


def needs_bounding_box(spec: FilterSpec) -> bool:
    """Whether the filter's region or primitive lengths are fractions of the element's box."""
    return spec.attrs.get("filterUnits") != "userSpaceOnUse" or spec.attrs.get("primitiveUnits") == "objectBoundingBox"


def filter_reference(value: str | None) -> str | None:
    """The id a ``filter`` property names with ``url(#id)``, else ``None``.

    >>> filter_reference("url(#filter0_d_1_2)")
    'filter0_d_1_2'
    >>> filter_reference("blur(4px)") is None
    True
    """
    if not value:
        return None
    match = _URL.fullmatch(value)
    return match.group(2) if match else None
