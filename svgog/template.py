"""SVG templates: placeholder discovery, text attributes and filling.

A template is an SVG file. Every ``<text>`` element whose ``id`` (or, for
Inkscape files, ``inkscape:label``) is a valid field name is a *text
placeholder*: the field's value replaces its text, and its text in the file is
the default used when the field is not given. Attributes in the svgog
namespace (``xmlns:og="urn:svgog"``) describe the box the text must fit and
how; ``docs/templates.md`` documents each of them (:data:`TEXT_ATTRIBUTES`).

Font family, size, weight and style, ``text-anchor``, ``letter-spacing``,
``text-transform`` and the fill come from the element's own attributes or
``style`` (inherited from its ancestors, as in CSS); ``x``/``y`` place the
first line's baseline as designed. Every ``<text>`` element, placeholder or
not, is drawn as glyph outlines with svgog's fonts, so what is measured is
what is drawn.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import FontError, TemplateError
from .fonts import FontRegistry
from .text.draw import draw
from .text.emoji import EmojiSet
from .text.runs import FontChain
from .text.typeset import FitReport, TextSpec, typeset
from .validation import FIELD_NAME
from .xmlsafe import MAX_DOCUMENT_BYTES, SVG_NS, parse_svg

__all__ = ["OG_NS", "SVG_NS", "TEXT_ATTRIBUTES", "Field", "Template", "TextSlot"]

OG_NS = "urn:svgog"
INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
SODIPODI_NS = "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_TEXT = f"{{{SVG_NS}}}text"
_TSPAN = f"{{{SVG_NS}}}tspan"
#: Attributes in the svgog namespace that a ``<text>`` element may carry.
TEXT_ATTRIBUTES = frozenset(
    {"width", "height", "max-lines", "line-height", "ellipsis", "min-size", "fit", "wrap", "align", "valign"}
)
#: Attributes in the svgog namespace that the root ``<svg>`` element may carry.
ROOT_ATTRIBUTES = frozenset({"fallback-fonts"})
_CHOICES = {
    "fit": ("shrink", "none"),
    "wrap": ("greedy", "balance"),
    "align": ("start", "middle", "end", "left", "right", "center"),
    "valign": ("top", "middle", "bottom"),
}
MAX_TEMPLATE_BYTES = MAX_DOCUMENT_BYTES
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
        "text-decoration", "text-transform", "direction", "unicode-bidi", "inline-size", "shape-inside", "shape-padding",
        "stroke-width",
    }
)  # fmt: skip

_WEIGHTS = {"normal": 400, "bold": 700, "bolder": 700, "lighter": 300}
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt)?\s*")


@dataclass(frozen=True)
class Field:
    """A field a template accepts."""

    name: str
    kind: str
    default: str


@dataclass(frozen=True)
class TextSlot:
    """A ``<text>`` element as found at load time: where and how to set text."""

    field: str | None
    element_id: str | None
    line: int | None
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


def _style_declarations(element: etree._Element) -> dict[str, str]:
    style = element.get("style")
    if not style:
        return {}
    declarations = {}
    for item in style.split(";"):
        name, sep, value = item.partition(":")
        if sep:
            declarations[name.strip().lower()] = value.strip()
    return declarations


def _property(element: etree._Element, name: str, *, inherit: bool = True) -> str | None:
    """A presentation property as CSS resolves it: style beats attribute, then ancestors."""
    node: etree._Element | None = element
    while node is not None:
        value = _style_declarations(node).get(name)
        if value is None:
            value = node.get(name)
        if value is not None and value != "inherit":
            return value
        if not inherit:
            return None
        node = node.getparent()
    return None


def _element_error(message: str, template: str, element: etree._Element) -> TemplateError:
    """A TemplateError pointing at an element: the file, its line and its id."""
    return TemplateError(message, template=template, element=element.get("id"), line=element.sourceline)


def _length(value: str, what: str, template: str, element: etree._Element) -> float:
    match = _LENGTH.fullmatch(value)
    if not match:
        raise _element_error(f"{what} {value!r} is not a number (px or pt)", template, element)
    number = float(match.group(1))
    return number * 4 / 3 if match.group(2) == "pt" else number


def _first_coordinate(element: etree._Element, name: str) -> str | None:
    value = element.get(name)
    if value is None:
        for tspan in element.iter(_TSPAN):
            value = tspan.get(name)
            if value is not None:
                break
    return value.replace(",", " ").split()[0] if value and value.strip() else None


def _default_text(element: etree._Element) -> str:
    """The text a <text> element shows; Inkscape's line tspans become line breaks."""
    role = f"{{{SODIPODI_NS}}}role"
    line_tspans = [child for child in element if child.tag == _TSPAN and child.get(role) == "line"]
    parts = ["".join(t.itertext()) for t in line_tspans] if line_tspans else ["".join(element.itertext())]
    if element.get(f"{{{XML_NS}}}space") != "preserve":
        parts = [" ".join(part.split()) for part in parts]
    return "\n".join(part for part in parts if part.strip())


