"""Small readers of template attributes: ``og:`` attributes, lengths, ``style`` declarations.

The full cascade (sheets, inheritance) is :mod:`svgog.css`.
"""

from __future__ import annotations

from lxml import etree

from .errors import TemplateError
from .units import UNIT_NAMES, LengthError, to_user_units
from .xmlsafe import OG_NS

__all__ = ["INKSCAPE_NS", "SODIPODI_NS", "XML_NS", "element_error", "length", "og", "prop", "style_declarations"]

INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
SODIPODI_NS = "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def style_declarations(element: etree._Element) -> dict[str, str]:
    """The declarations of an element's ``style`` attribute, by lower-case name."""
    style = element.get("style")
    if not style:
        return {}
    declarations = {}
    for item in style.split(";"):
        name, sep, value = item.partition(":")
        if sep:
            declarations[name.strip().lower()] = value.strip()
    return declarations


def prop(element: etree._Element, name: str, *, inherit: bool = True) -> str | None:
    """A presentation property as CSS resolves it: style beats attribute, then ancestors."""
    node: etree._Element | None = element
    while node is not None:
        value = style_declarations(node).get(name)
        if value is None:
            value = node.get(name)
        if value is not None and value != "inherit":
            return value
        if not inherit:
            return None
        node = node.getparent()
    return None


def element_error(message: str, template: str, element: etree._Element) -> TemplateError:
    """A TemplateError pointing at an element: the file, its line and its id."""
    return TemplateError(message, template=template, element=element.get("id"), line=element.sourceline)


def length(
    value: str,
    what: str,
    template: str,
    element: etree._Element,
    *,
    font_size: float = 16.0,
    percent_of: float | None = None,
    x_height: float | None = None,
) -> float:
    """A length in user units, any CSS unit (see :mod:`svgog.units`); anything else is a TemplateError.

    :param font_size: What ``1em`` is where the length is used.
    :param percent_of: What ``100%`` is there (``None``: percentages are an error).
    """
    try:
        return to_user_units(value, font_size=font_size, percent_of=percent_of, x_height=x_height)
    except LengthError as exc:
        raise element_error(f"{what} {value.strip()[:40]!r} is not a length ({UNIT_NAMES}): {exc}", template, element)


def og(element: etree._Element, name: str) -> str | None:
    """The value of an attribute in the svgog namespace."""
    return element.get(f"{{{OG_NS}}}{name}")
