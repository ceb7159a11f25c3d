"""SVG templates: placeholder discovery and filling.

A template is an SVG file whose elements name the fields that fill it
(``docs/templates.md`` is the full reference):

- a ``<text>`` whose ``id`` (or Inkscape ``inkscape:label``) is a field name
  is a **text** field; attributes in the svgog namespace
  (``xmlns:og="urn:svgog"``) give the box it must fit (:mod:`svgog.textslot`);
- an ``<image>`` named the same way is an **image** field; so is a shape
  filled with a pattern that holds an image (how Figma exports image fills);
- ``og:fill="accent"`` (also ``og:stroke``, ``og:stop-color``,
  ``og:flood-color``, ``og:color``) sets that attribute from a **color**
  field, ``og:class`` sets the class from a **choice** field, and
  ``og:opacity`` (``og:fill-opacity``, ``og:stroke-opacity``) from a
  **number** field;
- ``og:if="author"`` keeps an element only when the field is not empty,
  ``og:if="theme=dark"`` only when it has that value; ``og:unless`` is the
  reverse.

Figma names a second layer called ``title`` ``title_2``: such an id counts as
another placeholder of ``title`` when the template has a ``title`` too.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import TemplateError
from .fonts import FontRegistry
from .metadata import FIELD_NAME, Field, FieldSpec, TemplateInfo, read_metadata
from .styles import INKSCAPE_NS, element_error, length, og, style_declarations
from .text.draw import draw
from .text.emoji import EmojiSet
from .text.typeset import FitReport, typeset
from .textslot import TEXT, TEXT_ATTRIBUTES, TextSlot, read_text_slot, replacement_group
from .xmlsafe import MAX_DOCUMENT_BYTES, OG_NS, SVG_NS, XLINK_NS, parse_svg

__all__ = [
    "ATTRIBUTE_PLACEHOLDERS",
    "AttributeSlot",
    "Condition",
    "Field",
    "ImageSlot",
    "StaticLayer",
    "Template",
    "TextSlot",
]

IMAGE = f"{{{SVG_NS}}}image"
PATTERN = f"{{{SVG_NS}}}pattern"
USE = f"{{{SVG_NS}}}use"
RECT = f"{{{SVG_NS}}}rect"
DEFS = f"{{{SVG_NS}}}defs"
CIRCLE = f"{{{SVG_NS}}}circle"
ELLIPSE = f"{{{SVG_NS}}}ellipse"
_SHAPE_BOXES = frozenset({RECT, CIRCLE, ELLIPSE})

#: Attribute placeholders and the kind of field each takes.
ATTRIBUTE_PLACEHOLDERS = {
    "fill": "color",
    "stroke": "color",
    "stop-color": "color",
    "flood-color": "color",
    "color": "color",
    "class": "choice",
    "opacity": "number",
    "fill-opacity": "number",
    "stroke-opacity": "number",
}
CONDITIONS = frozenset({"if", "unless"})
IMAGE_FITS = {"cover": "xMidYMid slice", "contain": "xMidYMid meet", "fill": "none"}
ROOT_ATTRIBUTES = frozenset({"fallback-fonts"})
ALL_ATTRIBUTES = frozenset(ATTRIBUTE_PLACEHOLDERS) | CONDITIONS | TEXT_ATTRIBUTES | ROOT_ATTRIBUTES | {"fit"}
MAX_TEMPLATE_BYTES = MAX_DOCUMENT_BYTES
_FIGMA_DUPLICATE = re.compile(r"(.+)_(\d+)")


@dataclass(frozen=True)
class ImageSlot:
    """An ``<image>`` whose picture a field replaces."""

    field: str
    index: int
    fit: str | None
    line: int | None
    #: For a shape filled with a pattern of the image (Figma's image fills),
    #: the shape's index: it is redrawn as the image clipped to the shape.
    shape: int | None = None


@dataclass(frozen=True)
class AttributeSlot:
    """An attribute that a color, choice or number field sets."""

    field: str
    index: int
    attribute: str
    line: int | None


@dataclass(frozen=True)
class Condition:
    """An element kept or removed depending on a field."""

    field: str
    index: int
    value: str | None
    negate: bool
    line: int | None

    def keeps(self, value: str) -> bool:
        """Whether the element stays, given the field's effective value."""
        holds = bool(value.strip()) if self.value is None else value == self.value
        return holds != self.negate


