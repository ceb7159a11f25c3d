"""Text elements: reading how each is set, and the group that replaces it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from .errors import FontError
from .fonts import FontRegistry
from .styles import (
    SODIPODI_NS,
    XML_NS,
    element_error,
    length,
    og,
    prop,
    style_declarations,
)
from .text.emoji import EmojiSet
from .text.runs import FontChain
from .text.typeset import TextSpec
from .xmlsafe import OG_NS, SVG_NS

__all__ = ["TEXT_ATTRIBUTES", "TextSlot", "default_text", "read_text_slot", "replacement_group"]

TEXT = f"{{{SVG_NS}}}text"
_TSPAN = f"{{{SVG_NS}}}tspan"
#: Attributes in the svgog namespace that a ``<text>`` element may carry.
TEXT_ATTRIBUTES = frozenset(
    {"width", "height", "max-lines", "line-height", "ellipsis", "min-size", "fit", "wrap", "align", "valign"}
)
_CHOICES = {
    "fit": ("shrink", "none"),
    "wrap": ("greedy", "balance"),
    "align": ("start", "middle", "end", "left", "right", "center"),
    "valign": ("top", "middle", "bottom"),
}
#: Without ``og:min-size``, shrinking stops at this fraction of the designed size.
DEFAULT_MIN_SIZE_RATIO = 0.6

# Properties consumed by text layout; they are not copied to the <g> that
# replaces a <text>, everything else (fill, opacity, transform, class…) is.
_TEXT_PROPERTIES = frozenset(
    {
        "x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust", "font", "font-family", "font-size",
        "font-weight", "font-style", "font-variant", "font-stretch", "text-anchor", "letter-spacing",
        "word-spacing", "dominant-baseline", "alignment-baseline", "baseline-shift", "line-height",
        "text-align", "writing-mode", "white-space", "-inkscape-font-specification", "font-variant-ligatures",
        "font-variant-caps", "font-variant-numeric", "font-variant-east-asian", "font-feature-settings",
        "text-decoration", "text-transform", "direction", "unicode-bidi", "inline-size", "shape-inside",
        "shape-padding", "stroke-width",
    }
)  # fmt: skip

_WEIGHTS = {"normal": 400, "bold": 700, "bolder": 700, "lighter": 300}


@dataclass(frozen=True)
class TextSlot:
    """A ``<text>`` element as found at load time: where and how to set text."""

    field: str | None
    element_id: str | None
    line: int | None
    index: int
    spec: TextSpec
    chain: FontChain
    default: str
    stroke_width: float | None = None

    def bounds(self) -> tuple[float, float, float, float] | None:
        """The box text may occupy: ``(left, top, right, bottom)`` in user units.

        ``None`` when the slot has no ``og:width`` (its lines are not wrapped).
        """
        face = self.chain.primary
        box = self.spec.box(face.ascender / face.units_per_em, -face.descender / face.units_per_em)
        if box is None:
            return None
        left, top, width, height = box
        return left, top, left + width, top + height


def _first_coordinate(element: etree._Element, name: str) -> str | None:
    value = element.get(name)
    if value is None:
        for tspan in element.iter(_TSPAN):
            value = tspan.get(name)
            if value is not None:
                break
    return value.replace(",", " ").split()[0] if value and value.strip() else None


def default_text(element: etree._Element) -> str:
    """The text a <text> element shows; Inkscape's line tspans become line breaks."""
    role = f"{{{SODIPODI_NS}}}role"
    line_tspans = [child for child in element if child.tag == _TSPAN and child.get(role) == "line"]
    parts = ["".join(t.itertext()) for t in line_tspans] if line_tspans else ["".join(element.itertext())]
    if element.get(f"{{{XML_NS}}}space") != "preserve":
        parts = [" ".join(part.split()) for part in parts]
    return "\n".join(part for part in parts if part.strip())


def _choice(element: etree._Element, name: str, default: str, label: str) -> str:
    value = (og(element, name) or default).strip()
    if value not in _CHOICES[name]:
        raise element_error(f"og:{name} {value!r} is not one of {', '.join(_CHOICES[name])}", label, element)
    return value


def _positive(element: etree._Element, name: str, label: str) -> float | None:
    text = og(element, name)
    if text is None:
        return None
    value = length(text, f"og:{name}", label, element)
    if value <= 0:
        raise element_error(f"og:{name} must be positive", label, element)
    return value


