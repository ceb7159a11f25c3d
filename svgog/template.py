"""SVG templates: hardened parsing, placeholder discovery and filling.

A template is an SVG file. Every ``<text>`` element whose ``id`` (or, for
Inkscape files, ``inkscape:label``) is a valid field name is a *text
placeholder*: the field's value replaces its text, and its text in the file is
the default used when the field is not given. Attributes in the svgog
namespace (``xmlns:og="urn:svgog"``) describe the box the text must fit:

==================  =========  ====================================================
attribute           default    meaning
==================  =========  ====================================================
``og:width``        none       wrap lines to this width (user units); without it,
                               lines break only at ``"\\n"``
``og:max-lines``    see below  at most this many lines; longer text ends in the
                               ellipsis after the last word that fits. Default:
                               as many lines as the template's own text has
``og:line-height``  1.2        distance between baselines, as a multiple of the
                               font size
``og:ellipsis``     ``…``      what marks truncated text
==================  =========  ====================================================

Font family, size, weight and style, ``text-anchor`` and the fill come from the
element's own attributes or ``style`` (inherited from its ancestors, as in
CSS); ``x``/``y`` place the first line's baseline. Every ``<text>`` element,
placeholder or not, is drawn as glyph outlines (one ``<path>`` per line) with
svgog's fonts, so what is measured is what is drawn.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import FontError, TemplateError
from .fonts import FontFace, FontRegistry
from .layout import fit
from .shaping import Shaper
from .validation import FIELD_NAME

__all__ = ["OG_NS", "SVG_NS", "Field", "Template", "TextReport", "TextSlot", "parse_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
OG_NS = "urn:svgog"
INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
SODIPODI_NS = "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_TEXT = f"{{{SVG_NS}}}text"
_TSPAN = f"{{{SVG_NS}}}tspan"
_OG_ATTRIBUTES = frozenset({"width", "max-lines", "line-height", "ellipsis"})
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024

# Properties consumed by text layout; they are not copied to the <g> that
# replaces a <text>, everything else (fill, opacity, transform, class…) is.
_TEXT_PROPERTIES = frozenset(
    {
        "x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust", "font", "font-family", "font-size",
        "font-weight", "font-style", "font-variant", "font-stretch", "text-anchor", "letter-spacing",
        "word-spacing", "dominant-baseline", "alignment-baseline", "baseline-shift", "line-height",
        "text-align", "writing-mode", "white-space", "-inkscape-font-specification", "font-variant-ligatures",
        "font-variant-caps", "font-variant-numeric", "font-variant-east-asian", "font-feature-settings",
        "text-decoration", "direction", "unicode-bidi", "inline-size", "shape-inside", "shape-padding",
        "stroke-width",
    }
)  # fmt: skip

_WEIGHTS = {"normal": 400, "bold": 700, "bolder": 700, "lighter": 300}
_LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt)?\s*")


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        collect_ids=False,
    )


def parse_svg(data: bytes, source: str) -> etree._Element:
    """Parse SVG bytes with external entities, DTDs and network access disabled.

    :param source: The template's name or file, for error messages.
    :raises TemplateError: If the bytes are not a usable SVG document.
    """
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"file is larger than {MAX_TEMPLATE_BYTES} bytes", template=source)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"not well-formed XML: {exc.msg}", template=source, line=exc.lineno) from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise TemplateError("DOCTYPE declarations are not allowed in templates", template=source)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise TemplateError(
            f"root element is {root.tag!r}, not <svg> in the SVG namespace ({SVG_NS})", template=source
        )
    return root


@dataclass(frozen=True)
class Field:
    """A field a template accepts."""

    name: str
    kind: str
    default: str


@dataclass(frozen=True)
class TextReport:
    """What happened to one text element: the fit report.

    :ivar field: The field that filled it, or ``None`` for static text.
    :ivar font: The full name of the face used.
    :ivar size: The font size in user units.
    :ivar lines: The lines drawn.
    :ivar truncated: Whether an ellipsis cut the text short.
    :ivar missing: Characters no font had; they were not drawn.
    """

    field: str | None
    font: str
    size: float
    lines: tuple[str, ...]
    truncated: bool
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextSlot:
    """A ``<text>`` element as found at load time: where and how to set text."""

    field: str | None
    element_id: str | None
    line: int | None
    x: float
    y: float
    face: FontFace
    size: float
    anchor: str
    width: float | None
    max_lines: int
    line_height: float
    ellipsis: str
    default: str
    stroke_width: float | None = None

    def bounds(self) -> tuple[float, float, float, float] | None:
        """The box text may occupy: ``(left, top, right, bottom)`` in user units.

        ``None`` when the slot has no ``og:width`` (its lines are not wrapped).
        The box spans ``max_lines`` lines, from the first line's ascender to
        the last line's descender.
        """
        if self.width is None:
            return None
        scale = self.size / self.face.units_per_em
        left = self.x - self.width * {"start": 0.0, "middle": 0.5, "end": 1.0}[self.anchor]
        top = self.y - self.face.ascender * scale
        bottom = self.y + (self.max_lines - 1) * self.line_height * self.size - self.face.descender * scale
        return left, top, left + self.width, bottom


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

    def __init__(self, name: str, source: bytes, fonts: FontRegistry, *, path: Path | None = None) -> None:
        self.name = name
        self.path = path
        self._source = source
        #: Hash of the file's bytes: changes whenever the template does.
        self.version = hashlib.sha256(source).hexdigest()
        root = parse_svg(source, self._label)
        self.width, self.height = self._size(root)
        _check_og_attributes(root, self._label)
        #: Every <text> element, in document order.
        self.text_slots = tuple(self._text_slot(element, fonts) for element in root.iter(_TEXT))
        fields: dict[str, Field] = {}
        for slot in self.text_slots:
            if slot.field is not None:
                fields.setdefault(slot.field, Field(slot.field, "text", slot.default))
        self.fields: Mapping[str, Field] = fields

    @classmethod
    def load(cls, path: str | Path, fonts: FontRegistry, *, name: str | None = None) -> Template:
        """Read and parse a template file."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_TEMPLATE_BYTES:
                raise TemplateError(f"file is larger than {MAX_TEMPLATE_BYTES} bytes", template=path)
            source = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read template: {exc.strerror}", template=path) from exc
        return cls(name or path.stem, source, fonts, path=path)

    @classmethod
    def from_bytes(cls, name: str, source: bytes, fonts: FontRegistry) -> Template:
        """Parse a template held in memory."""
        return cls(name, source, fonts)

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

    def _text_slot(self, element: etree._Element, fonts: FontRegistry) -> TextSlot:
        label = self._label
        families = [f.strip().strip("'\"") for f in (_property(element, "font-family") or "sans-serif").split(",")]
        weight_text = (_property(element, "font-weight") or "normal").strip().lower()
        weight = _WEIGHTS.get(weight_text) or (int(weight_text) if weight_text.isdigit() else 0)
        if not 1 <= weight <= 1000:
            raise self._error(f"font-weight {weight_text!r} is not a CSS weight", element)
        style = (_property(element, "font-style") or "normal").strip().lower()
        try:
            face = fonts.match(families, weight, style)
        except FontError as exc:
            raise self._error(exc.message, element) from exc
        size = _length(_property(element, "font-size") or "16", "font-size", label, element)
        anchor = (_property(element, "text-anchor") or "start").strip()
        if anchor not in ("start", "middle", "end"):
            raise self._error(f"text-anchor {anchor!r} is not start, middle or end", element)
        x = _length(_first_coordinate(element, "x") or "0", "x", label, element)
        y = _length(_first_coordinate(element, "y") or "0", "y", label, element)

        width_text, lines_text = _og(element, "width"), _og(element, "max-lines")
        width = _length(width_text, "og:width", label, element) if width_text is not None else None
        if width is not None and width <= 0:
            raise self._error("og:width must be positive", element)
        default = _default_text(element)
        # Unless told otherwise, a text keeps the shape the designer gave it.
        max_lines = max(1, default.count("\n") + 1)
        if lines_text is not None:
            if not lines_text.strip().isdigit() or int(lines_text) < 1:
                raise self._error(f"og:max-lines {lines_text!r} is not a whole number of at least 1", element)
            max_lines = int(lines_text)
        line_height = _length(_og(element, "line-height") or "1.2", "og:line-height", label, element)
        stroke_text = _property(element, "stroke-width", inherit=False)
        return TextSlot(
            field=_field_name(element),
            element_id=element.get("id"),
            line=element.sourceline,
            x=x,
            y=y,
            face=face,
            size=size,
            anchor=anchor,
            width=width,
            max_lines=max_lines,
            line_height=line_height,
            ellipsis=_og(element, "ellipsis") or "\u2026",
            default=default,
            stroke_width=_length(stroke_text, "stroke-width", label, element) if stroke_text else None,
        )

    def fill(self, values: Mapping[str, str]) -> tuple[bytes, tuple[TextReport, ...]]:
        """Fill the template with already-validated values.

        Fields not in ``values`` keep the template's own text.

        :returns: The filled SVG document and a fit report per text element.
        """
        root = parse_svg(self._source, self._label)
        reports = []
        for slot, element in zip(self.text_slots, list(root.iter(_TEXT))):
            text = values.get(slot.field, slot.default) if slot.field is not None else slot.default
            group, report = _typeset(slot, element, text)
            element.getparent().replace(element, group)
            reports.append(report)
        return etree.tostring(root, encoding="utf-8", xml_declaration=False), tuple(reports)