def _label_or_id(element: etree._Element) -> str | None:
    """The field name an element carries: its Inkscape label or id, spaces as ``_``."""
    for candidate in (element.get(f"{{{INKSCAPE_NS}}}label"), element.get("id")):
        name = "_".join(candidate.split()) if candidate else ""
        if name and FIELD_NAME.fullmatch(name):
            return name
    return None


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
        self.info: TemplateInfo = read_metadata(root, self._label)
        own_fallbacks = [f.strip().strip("'\"") for f in (og(root, "fallback-fonts") or "").split(",") if f.strip()]
        for family in own_fallbacks:
            if fonts.find(family) is None:
                raise element_error(
                    f"og:fallback-fonts names {family!r}, which no registered font has", self._label, root
                )
        fallbacks = [*own_fallbacks, *fallback_fonts, *fonts.fallback_families()]

        elements = list(root.iter())
        names = self._placeholder_names(elements)
        guides = self._guides(elements)
        text_slots: list[TextSlot] = []
        image_slots: list[ImageSlot] = []
        attribute_slots: list[AttributeSlot] = []
        conditions: list[Condition] = []
        for index, element in enumerate(elements):
            if not isinstance(element.tag, str):
                continue
            field = names.get(index)
            if element.tag == TEXT:
                text_slots.append(
                    read_text_slot(
                        element,
                        fonts,
                        fallbacks,
                        label=self._label,
                        field=field,
                        emoji=emoji,
                        index=index,
                        guide=guides[own][1] if (own := _label_or_id(element)) in guides else None,
                    )
                )
            elif field is not None:
                target = self._image_target(element, elements)
                if target is not None:
                    fit = og(element, "fit") or og(elements[target], "fit")
                    if fit is not None and fit not in IMAGE_FITS:
                        raise element_error(
                            f"og:fit {fit!r} is not one of {', '.join(IMAGE_FITS)}", self._label, element
                        )
                    shape = index if element.tag in _SHAPE_BOXES else None
                    image_slots.append(ImageSlot(field, target, fit, element.sourceline, shape))
            for attribute in ATTRIBUTE_PLACEHOLDERS:
                source_field = og(element, attribute)
                if source_field is not None:
                    self._check_field_name(source_field, f"og:{attribute}", element)
                    attribute_slots.append(AttributeSlot(source_field, index, attribute, element.sourceline))
            for condition in CONDITIONS:
                expression = og(element, condition)
                if expression is not None:
                    field_name, sep, value = expression.partition("=")
                    field_name = field_name.strip()
                    self._check_field_name(field_name, f"og:{condition}", element)
                    conditions.append(
                        Condition(
                            field_name, index, value.strip() if sep else None, condition == "unless", element.sourceline
                        )
                    )
        # Guide rectangles are removed from every rendering.
        self._guide_indexes = tuple(index for index, _ in guides.values())
        #: Every <text> element, in document order.
        self.text_slots = tuple(text_slots)
        self.image_slots = tuple(image_slots)
        self.attribute_slots = tuple(attribute_slots)
        self.conditions = tuple(conditions)
        # What an unset image field's conditions see: the template's own picture.
        self._originals = {
            slot.field: elements[slot.index].get("href") or elements[slot.index].get(f"{{{XLINK_NS}}}href") or ""
            for slot in image_slots
        }
        self.fields: Mapping[str, Field] = self._collect_fields()
        self._static_count = self._static_prefix(root, elements)
        # Fields whose values change elements other than texts and images.
        self._layer_fields = tuple(sorted({a.field for a in attribute_slots} | {c.field for c in conditions}))

    # -- loading ---------------------------------------------------------

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], fonts: FontRegistry, *, name: str | None = None, **options: Any
    ) -> Template:
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

    @property
    def description(self) -> str:
        """The template's description from its metadata, or its ``<title>``."""
        return self.info.description

    def _size(self, root: etree._Element) -> tuple[int, int]:
        width, height = root.get("width"), root.get("height")
        view_box = (root.get("viewBox") or "").replace(",", " ").split()
        if (width is None or height is None) and len(view_box) == 4:
            width = width or view_box[2]
            height = height or view_box[3]
        if width is None or height is None:
            raise TemplateError("the <svg> element needs width and height, or a viewBox", template=self._label)
        w = length(width, "width", self._label, root)
        h = length(height, "height", self._label, root)
        if not (1 <= w <= 10000 and 1 <= h <= 10000):
            raise TemplateError(f"size {w}x{h} is outside 1..10000", template=self._label)
        return round(w), round(h)

    def _check_field_name(self, name: str, attribute: str, element: etree._Element) -> None:
        if not FIELD_NAME.fullmatch(name):
            raise element_error(f"{attribute} needs a field name, got {name!r}", self._label, element)

    @staticmethod
    def _placeholder_names(elements: list[etree._Element]) -> dict[int, str]:
        """Field names of placeholder elements, by document index (Figma duplicates folded)."""
        names: dict[int, str] = {}
        for index, element in enumerate(elements):
            if not isinstance(element.tag, str):
                continue
            if element.tag == IMAGE and any(a.tag in (DEFS, PATTERN) for a in element.iterancestors()):
                continue  # the picture behind a pattern fill: the shape is the field
            # Texts, images, and shapes that may be Figma image fills (a pattern).
            if element.tag in (TEXT, IMAGE) or "url(#" in (element.get("fill") or element.get("style") or ""):
                name = _label_or_id(element)
                if name is not None:
                    names[index] = name
        taken = set(names.values())
        for index, name in names.items():
            match = _FIGMA_DUPLICATE.fullmatch(name)
            if match and match.group(1) in taken:
                names[index] = match.group(1)
        return names

    def _static_prefix(self, root: etree._Element, elements: list[etree._Element]) -> int:
        """How many leading children of the root no text, image or reference touches.

        Those children make the *static layer*: drawn once per set of
        layer-field values and reused (see :meth:`fill_layers`). Nothing is
        static when the root itself has effects that apply to its whole
        drawing (a transform, opacity, filter, mask or clip).
        """
        if any(root.get(name) is not None for name in ("transform", "opacity", "filter", "mask", "clip-path", "style")):
            return 0
        dynamic = {slot.index for slot in self.text_slots} | set(self._guide_indexes)
        dynamic |= {i.index for i in self.image_slots} | {i.shape for i in self.image_slots if i.shape is not None}
        dynamic |= {index for index, element in enumerate(elements) if element.tag == USE}
        position = {id(element): index for index, element in enumerate(elements)}
        count = 0
        for child in root:
            start = position[id(child)]
            size = sum(1 for _ in child.iter())
            if any(start <= index < start + size for index in dynamic):
                break
            count += 1
        return count

    def _guides(self, elements: list[etree._Element]) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
        """Rectangles named ``<field>-box`` (or ``_box``): the boxes of texts without ``og:width``."""
        guides = {}
        for index, element in enumerate(elements):
            name = _label_or_id(element) if element.tag == RECT else None
            if name is None or not name.endswith(("-box", "_box")):
                continue
            x, y, w, h = (length(element.get(a) or "0", a, self._label, element) for a in ("x", "y", "width", "height"))
            if w <= 0 or h <= 0:
                raise element_error("a text box rectangle needs a positive width and height", self._label, element)
            guides[name[:-4]] = (index, (x, y, w, h))
        return guides

    def _image_target(self, element: etree._Element, elements: list[etree._Element]) -> int | None:
        """The index of the ``<image>`` a named element stands for, if any."""
        if element.tag == IMAGE:
            return elements.index(element)
        match = re.fullmatch(
            r"url\(#([^)]+)\)", (element.get("fill") or style_declarations(element).get("fill") or "").strip()
        )
        if not match:
            return None
        by_id = {e.get("id"): e for e in elements if isinstance(e.tag, str) and e.get("id")}
        pattern = by_id.get(match.group(1))
        if pattern is None or pattern.tag != PATTERN:
            return None
        for child in pattern.iter():
            if child.tag == IMAGE:
                return elements.index(child)
            if child.tag == USE:
                href = (child.get("href") or child.get(f"{{{XLINK_NS}}}href") or "").lstrip("#")
                target = by_id.get(href)
                if target is not None and target.tag == IMAGE:
                    return elements.index(target)
        return None

    def _collect_fields(self) -> dict[str, Field]:
        kinds: dict[str, str] = {}
        defaults: dict[str, str | None] = {}
        lines: dict[str, int | None] = {}

        def add(name: str, kind: str, default: str | None, line: int | None) -> None:
            known = kinds.get(name)
            if known is None or known == "flag":
                kinds[name], lines[name] = kind, line
                defaults.setdefault(name, default)
            elif kind != "flag" and known != kind:
                raise TemplateError(f"field {name!r} is used as {known} and as {kind}", template=self._label, line=line)

        for slot in self.text_slots:
            if slot.field is not None:
                add(slot.field, "text", slot.default, slot.line)
        for image in self.image_slots:
            add(image.field, "image", None, image.line)
        for attribute in self.attribute_slots:
            add(attribute.field, ATTRIBUTE_PLACEHOLDERS[attribute.attribute], None, attribute.line)
        for condition in self.conditions:
            add(condition.field, "flag", None, condition.line)
        declared = {spec.name: spec for spec in self.info.fields}
        fields: dict[str, Field] = {}
        for name, kind in kinds.items():
            spec = declared.pop(name, None) or FieldSpec(name)
            default = spec.default if spec.default is not None else defaults.get(name)
            fields[name] = Field(
                name, kind, default, spec.sample, spec.required, spec.max_length, spec.allowed, spec.description
            )
        for spec in declared.values():
            raise TemplateError(
                f"field {spec.name!r} is declared but no element uses it", template=self._label, line=spec.line
            )
        return fields

    # -- filling ---------------------------------------------------------

    def effective(self, values: Mapping[str, str], name: str) -> str:
        """A field's value for conditions: given, else its default, else empty."""
        if name in values:
            return values[name]
        field = self.fields.get(name)
        if field is not None and field.default is not None:
            return field.default
        return self._originals.get(name, "")

    def fill(
        self, values: Mapping[str, str], images: Mapping[str, str] | None = None, *, raster: bool = False
    ) -> tuple[bytes, tuple[FitReport, ...]]:
        """Fill the template with already-validated values.

        :param values: Text, color, choice and number values by field name.
        :param images: ``data:`` URIs of image fields by field name.
        :param raster: Produce a document for :mod:`svgog.raster` (glyphs as
            ``og:glyphs`` instructions) rather than a standard SVG file.
        :returns: The filled SVG document and a fit report per drawn text element.
        """
        root, reports = self._fill_tree(values, images or {}, raster)
        return etree.tostring(root, encoding="utf-8", xml_declaration=False), reports

    def fill_layers(
        self, values: Mapping[str, str], images: Mapping[str, str] | None = None
    ) -> tuple[bytes, tuple[FitReport, ...], StaticLayer | None]:
        """Fill for rasterizing, split into a reusable static layer and the rest.

        The static layer is the leading run of root children that no text,
        image or reference touches (see :meth:`_static_prefix`); it depends
        only on the template and the values of the fields that set
        attributes or conditions, so a raster step can draw it once per key
        and draw only the rest over it. ``"over"`` compositing is
        associative, so the picture is the same as drawing the whole document.

        :returns: The document without the static layer's painting elements,
            the fit reports, and the static layer (``None`` when there is none).
        """
        images = images or {}
        root, reports = self._fill_tree(values, images, True)
        if not self._static_count:
            return etree.tostring(root, encoding="utf-8", xml_declaration=False), reports, None
        for child in list(root):
            if child.get(_STATIC_MARK) is not None:
                if _paints(child):
                    root.remove(child)
                else:
                    del child.attrib[_STATIC_MARK]
        key_parts = [self.version, str(self.path), repr([(f, self.effective(values, f)) for f in self._layer_fields])]
        key = hashlib.sha256("\0".join(key_parts).encode("utf-8", "surrogatepass")).hexdigest()

        def static_document() -> bytes:
            static, _ = self._fill_tree(values, images, True, texts=False)
            for child in list(static):
                if child.get(_STATIC_MARK) is None and _paints(child):
                    static.remove(child)
            return etree.tostring(static, encoding="utf-8", xml_declaration=False)

        rest = etree.tostring(root, encoding="utf-8", xml_declaration=False)
        return rest, reports, StaticLayer(key, static_document)

    def _fill_tree(
        self, values: Mapping[str, str], images: Mapping[str, str], raster: bool, *, texts: bool = True
    ) -> tuple[etree._Element, tuple[FitReport, ...]]:
        root = parse_svg(self._source, self._label)
        for child in root[: self._static_count]:
            child.set(_STATIC_MARK, "")
        elements = list(root.iter())
        for index in self._guide_indexes:
            guide = elements[index]
            if guide.getparent() is not None:
                guide.getparent().remove(guide)
        for condition in self.conditions:
            element = elements[condition.index]
            if not condition.keeps(self.effective(values, condition.field)) and element.getparent() is not None:
                element.getparent().remove(element)
        for attribute in self.attribute_slots:
            value = values.get(attribute.field, self.fields[attribute.field].default)
            if value is not None:
                _set_property(elements[attribute.index], attribute.attribute, value)
        for image in self.image_slots:
            uri = images.get(image.field)
            element = elements[image.index]
            if uri is not None:
                element.attrib.pop(f"{{{XLINK_NS}}}href", None)
                element.set("href", uri)
            elif values.get(image.field) == "" or not self._originals.get(image.field):
                # Cleared, or a placeholder with no picture of its own: draw
                # nothing (CairoSVG would otherwise fetch an empty URL).
                target = elements[image.shape] if image.shape is not None else element
                if target.getparent() is not None:
                    target.getparent().remove(target)
                continue
            if image.fit is not None:
                element.set("preserveAspectRatio", IMAGE_FITS[image.fit])
            if image.shape is not None:
                _image_in_shape(elements[image.shape], element, image.fit or "cover")
        reports: list[FitReport] = []
        for slot in self.text_slots if texts else ():
            element = elements[slot.index]
            if not _attached(element, root):
                continue
            text = (
                values.get(slot.field, self.fields[slot.field].default or "")
                if slot.field is not None
                else slot.default
            )
            laid_out = typeset(text, slot.spec, slot.chain, field=slot.field)
            group = replacement_group(element)
            draw(laid_out, group, self._emoji, stroke_width=slot.stroke_width, raster=raster)
            element.getparent().replace(element, group)
            reports.append(laid_out.report)
        return root, tuple(reports)