def read_text_slot(
    element: etree._Element,
    fonts: FontRegistry,
    fallbacks: Sequence[str],
    *,
    label: str,
    field: str | None,
    emoji: EmojiSet | None,
    index: int,
    guide: tuple[float, float, float, float] | None = None,
) -> TextSlot:
    """Read how a ``<text>`` element is to be set: font, size, box and policy.

    :param guide: ``(x, y, width, height)`` of a rectangle that marks the
        text's box (a ``<rect>`` named ``<field>-box``), used when the element
        has no ``og:width``: the first line's top goes to the rectangle's top.
    """
    families = [f.strip().strip("'\"") for f in (prop(element, "font-family") or "sans-serif").split(",")]
    weight_text = (prop(element, "font-weight") or "normal").strip().lower()
    weight = _WEIGHTS.get(weight_text) or (int(weight_text) if weight_text.isdigit() else 0)
    if not 1 <= weight <= 1000:
        raise element_error(f"font-weight {weight_text!r} is not a CSS weight", label, element)
    style = (prop(element, "font-style") or "normal").strip().lower()
    try:
        primary = fonts.match(families, weight, style)
    except FontError as exc:
        raise element_error(exc.message, label, element) from exc
    faces = [primary]
    for family in [*families[1:], *fallbacks]:
        info = fonts.find(family, weight, style)
        if info is not None:
            faces.append(fonts.match(family, weight, style))
    size = length(prop(element, "font-size") or "16", "font-size", label, element)
    if not 0 < size <= 2000:
        raise element_error(f"font-size {size} is outside 0..2000", label, element)
    anchor = (prop(element, "text-anchor") or "start").strip()
    if anchor not in ("start", "middle", "end"):
        raise element_error(f"text-anchor {anchor!r} is not start, middle or end", label, element)
    transform = (prop(element, "text-transform") or "none").strip().lower()
    if transform not in ("none", "uppercase", "lowercase", "capitalize"):
        message = f"text-transform {transform!r} is not none, uppercase, lowercase or capitalize"
        raise element_error(message, label, element)
    spacing_px, spacing_em = _letter_spacing(element, label)

    default = default_text(element)
    lines_text = og(element, "max-lines")
    max_lines = None
    if lines_text is not None:
        if not lines_text.strip().isdigit() or not 1 <= int(lines_text) <= 100:
            raise element_error(f"og:max-lines {lines_text!r} is not a whole number from 1 to 100", label, element)
        max_lines = int(lines_text)
    min_size = _positive(element, "min-size", label)
    if min_size is not None and min_size > size:
        raise element_error(f"og:min-size {min_size:g} is larger than the font size {size:g}", label, element)
    align = _choice(element, "align", anchor, label)
    x = length(_first_coordinate(element, "x") or "0", "x", label, element)
    y = length(_first_coordinate(element, "y") or "0", "y", label, element)
    width, height = _positive(element, "width", label), _positive(element, "height", label)
    if guide is not None and width is None:
        left, top, width, height = guide
        x = left + width * {"start": 0.0, "middle": 0.5, "end": 1.0}[anchor]
        y = top + size * primary.ascender / primary.units_per_em
    spec = TextSpec(
        x=x,
        y=y,
        size=size,
        anchor=anchor,
        align="middle" if align == "center" else align,
        valign=_choice(element, "valign", "top", label),
        width=width,
        height=height,
        max_lines=max_lines,
        # Unless told otherwise, a text keeps the shape the designer gave it.
        default_lines=max(1, default.count("\n") + 1),
        line_height=length(og(element, "line-height") or "1.2", "og:line-height", label, element),
        min_size=min_size if min_size is not None else round(size * DEFAULT_MIN_SIZE_RATIO, 1),
        fit=_choice(element, "fit", "shrink", label),
        wrap=_choice(element, "wrap", "greedy", label),
        letter_spacing_px=spacing_px,
        letter_spacing_em=spacing_em,
        transform=transform,
        ellipsis=og(element, "ellipsis") or "\u2026",
    )
    stroke_text = prop(element, "stroke-width", inherit=False)
    return TextSlot(
        field=field,
        element_id=element.get("id"),
        line=element.sourceline,
        index=index,
        spec=spec,
        chain=FontChain(faces, emoji),
        default=default,
        stroke_width=length(stroke_text, "stroke-width", label, element) if stroke_text else None,
    )


def _letter_spacing(element: etree._Element, label: str) -> tuple[float, float]:
    """``letter-spacing`` as (pixels, em); ``normal`` is no extra spacing."""
    text = (prop(element, "letter-spacing") or "normal").strip().lower()
    if text == "normal":
        return 0.0, 0.0
    if text.endswith("em"):
        try:
            return 0.0, float(text[:-2])
        except ValueError:
            pass
    return length(text, "letter-spacing", label, element), 0.0


def replacement_group(element: etree._Element) -> etree._Element:
    """A ``<g>`` with the text element's attributes, minus those text layout consumed."""
    group = etree.Element(f"{{{SVG_NS}}}g", nsmap=element.nsmap)
    for name, value in element.attrib.items():
        if name.startswith(f"{{{OG_NS}}}") or name in _TEXT_PROPERTIES or name == f"{{{XML_NS}}}space":
            continue
        if name == "style":
            kept = [f"{k}:{v}" for k, v in style_declarations(element).items() if k not in _TEXT_PROPERTIES]
            if kept:
                group.set("style", ";".join(kept))
            continue
        group.set(name, value)
    return group
