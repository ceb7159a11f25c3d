"""Filters a template uses that svgog cannot draw, listed for the template checker.

Reads each ``<filter>`` from the template's lxml tree (rendering reads
CairoSVG's tree instead, in :mod:`svgog.raster`) and asks :func:`.problems`
about it; an element whose filter svgog cannot draw is drawn without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..styles import prop, style_declarations
from ..xmlsafe import SVG_NS
from .spec import FilterSpec, Primitive, filter_reference, problems


@dataclass(frozen=True)
class UnsupportedFilter:
    """A filter (or filter reference) svgog draws differently from a browser.

    :ivar element: The filtered element, as ``tag#id`` (or the tag alone).
    :ivar line: Its line in the template file, if known.
    :ivar filter_id: The id its ``filter`` property names, if any.
    :ivar feature: The primitive or attribute not honoured (``feTurbulence``,
        ``url(#missing)``, ``blur(4px)``…).
    :ivar message: One line saying what svgog does instead.
    """

    element: str
    line: int | None
    filter_id: str | None
    feature: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}<{self.element}>: {self.message}"


def unsupported_filters(root: etree._Element) -> list[UnsupportedFilter]:
    """Every filtered element of a template whose filter svgog does not draw.

    Such an element is drawn without its filter. Reported: primitives svgog
    does not implement (``feTurbulence``, ``feImage``, lighting…), CSS filter
    functions (``blur(4px)``), references to nothing or to something that is
    not a ``<filter>``, unreadable region lengths, and background blurs
    (``backdrop-filter``). Filters svgog draws are not listed.
    """
    ids = {element.get("id"): element for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    specs: dict[str, FilterSpec] = {}
    found: list[UnsupportedFilter] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or _local(element.tag) == "filter":
            continue
        if "backdrop-filter" in style_declarations(element):
            # Figma's background blur: an HTML <div> in a <foreignObject>, which CairoSVG skips.
            message = "a background blur (backdrop-filter, Figma's foreignObject export) is not drawn"
            found.append(UnsupportedFilter(_label(element), element.sourceline, None, "backdrop-filter", message))
        value = prop(element, "filter", inherit=False)
        if value is None or value.strip().lower() == "none":
            continue
        label = _label(element)

        def report(feature: str, message: str, filter_id: str | None = None) -> None:
            found.append(UnsupportedFilter(label, element.sourceline, filter_id, feature, message))

        reference = filter_reference(value)
        if reference is None:
            report(value.strip(), f"filter {value.strip()!r} is not a url(#id) of a <filter>; drawn without it")
            continue
        target = ids.get(reference)
        if target is None:
            report(f"url(#{reference})", f"filter #{reference} does not exist; drawn without it", reference)
            continue
        if target.tag != f"{{{SVG_NS}}}filter":
            what = f"#{reference} is a <{_local(target.tag)}>, not a <filter>; drawn without it"
            report(f"url(#{reference})", what, reference)
            continue
        spec = specs.get(reference)
        if spec is None:
            spec = specs[reference] = _spec_from_lxml(target)
        for feature, message in problems(spec):
            report(feature, f"filter #{reference}: {message}; drawn without the filter", reference)
    return found


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _label(element: etree._Element) -> str:
    name = _local(str(element.tag))
    return f"{name}#{element.get('id')}" if element.get("id") else name


def _attributes(element: etree._Element) -> dict[str, str]:
    attrs = {_local(name): value for name, value in element.attrib.items() if "}" not in name or SVG_NS in name}
    attrs.update(style_declarations(element))
    return attrs


def _spec_from_lxml(element: etree._Element) -> FilterSpec:
    """A filter read from a template's lxml tree (for checking; rendering reads CairoSVG's tree)."""
    inherited = prop(element, "color-interpolation-filters")

    def primitive(child: etree._Element) -> Primitive:
        attrs = _attributes(child)
        if "color-interpolation-filters" not in attrs and inherited is not None:
            attrs["color-interpolation-filters"] = inherited
        children = tuple(primitive(c) for c in child if isinstance(c.tag, str) and c.tag.startswith(f"{{{SVG_NS}}}"))
        return Primitive(_local(child.tag), attrs, children, child.sourceline)

    primitives = tuple(
        primitive(child) for child in element if isinstance(child.tag, str) and child.tag.startswith(f"{{{SVG_NS}}}")
    )
    attrs = _attributes(element)
    if inherited is not None:
        attrs["color-interpolation-filters"] = inherited
    return FilterSpec(element.get("id") or "", attrs, primitives, element.sourceline)