def _shape_box(shape: etree._Element) -> tuple[float, float, float, float] | None:
    """The bounding box of a rect, circle or ellipse from its attributes."""

    def number(name: str) -> float:
        try:
            return float((shape.get(name) or "0").removesuffix("px"))
        except ValueError:
            return float("nan")

    if shape.tag == RECT:
        box = (number("x"), number("y"), number("width"), number("height"))
    elif shape.tag == CIRCLE:
        r = number("r")
        box = (number("cx") - r, number("cy") - r, 2 * r, 2 * r)
    else:
        rx, ry = number("rx"), number("ry")
        box = (number("cx") - rx, number("cy") - ry, 2 * rx, 2 * ry)
    return box if all(v == v for v in box) and box[2] > 0 and box[3] > 0 else None


def _image_in_shape(shape: etree._Element, image: etree._Element, fit: str) -> None:
    """Draw a pattern-filled shape as its image clipped to the shape.

    CairoSVG renders Figma's object-bounding-box image patterns unreliably,
    and a pattern's scale fits only the original picture; an image clipped
    to the shape fits any picture.
    """
    box = _shape_box(shape)
    parent = shape.getparent()
    if box is None or parent is None:
        return
    clip_id = f"svgog-clip-{id(shape):x}"
    group = etree.Element(f"{{{SVG_NS}}}g")
    for name in ("transform", "opacity", "id", "class"):
        if shape.get(name) is not None:
            group.set(name, shape.get(name))
    clip = etree.SubElement(etree.SubElement(group, f"{{{SVG_NS}}}defs"), f"{{{SVG_NS}}}clipPath", id=clip_id)
    outline = etree.SubElement(clip, shape.tag)
    for name, value in shape.attrib.items():
        if name in ("x", "y", "width", "height", "rx", "ry", "cx", "cy", "r"):
            outline.set(name, value)
    picture = etree.SubElement(group, f"{{{SVG_NS}}}image")
    picture.set("href", image.get("href") or image.get(f"{{{XLINK_NS}}}href") or "")
    for name, value in zip(("x", "y", "width", "height"), box):
        picture.set(name, f"{value:g}")
    picture.set("preserveAspectRatio", IMAGE_FITS[fit])
    picture.set("clip-path", f"url(#{clip_id})")
    parent.replace(shape, group)