def _check_og_attributes(root: etree._Element, label: str) -> None:
    for element in root.iter():
        for name in element.attrib:
            if name.startswith(f"{{{OG_NS}}}"):
                local = name[len(OG_NS) + 2 :]
                if local not in _OG_ATTRIBUTES:
                    known = ", ".join(f"og:{a}" for a in sorted(_OG_ATTRIBUTES))
                    raise _element_error(f"unknown attribute og:{local} (known: {known})", label, element)
                if element.tag != _TEXT:
                    raise _element_error(f"og:{local} belongs on a <text> element", label, element)


def _num(value: float, digits: int = 2) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _typeset(slot: TextSlot, element: etree._Element, text: str) -> tuple[etree._Element, TextReport]:
    """Lay out ``text`` for a slot and build the ``<g>`` of glyph paths replacing ``element``."""
    shaper = Shaper(slot.face, slot.size)
    fitted = fit(text, slot.width, shaper.measure, max_lines=slot.max_lines, ellipsis=slot.ellipsis)
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
    scale = shaper.scale
    shift = {"start": 0.0, "middle": 0.5, "end": 1.0}[slot.anchor]
    missing: set[str] = set()
    for index, line in enumerate(fitted.lines):
        shaped = shaper.shape(line)
        missing |= shaped.missing
        data = shaper.path_data(shaped)
        if not data:
            continue
        x = slot.x - shaped.advance * scale * shift
        y = slot.y + index * slot.line_height * slot.size
        path = etree.SubElement(group, f"{{{SVG_NS}}}path")
        path.set("d", data)
        # Glyph coordinates stay in font units (short, cacheable strings); one
        # transform per line scales them and flips y.
        path.set("transform", f"matrix({scale:.8g} 0 0 {-scale:.8g} {_num(x)} {_num(y)})")
        if slot.stroke_width is not None:
            path.set("stroke-width", _num(slot.stroke_width / scale, 4))
    report = TextReport(
        field=slot.field,
        font=slot.face.info.full_name,
        size=slot.size,
        lines=fitted.lines,
        truncated=fitted.truncated,
        missing=tuple(sorted(missing)),
    )
    return group, report