def _field_name(element: etree._Element) -> str | None:
    for candidate in (element.get(f"{{{INKSCAPE_NS}}}label"), element.get("id")):
        if candidate and FIELD_NAME.fullmatch(candidate):
            return candidate
    return None


def _og(element: etree._Element, name: str) -> str | None:
    return element.get(f"{{{OG_NS}}}{name}")


class Template:
    """A parsed template: its size, its fields and the slots to fill.

    Build one with :meth:`load` (from a file) or :meth:`from_bytes`. A template
    is immutable and safe to share between threads; every :meth:`fill` works
    on a fresh copy of the document.
    """

    def __init__(
        self,
        name: str,
        source: bytes,
        fonts: FontRegistry,
        *,
        path: Path | None = None,
        fallback_fonts: Sequence[str] = (),
        emoji: EmojiSet | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self._source = source
        self._emoji = emoji
        #: Hash of the file's bytes: changes whenever the template does.
        self.version = hashlib.sha256(source).hexdigest()
        root = parse_svg(source, self._label)
        self.width, self.height = self._size(root)
        _check_og_attributes(root, self._label)
        own_fallbacks = [f.strip().strip("'\"") for f in (_og(root, "fallback-fonts") or "").split(",") if f.strip()]
        for family in own_fallbacks:
            if fonts.find(family) is None:
                raise self._error(f"og:fallback-fonts names {family!r}, which no registered font has", root)
        fallbacks = [*own_fallbacks, *fallback_fonts, *fonts.fallback_families()]
        #: Every <text> element, in document order.
        self.text_slots = tuple(self._text_slot(element, fonts, fallbacks) for element in root.iter(_TEXT))
        fields: dict[str, Field] = {}
        for slot in self.text_slots:
            if slot.field is not None:
                fields.setdefault(slot.field, Field(slot.field, "text", slot.default))
        self.fields: Mapping[str, Field] = fields

    @classmethod
    def load(cls, path: str | Path, fonts: FontRegistry, *, name: str | None = None, **options: Any) -> Template:
        """Read and parse a template file. ``options`` are passed to the constructor."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_TEMPLATE_BYTES:
                raise TemplateError(f"file is larger than {MAX_TEMPLATE_BYTES} bytes", template=path)
            source = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read template: {exc.strerror}", template=path) from exc
        return cls(name or path.stem, source, fonts, path=path, **options)

    @classmethod
    def from_bytes(cls, name: str, source: bytes, fonts: FontRegistry, **options: Any) -> Template:
        """Parse a template held in memory."""
        return cls(name, source, fonts, **options)

    def __repr__(self) -> str:
        return f"<Template {self.name!r} {self.width}x{self.height} fields={list(self.fields)}>"

    @property
    def _label(self) -> str:
        return str(self.path) if self.path is not None else self.name

    def _size(self, root: etree._Element) -> tuple[int, int]:
        width, height = root.get("width"), root.get("height")
        view_box = (root.get("viewBox") or "").replace(",", " ").split()
        if (width is None or height is None) and len(view_box) == 4:
            width = width or view_box[2]
            height = height or view_box[3]
        if width is None or height is None:
            raise TemplateError("the <svg> element needs width and height, or a viewBox", template=self._label)
        w = _length(width, "width", self._label, root)
        h = _length(height, "height", self._label, root)
        if not (1 <= w <= 10000 and 1 <= h <= 10000):
            raise TemplateError(f"size {w}x{h} is outside 1..10000", template=self._label)
        return round(w), round(h)

    def _error(self, message: str, element: etree._Element) -> TemplateError:
        return _element_error(message, self._label, element)

    def _choice(self, element: etree._Element, name: str, default: str) -> str:
        value = (_og(element, name) or default).strip()
        if value not in _CHOICES[name]:
            raise self._error(f"og:{name} {value!r} is not one of {', '.join(_CHOICES[name])}", element)
        return value

    def _positive(self, element: etree._Element, name: str) -> float | None:
        text = _og(element, name)
        if text is None:
            return None
        value = _length(text, f"og:{name}", self._label, element)
        if value <= 0:
            raise self._error(f"og:{name} must be positive", element)
        return value

    def _text_slot(self, element: etree._Element, fonts: FontRegistry, fallbacks: Sequence[str]) -> TextSlot:
        label = self._label
        families = [f.strip().strip("'\"") for f in (_property(element, "font-family") or "sans-serif").split(",")]
        weight_text = (_property(element, "font-weight") or "normal").strip().lower()
        weight = _WEIGHTS.get(weight_text) or (int(weight_text) if weight_text.isdigit() else 0)
        if not 1 <= weight <= 1000:
            raise self._error(f"font-weight {weight_text!r} is not a CSS weight", element)
        style = (_property(element, "font-style") or "normal").strip().lower()
        try:
            primary = fonts.match(families, weight, style)
        except FontError as exc:
            raise self._error(exc.message, element) from exc
        faces = [primary]
        for family in [*families[1:], *fallbacks]:
            info = fonts.find(family, weight, style)
            if info is not None:
                faces.append(fonts.match(family, weight, style))
        size = _length(_property(element, "font-size") or "16", "font-size", label, element)
        if not 0 < size <= 2000:
            raise self._error(f"font-size {size} is outside 0..2000", element)
        anchor = (_property(element, "text-anchor") or "start").strip()
        if anchor not in ("start", "middle", "end"):
            raise self._error(f"text-anchor {anchor!r} is not start, middle or end", element)
        transform = (_property(element, "text-transform") or "none").strip().lower()
        if transform not in ("none", "uppercase", "lowercase", "capitalize"):
            raise self._error(f"text-transform {transform!r} is not none, uppercase, lowercase or capitalize", element)
        spacing_px, spacing_em = self._letter_spacing(element)

        default = _default_text(element)
        lines_text = _og(element, "max-lines")
        max_lines = None
        if lines_text is not None:
            if not lines_text.strip().isdigit() or not 1 <= int(lines_text) <= 100:
                raise self._error(f"og:max-lines {lines_text!r} is not a whole number from 1 to 100", element)
            max_lines = int(lines_text)
        min_size = self._positive(element, "min-size")
        if min_size is not None and min_size > size:
            raise self._error(f"og:min-size {min_size:g} is larger than the font size {size:g}", element)
        align = self._choice(element, "align", anchor)
        spec = TextSpec(
            x=_length(_first_coordinate(element, "x") or "0", "x", label, element),
            y=_length(_first_coordinate(element, "y") or "0", "y", label, element),
            size=size,
            anchor=anchor,
            align="middle" if align == "center" else align,
            valign=self._choice(element, "valign", "top"),
            width=self._positive(element, "width"),
            height=self._positive(element, "height"),
            max_lines=max_lines,
            # Unless told otherwise, a text keeps the shape the designer gave it.
            default_lines=max(1, default.count("\n") + 1),
            line_height=_length(_og(element, "line-height") or "1.2", "og:line-height", label, element),
            min_size=min_size if min_size is not None else round(size * DEFAULT_MIN_SIZE_RATIO, 1),
            fit=self._choice(element, "fit", "shrink"),
            wrap=self._choice(element, "wrap", "greedy"),
            letter_spacing_px=spacing_px,
            letter_spacing_em=spacing_em,
            transform=transform,
            ellipsis=_og(element, "ellipsis") or "\u2026",
        )
        stroke_text = _property(element, "stroke-width", inherit=False)
        return TextSlot(
            field=_field_name(element),
            element_id=element.get("id"),
            line=element.sourceline,
            spec=spec,
            chain=FontChain(faces, self._emoji),
            default=default,
            stroke_width=_length(stroke_text, "stroke-width", label, element) if stroke_text else None,
        )

    def _letter_spacing(self, element: etree._Element) -> tuple[float, float]:
        """``letter-spacing`` as (pixels, em); ``normal`` is no extra spacing."""
        text = (_property(element, "letter-spacing") or "normal").strip().lower()
        if text == "normal":
            return 0.0, 0.0
        if text.endswith("em"):
            try:
                return 0.0, float(text[:-2])
            except ValueError:
                pass
        return _length(text, "letter-spacing", self._label, element), 0.0

    def fill(self, values: Mapping[str, str]) -> tuple[bytes, tuple[FitReport, ...]]:
        """Fill the template with already-validated values.

        Fields not in ``values`` keep the template's own text.

        :returns: The filled SVG document and a fit report per text element.
        """
        root = parse_svg(self._source, self._label)
        reports = []
        for slot, element in zip(self.text_slots, list(root.iter(_TEXT))):
            text = values.get(slot.field, slot.default) if slot.field is not None else slot.default
            laid_out = typeset(text, slot.spec, slot.chain, field=slot.field)
            group = _replacement_group(element)
            draw(laid_out, group, self._emoji, stroke_width=slot.stroke_width)
            element.getparent().replace(element, group)
            reports.append(laid_out.report)
        return etree.tostring(root, encoding="utf-8", xml_declaration=False), tuple(reports)


def _check_og_attributes(root: etree._Element, label: str) -> None:
    for element in root.iter():
        for name in element.attrib:
            if not name.startswith(f"{{{OG_NS}}}"):
                continue
            local = name[len(OG_NS) + 2 :]
            allowed = ROOT_ATTRIBUTES if element is root else TEXT_ATTRIBUTES
            if local not in TEXT_ATTRIBUTES | ROOT_ATTRIBUTES:
                known = ", ".join(f"og:{a}" for a in sorted(TEXT_ATTRIBUTES | ROOT_ATTRIBUTES))
                raise _element_error(f"unknown attribute og:{local} (known: {known})", label, element)
            if local not in allowed or (allowed is TEXT_ATTRIBUTES and element.tag != _TEXT):
                where = "the root <svg> element" if local in ROOT_ATTRIBUTES else "a <text> element"
                raise _element_error(f"og:{local} belongs on {where}", label, element)


def _replacement_group(element: etree._Element) -> etree._Element:
    """A ``<g>`` with the text element's attributes, minus those text layout consumed."""
    group = etree.Element(f"{{{SVG_NS}}}g", nsmap=element.nsmap)
    for name, value in element.attrib.items():
        if name.startswith(f"{{{OG_NS}}}") or name in _TEXT_PROPERTIES or name == f"{{{XML_NS}}}space":
            continue
        if name == "style":
            kept = [f"{k}:{v}" for k, v in _style_declarations(element).items() if k not in _TEXT_PROPERTIES]
            if kept:
                group.set("style", ";".join(kept))
            continue
        group.set(name, value)
    return group