@dataclass(frozen=True)
class StaticLayer:
    """The part of a filled template that only layer fields change.

    :ivar key: Equal keys, equal pictures (template file, layer-field values).
    :ivar document: Builds the layer's SVG document (called on a cache miss only).
    """

    key: str
    document: Callable[[], bytes]


# Elements that define things for others and draw nothing themselves.
_NON_PAINTING = frozenset(
    f"{{{SVG_NS}}}{tag}"
    for tag in (
        "defs", "style", "linearGradient", "radialGradient", "pattern", "clipPath", "mask", "filter",
        "symbol", "marker", "metadata", "title", "desc",
    )
)  # fmt: skip
_STATIC_MARK = f"{{{OG_NS}}}static"


def _paints(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag not in _NON_PAINTING


def _attached(element: etree._Element, root: etree._Element) -> bool:
    node: etree._Element | None = element
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _set_property(element: etree._Element, name: str, value: str) -> None:
    """Set a presentation attribute, dropping a ``style`` declaration that would override it."""
    if name == "class":
        element.set("class", value)
        return
    declarations = style_declarations(element)
    if name in declarations:
        del declarations[name]
        if declarations:
            element.set("style", ";".join(f"{k}:{v}" for k, v in declarations.items()))
        else:
            del element.attrib["style"]
    element.set(name, value)


def _check_og_attributes(root: etree._Element, label: str) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in element.attrib:
            if not name.startswith(f"{{{OG_NS}}}"):
                continue
            local = name[len(OG_NS) + 2 :]
            if local not in ALL_ATTRIBUTES:
                known = ", ".join(f"og:{a}" for a in sorted(ALL_ATTRIBUTES))
                raise element_error(f"unknown attribute og:{local} (known: {known})", label, element)
            if local in ROOT_ATTRIBUTES and element is not root:
                raise element_error(f"og:{local} belongs on the root <svg> element", label, element)
            if local in TEXT_ATTRIBUTES and local != "fit" and element.tag != TEXT:
                raise element_error(f"og:{local} belongs on a <text> element", label, element)
