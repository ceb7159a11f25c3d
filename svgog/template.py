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

import dataclasses
import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from lxml import etree

from .budget import DEFAULT_BUDGET, RenderBudget, measure
from .css import Cascade, Stylesheet
from .datauri import decode_data_uri
from .direct import PIECE_MARK
from .errors import FontError, TemplateError
from .fonts import FontRegistry
from .metadata import FIELD_NAME, Field, FieldSpec, TemplateInfo, read_metadata
from .notes import Note, unhonoured_features
from .styles import INKSCAPE_NS, element_error, og, style_declarations
from .text.draw import draw
from .text.emoji import EmojiSet
from .text.styled import StyledText
from .text.typeset import FitReport, typeset
from .textslot import (
    TEXT,
    TEXT_ATTRIBUTES,
    TextSlot,
    axis_aligned,
    read_text_slot,
    rect_box,
    replacement_group,
)
from .textstyle import StyleReader
from .units import LengthError, to_user_units
from .validation import MAX_OUTPUT_PIXELS
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
TSPAN = f"{{{SVG_NS}}}tspan"
GROUP = f"{{{SVG_NS}}}g"
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
#: The most bytes of fonts a template may embed with ``@font-face``.
MAX_EMBEDDED_FONT_BYTES = 10 * 1024 * 1024
_FIGMA_DUPLICATE = re.compile(r"(.+)_(\d+)")
# Ids Inkscape gives every tspan: not names a designer chose.
_GENERATED_TSPAN_ID = re.compile(r"tspan[-_]?\d+(?:[-_]\d+)*")
# Variants of one template kept per process (one per set of attribute-field values).
_VARIANTS_PER_TEMPLATE = 32


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


def _tspan_field(element: etree._Element) -> str | None:
    """The field a ``<tspan>`` fills when it is a field of its own: a label, or an id a person chose."""
    if element.tag != TSPAN:
        return None
    name = _label_or_id(element)
    if name is None or (element.get(f"{{{INKSCAPE_NS}}}label") is None and _GENERATED_TSPAN_ID.fullmatch(name)):
        return None
    return name


@dataclass(frozen=True)
class _Variant:
    """The template with one set of attribute-field values applied and its styles resolved.

    :ivar source: The document with those attributes set and every element's
        style written into its ``style`` attribute (sheets emptied).
    :ivar text_slots: The texts as that cascade sets them.
    :ivar static_texts: Texts no field fills, laid out once: (group, report) by
        (slot index, raster).
    """

    source: bytes
    text_slots: tuple[TextSlot, ...]
    static_texts: dict[tuple[int, bool], tuple[etree._Element, FitReport]] = dataclasses.field(default_factory=dict)


class Template:
    """A parsed template: its size, its fields and the slots to fill.

    Build one with :meth:`load` (from a file) or :meth:`from_bytes`. A template
    is immutable and safe to share between threads; every :meth:`fill` works
    on a fresh copy of the document.

    :param budget: The most drawing the template may cost: above it, the
        template is refused (see :mod:`svgog.budget`).
    :param problems: When given, mistakes in single elements (a bad
        attribute on one text, a bad ``og:fit``) are appended to it as error
        notes and those elements are left out, instead of raising at the
        first: how ``svgog check`` reports every problem at once.
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
        problems: list[Note] | None = None,
        budget: RenderBudget = DEFAULT_BUDGET,
    ) -> None:
        self.name = name
        self.path = path
        self._source = source
        self._emoji = emoji
        self._problems = problems
        #: Hash of the file's bytes: changes whenever the template does.
        self.version = hashlib.sha256(source).hexdigest()
        root = parse_svg(source, self._label)
        self.width, self.height, self.viewport = self._size(root)
        for error in og_attribute_errors(root, self._label):
            with self._collecting():
                raise error
        self.info: TemplateInfo = read_metadata(root, self._label)
        sheet = Stylesheet(root)
        notes: list[Note] = [Note("warning", p.line, p.message) for p in sheet.problems]
        #: The fonts the template's texts may use: the renderer's, and its own ``@font-face`` fonts.
        self.fonts = self._embedded_fonts(sheet, fonts, notes)
        own_fallbacks = []
        for family in (f.strip().strip("'\"") for f in (og(root, "fallback-fonts") or "").split(",")):
            if not family:
                continue
            if self.fonts.find(family) is None:
                message = f"og:fallback-fonts names {family!r}, which no registered font has: left out of the chain"
                notes.append(Note("warning", root.sourceline, message))
            else:
                own_fallbacks.append(family)
        self._fallbacks = (*own_fallbacks, *fallback_fonts, *self.fonts.fallback_families())
        # What may stand in for a family the design names and the renderer lacks.
        self._substitutes = (*own_fallbacks, *fallback_fonts)
        # What, besides the template and its layer fields, decides the static layer's pixels:
        # texts no field fills are drawn in it, so the fonts and the emoji.
        emoji_path = getattr(emoji, "path", None)
        drawing = (self.fonts.version, repr(self._fallbacks), str(self.fonts.system_fonts), str(emoji_path))
        self._drawing_key = hashlib.sha256("\0".join(drawing).encode("utf-8", "surrogatepass")).hexdigest()

        elements = list(root.iter())
        reader = self._reader(Cascade(root, sheet))
        names = self._placeholder_names(elements)
        guides = self._guides(elements, reader)
        run_fields = {i: run for i, e in enumerate(elements) if (run := _tspan_field(e)) is not None}
        image_slots: list[ImageSlot] = []
        attribute_slots: list[AttributeSlot] = []
        conditions: list[Condition] = []
        texts: list[tuple[int, str | None, tuple[float, float, float, float] | None]] = []
        for index, element in enumerate(elements):
            if not isinstance(element.tag, str):
                continue
            with self._collecting():
                field = names.get(index)
                if element.tag == TEXT:
                    own = _label_or_id(element) or field
                    inside = set(element.iter())
                    named_runs = [name for i, name in run_fields.items() if elements[i] in inside]
                    if named_runs:
                        field = None  # a text with fields in its runs is not a field itself
                    box_name = own if own in guides else next((r for r in named_runs if r in guides), None)
                    texts.append((index, field, guides[box_name][1] if box_name is not None else None))
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
                                field_name,
                                index,
                                value.strip() if sep else None,
                                condition == "unless",
                                element.sourceline,
                            )
                        )
        self._texts = tuple(texts)
        text_slots = self._read_texts(elements, reader)
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
        self._pieces = self._static_pieces(root, elements)
        # Fields whose values change elements other than texts and images.
        self._layer_fields = tuple(sorted({a.field for a in attribute_slots} | {c.field for c in conditions}))
        self._attribute_fields = tuple(sorted({a.field for a in attribute_slots}))
        self._variants: LRUCache[tuple[tuple[str, str | None], ...], _Variant] = LRUCache(_VARIANTS_PER_TEMPLATE)
        self._variants_lock = threading.Lock()
        for slot in text_slots:
            notes.extend(Note("warning", slot.line, f"{_text_name(slot)}: {text}") for text in slot.substitutions)
        inlined = parse_svg(source, self._label)
        Cascade(inlined).inline()
        #: What drawing the template costs (its text fields' values are bounded by their length).
        self.cost = measure(inlined, budget, lambda message: TemplateError(message, template=self._label))
        #: What the template asks for that svgog does not draw as a browser would (see :mod:`svgog.notes`).
        self.notes: tuple[Note, ...] = tuple(notes) + tuple(unhonoured_features(inlined, self._label))

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

    def _size(self, root: etree._Element) -> tuple[int, int, tuple[float, float]]:
        """The output size in pixels, and the viewport in user units (for percentages).

        ``width`` and ``height`` may be in any CSS unit (Inkscape's default
        document is in millimetres); a percentage, or none, means the
        ``viewBox``'s size.
        """
        view_box = (root.get("viewBox") or "").replace(",", " ").split()
        box: tuple[float, float] | None = None
        if len(view_box) == 4:
            try:
                box = (float(view_box[2]), float(view_box[3]))
            except ValueError:
                message = f"viewBox {root.get('viewBox')!r} is not four numbers"
                raise TemplateError(message, template=self._label) from None
            if not (box[0] > 0 and box[1] > 0):
                raise TemplateError("the viewBox needs a positive width and height", template=self._label)
        sizes = []
        for name, index in (("width", 0), ("height", 1)):
            text = (root.get(name) or "").strip()
            if not text or text.endswith("%") or text.lower() == "auto":
                if box is None:
                    raise TemplateError(
                        f"the <svg> element needs a {name} (a length, not a percentage) or a viewBox",
                        template=self._label,
                    )
                sizes.append(box[index])
                continue
            try:
                sizes.append(to_user_units(text))
            except LengthError as exc:
                raise element_error(f"{name} {text[:40]!r}: {exc}", self._label, root) from exc
        w, h = sizes
        if not (1 <= w <= 10000 and 1 <= h <= 10000):
            raise TemplateError(f"size {w:g}x{h:g} is outside 1..10000", template=self._label)
        if w * h > MAX_OUTPUT_PIXELS:
            raise TemplateError(f"size {w:g}x{h:g} is more than {MAX_OUTPUT_PIXELS} pixels", template=self._label)
        return round(w), round(h), box if box is not None else (w, h)

    def _embedded_fonts(self, sheet: Stylesheet, fonts: FontRegistry, notes: list[Note]) -> FontRegistry:
        """The renderer's fonts, plus those the template embeds with ``@font-face`` and ``data:`` URIs."""
        rules = [rule for rule in sheet.font_faces if rule.sources]
        if not rules:
            return fonts
        registry = fonts.overlay()
        total = 0
        for rule in rules:
            loaded = False
            for url, _format in rule.sources:
                if not url.startswith("data:"):
                    continue
                try:
                    data = decode_data_uri(url, max_bytes=MAX_EMBEDDED_FONT_BYTES, strict=False)
                except ValueError as exc:
                    message = f"@font-face {rule.family!r}: {exc}"
                    raise TemplateError(message, template=self._label, line=rule.line) from exc
                total += len(data)
                if total > MAX_EMBEDDED_FONT_BYTES:
                    raise TemplateError(
                        f"@font-face fonts exceed {MAX_EMBEDDED_FONT_BYTES} bytes", template=self._label, line=rule.line
                    )
                try:
                    registry.add_data(
                        data, source=f"{self._label} @font-face {rule.family}", family=rule.family,
                        weight=rule.weight, style=rule.style,
                    )  # fmt: skip
                except FontError as exc:
                    raise TemplateError(
                        f"@font-face {rule.family!r}: {exc.message}", template=self._label, line=rule.line
                    ) from exc
                loaded = True
                break
            if not loaded:
                notes.append(
                    Note(
                        "warning",
                        rule.line,
                        f"@font-face {rule.family!r} is not loaded: svgog reads fonts embedded as data: URIs "
                        "(or add the font with --fonts DIR)",
                    )
                )
        return registry

    @contextmanager
    def _collecting(self) -> Iterator[None]:
        """Record a TemplateError as an error note instead of raising it, when collecting problems."""
        try:
            yield
        except TemplateError as exc:
            if self._problems is None:
                raise
            self._problems.append(Note("error", exc.line, exc.message))

    def _reader(self, cascade: Cascade) -> StyleReader:
        return StyleReader(
            cascade, self.fonts, self._fallbacks, self._emoji, self._label, self.viewport, substitutes=self._substitutes
        )

    def _read_texts(self, elements: list[etree._Element], reader: StyleReader) -> tuple[TextSlot, ...]:
        """Every ``<text>`` as the reader's cascade sets it."""
        by_id = {e.get("id"): e for e in elements if isinstance(e.tag, str) and e.get("id")}
        slots = []
        for index, field, guide in self._texts:
            with self._collecting():
                slots.append(
                    read_text_slot(
                        elements[index],
                        reader,
                        field=field,
                        index=index,
                        guide=guide,
                        frames=by_id,
                        run_field=_tspan_field,
                    )
                )
        return tuple(slots)

    def _check_field_name(self, name: str, attribute: str, element: etree._Element) -> None:
        if not FIELD_NAME.fullmatch(name):
            raise element_error(f"{attribute} needs a field name, got {name!r}", self._label, element)

    @staticmethod
    def _placeholder_names(elements: list[etree._Element]) -> dict[int, str]:
        """Field names of placeholder elements, by document index (Figma duplicates folded)."""
        names: dict[int, str] = {}
        position = {id(element): index for index, element in enumerate(elements)}

        def candidate(element: etree._Element) -> bool:
            # Texts, images, and shapes that may be Figma image fills (a pattern).
            if element.tag == IMAGE and any(a.tag in (DEFS, PATTERN) for a in element.iterancestors()):
                return False  # the picture behind a pattern fill: the shape is the field
            return element.tag in (TEXT, IMAGE) or "url(#" in (element.get("fill") or element.get("style") or "")

        for index, element in enumerate(elements):
            if not isinstance(element.tag, str):
                continue
            if candidate(element):
                name = _label_or_id(element)
                if name is not None:
                    names.setdefault(index, name)
            elif element.tag == GROUP and (name := _label_or_id(element)) is not None:
                # Figma puts the name of a layer with an effect on the <g filter>
                # around it: a group holding one unnamed placeholder names it.
                inner = [e for e in element.iter() if e is not element and isinstance(e.tag, str) and candidate(e)]
                if len(inner) == 1 and _label_or_id(inner[0]) is None:
                    names[position[id(inner[0])]] = name
        taken = set(names.values())
        for index, name in names.items():
            match = _FIGMA_DUPLICATE.fullmatch(name)
            if match and match.group(1) in taken:
                names[index] = match.group(1)
        return names

    def _dynamic_indexes(self, elements: list[etree._Element]) -> set[int]:
        """Indexes of the elements fields change: texts, images, guides, and references (which may show them)."""
        # A text no field fills is as static as a shape.
        dynamic = {slot.index for slot in self.text_slots if not _fixed_text(slot)} | set(self._guide_indexes)
        dynamic |= {i.index for i in self.image_slots} | {i.shape for i in self.image_slots if i.shape is not None}
        dynamic |= {index for index, element in enumerate(elements) if element.tag == USE}
        return dynamic

    def _static_prefix(self, root: etree._Element, elements: list[etree._Element]) -> int:
        """How many leading children of the root no text, image or reference touches.

        Those children make the *static layer*: drawn once per set of
        layer-field values and reused (see :meth:`fill_layers`). Nothing is
        static when the root itself has effects that apply to its whole
        drawing (a transform, opacity, filter, mask or clip).
        """
        if any(root.get(name) is not None for name in ("transform", "opacity", "filter", "mask", "clip-path", "style")):
            return 0
        static = _static_test(elements, self._dynamic_indexes(elements))
        count = 0
        for child in root:
            if not static(child):
                break
            count += 1
        return count

    def _static_pieces(self, root: etree._Element, elements: list[etree._Element]) -> tuple[int, ...]:
        """Indexes of the static elements past the static layer that plain groups hold: *pieces*.

        A piece is drawn once per layer key and its pixels composited in its
        place among the dynamic elements (see :mod:`svgog.direct`).
        """
        if not self._static_count:
            return ()
        static = _static_test(elements, self._dynamic_indexes(elements))
        position = {id(element): index for index, element in enumerate(elements)}
        pieces: list[int] = []

        def visit(children: Sequence[etree._Element]) -> None:
            for child in children:
                if not _paints(child):
                    continue
                if static(child):
                    pieces.append(position[id(child)])
                elif child.tag == GROUP:
                    visit(list(child))

        visit(list(root)[self._static_count :])
        return tuple(pieces)

    def _guides(
        self, elements: list[etree._Element], reader: StyleReader
    ) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
        """Rectangles named ``<field>-box`` (or ``_box``): the boxes of texts without ``og:width``."""
        guides = {}
        for index, element in enumerate(elements):
            name = _label_or_id(element) if element.tag == RECT else None
            if name is None or not name.endswith(("-box", "_box")):
                continue
            with self._collecting():
                guides[name[:-4]] = (index, rect_box(element, reader, self._label))
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
            for run_field in slot.run_fields:
                add(run_field, "text", slot.run_default(run_field), slot.line)
        for image in self.image_slots:
            add(image.field, "image", None, image.line)
        for attribute in self.attribute_slots:
            add(attribute.field, ATTRIBUTE_PLACEHOLDERS[attribute.attribute], None, attribute.line)
        for condition in self.conditions:
            add(condition.field, "flag", None, condition.line)
        declared = {spec.name: spec for spec in self.info.fields}
        fields: dict[str, Field] = {}
        for name, kind in kinds.items():
            found = declared.pop(name, None)
            spec = found or FieldSpec(name)
            # Samples are for previews: a declared field has only its declared
            # default; an undeclared text layer keeps the design's own text.
            default = spec.default if found is not None else defaults.get(name)
            fields[name] = Field(
                name, kind, default, spec.sample, spec.required, spec.max_length, spec.allowed, spec.description,
                declared=found is not None,
            )  # fmt: skip
        for spec in declared.values():
            raise TemplateError(
                f"field {spec.name!r} is declared but no element uses it", template=self._label, line=spec.line
            )
        return fields

    # -- filling ---------------------------------------------------------

    def effective(self, values: Mapping[str, str], name: str) -> str:
        """A field's value for conditions: given, else its default, else what the template draws unset."""
        if name in values:
            return values[name]
        field = self.fields.get(name)
        if field is not None and field.default is not None:
            return field.default
        if field is not None and field.declared:
            return ""
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
        if not raster:
            _strip_template_markup(root)
            _strip_active_content(root)
        return etree.tostring(root, encoding="utf-8", xml_declaration=False), reports

    def fill_layers(
        self, values: Mapping[str, str], images: Mapping[str, str] | None = None
    ) -> tuple[etree._Element, tuple[FitReport, ...], StaticLayer | None]:
        """Fill for rasterizing, split into a reusable static layer and the rest.

        The static layer is the leading run of root children that no text,
        image or reference touches (see :meth:`_static_prefix`); it depends
        only on the template and the values of the fields that set
        attributes or conditions, so a raster step can draw it once per key
        and draw only the rest over it. ``"over"`` compositing is
        associative, so the picture is the same as drawing the whole document.
        Static elements past the layer are marked ``og:piece`` (see
        :meth:`_static_pieces`).

        :returns: The document (its root element) without the static layer's
            painting elements, the fit reports, and the static layer
            (``None`` when there is none).
        """
        images = images or {}
        root, reports = self._fill_tree(values, images, True)
        if not self._static_count:
            return root, reports, None
        for child in list(root):
            if child.get(_STATIC_MARK) is not None:
                if _paints(child):
                    root.remove(child)
                else:
                    del child.attrib[_STATIC_MARK]
        key_parts = [
            self.version,
            self._drawing_key,
            str(self.path),
            repr([(f, self.effective(values, f)) for f in self._layer_fields]),
        ]
        key = hashlib.sha256("\0".join(key_parts).encode("utf-8", "surrogatepass")).hexdigest()

        def document(pieces: Sequence[int] = ()) -> bytes:
            """The static layer, or (with ``pieces``) only those static elements, in their places."""
            static, _ = self._fill_tree(values, images, True, texts=False)
            wanted = {str(index) for index in pieces}
            if not wanted:
                for child in list(static):
                    if child.get(_STATIC_MARK) is None and _paints(child):
                        static.remove(child)
            else:
                _keep_only(static, lambda element: element.get(PIECE_MARK) in wanted)
            return etree.tostring(static, encoding="utf-8", xml_declaration=False)

        return root, reports, StaticLayer(key, document)

    def _variant(self, values: Mapping[str, str]) -> _Variant:
        """The template with these values' attribute fields applied and its cascade resolved (cached)."""
        key = tuple((name, values.get(name, self.fields[name].default)) for name in self._attribute_fields)
        with self._variants_lock:
            found = self._variants.get(key)
        if found is not None:
            return found
        root = parse_svg(self._source, self._label)
        elements = list(root.iter())
        for attribute in self.attribute_slots:
            value = dict(key).get(attribute.field)
            if value is not None:
                _set_property(elements[attribute.index], attribute.attribute, value)
        cascade = Cascade(root)
        # The text slots read at load time saw the template as designed;
        # attribute fields that change classes or styles may restyle texts.
        changed = any(value is not None for _, value in key)
        text_slots = self._read_texts(elements, self._reader(cascade)) if changed else self.text_slots
        cascade.inline()
        found = _Variant(etree.tostring(root, encoding="utf-8"), text_slots)
        with self._variants_lock:
            self._variants[key] = found
        return found

    def _unset(self, name: str) -> str | None:
        """What an unset text field draws: its declared default, empty when declared without one,
        ``None`` (the template's own text) when the metadata does not declare it."""
        field = self.fields[name]
        if field.declared:
            return field.default if field.default is not None else ""
        return None

    def _text_value(self, slot: TextSlot, values: Mapping[str, str]) -> StyledText:
        """What a text draws: its field's value (or the unset value), else its own runs with run fields filled."""
        if slot.field is not None:
            whole = values[slot.field] if slot.field in values else self._unset(slot.field)
            return slot.styled(values, whole)
        runs = {name: values[name] if name in values else self._unset(name) for name in slot.run_fields}
        return slot.styled({name: value for name, value in runs.items() if value is not None})

    def _fill_tree(
        self, values: Mapping[str, str], images: Mapping[str, str], raster: bool, *, texts: bool = True
    ) -> tuple[etree._Element, tuple[FitReport, ...]]:
        variant = self._variant(values)
        root = parse_svg(variant.source, self._label)
        for child in root[: self._static_count]:
            child.set(_STATIC_MARK, "")
        elements = list(root.iter())
        if raster:
            for index in self._pieces:
                elements[index].set(PIECE_MARK, str(index))
        for index in self._guide_indexes:
            guide = elements[index]
            if guide.getparent() is not None:
                guide.getparent().remove(guide)
        for condition in self.conditions:
            element = elements[condition.index]
            if not condition.keeps(self.effective(values, condition.field)) and element.getparent() is not None:
                element.getparent().remove(element)
        for image in self.image_slots:
            uri = images.get(image.field)
            element = elements[image.index]
            field = self.fields[image.field]
            if uri is None and image.field not in values and field.declared and field.default:
                # A declared default names a picture beside the template, as the template's own href does.
                uri = field.default
            if uri is not None:
                element.attrib.pop(f"{{{XLINK_NS}}}href", None)
                element.set("href", uri)
            elif (
                values.get(image.field) == ""
                or not self._originals.get(image.field)
                or (image.field not in values and field.declared)
            ):
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
        for slot in variant.text_slots:
            fixed = _fixed_text(slot)
            if not texts and not fixed:
                continue
            element = elements[slot.index]
            if not _attached(element, root):
                continue
            laid = variant.static_texts.get((slot.index, raster)) if fixed else None
            if laid is None:
                laid_out = typeset(
                    self._text_value(slot, values),
                    slot.spec,
                    slot.styles,
                    field=slot.field or next(iter(slot.run_fields), None),
                    substitutions=slot.substitutions,
                    element=slot.element_id,
                )
                group = replacement_group(element)
                draw(laid_out, group, self._emoji, raster=raster)
                report = replace(laid_out.report, line=slot.line)
                if report.ink is not None:
                    report = replace(report, ink=_to_canvas(report.ink, element, root))
                if fixed:
                    variant.static_texts[(slot.index, raster)] = (deepcopy(group), report)
            else:
                group, report = deepcopy(laid[0]), laid[1]
            for mark in (_STATIC_MARK, PIECE_MARK):  # a static text is a static element
                if element.get(mark) is not None:
                    group.set(mark, element.get(mark))
            element.getparent().replace(element, group)
            reports.append(report)
        return root, tuple(reports)


def _to_canvas(
    box: tuple[float, float, float, float], element: etree._Element, root: etree._Element
) -> tuple[float, float, float, float] | None:
    """A box in an element's coordinates, in the root's user units (``None`` through a rotation or skew)."""
    left, top, right, bottom = box
    node: etree._Element | None = element
    while node is not None and node is not root:
        if node.tag == f"{{{SVG_NS}}}svg":
            return None  # a nested viewport: its own coordinates
        scaled = axis_aligned(node.get("transform"))
        if scaled is None:
            return None
        sx, sy, tx, ty = scaled
        xs, ys = (left * sx + tx, right * sx + tx), (top * sy + ty, bottom * sy + ty)
        left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
        node = node.getparent()
    return left, top, right, bottom


def _text_name(slot: TextSlot) -> str:
    """How a note names a text: its field, else its id."""
    name = slot.field or next(iter(slot.run_fields), None)
    if name is not None:
        return f"text field {name!r}"
    return f"text #{slot.element_id}" if slot.element_id else "text"


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
    :ivar document: Builds the layer's SVG document (called on a cache miss
        only); given element indexes, a document of only those static pieces.
    """

    key: str
    document: Callable[..., bytes]


# Elements that define things for others and draw nothing themselves.
_NON_PAINTING = frozenset(
    f"{{{SVG_NS}}}{tag}"
    for tag in (
        "defs", "style", "linearGradient", "radialGradient", "pattern", "clipPath", "mask", "filter",
        "symbol", "marker", "metadata", "title", "desc",
    )
)  # fmt: skip
_STATIC_MARK = f"{{{OG_NS}}}static"


def _strip_template_markup(root: etree._Element) -> None:
    """Remove what makes a document a template (``og:`` attributes, field declarations) from a filled one.

    A filled document is a picture: its fields are filled, and reading it as
    a template again would find declarations of fields it no longer has.
    """
    for block in root.findall(f"{{{SVG_NS}}}metadata/{{{OG_NS}}}template"):
        block.getparent().remove(block)
    prefix = f"{{{OG_NS}}}"
    for element in root.iter():
        if isinstance(element.tag, str):
            for name in [name for name in element.attrib if name.startswith(prefix)]:
                del element.attrib[name]


# Elements that run code or load documents, in any namespace (an XHTML
# <script> in a <foreignObject> runs as well as an SVG one).
_ACTIVE_ELEMENTS = frozenset({"script", "handler", "listener", "iframe", "frame", "object", "embed", "applet"})
_ANIMATIONS = frozenset({"set", "animate"})
# Schemes that run code where a URL is followed. Browsers drop ASCII tabs,
# newlines and leading controls from URLs first: ``java\tscript:`` runs too.
_SCRIPT_URL = re.compile(r"(?:javascript|vbscript|livescript):")
_URL_NOISE = re.compile(r"[\x00-\x20]+")


def _strip_active_content(root: etree._Element) -> None:
    """Remove what could run in a browser from a filled document: svgog emits pictures, never programs.

    A template is trusted, but its filled SVG is served to browsers and may be
    inlined in someone's page: ``<script>`` (and frames, objects, embeds),
    event handler attributes (``onload``…), ``srcdoc``, ``javascript:`` URLs
    in any attribute, and animations that would set an ``href`` or a handler
    are all removed.
    """
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        target = (element.get("attributeName") or "").rpartition(":")[2].lower()
        if local.lower() in _ACTIVE_ELEMENTS or (local in _ANIMATIONS and (target == "href" or target.startswith("on"))):
            doomed.append(element)
            continue
        for name, value in list(element.attrib.items()):
            attribute = etree.QName(name).localname.lower()
            if attribute.startswith("on") or attribute == "srcdoc" or _SCRIPT_URL.match(_URL_NOISE.sub("", value).lower()):
                del element.attrib[name]
    for element in doomed:
        parent = element.getparent()
        if element.tail:  # text after it stays where it was
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def _fixed_text(slot: TextSlot) -> bool:
    """Whether no field fills a text: it draws the same in every rendering of a variant."""
    return slot.field is None and not slot.run_fields


def _paints(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag not in _NON_PAINTING


def _static_test(elements: list[etree._Element], dynamic: set[int]) -> Callable[[etree._Element], bool]:
    """Whether an element's subtree holds none of the ``dynamic`` indexes."""
    position = {id(element): index for index, element in enumerate(elements)}
    ordered = sorted(dynamic)

    def static(element: etree._Element) -> bool:
        start = position[id(element)]
        end = start + sum(1 for _ in element.iter())
        # The subtree is a contiguous range of document order.
        return not any(start <= index < end for index in ordered)

    return static


def _keep_only(root: etree._Element, wanted: Callable[[etree._Element], bool]) -> None:
    """Remove every painting element except the wanted ones and the groups that hold them."""

    def holds(element: etree._Element) -> bool:
        return any(wanted(e) for e in element.iter() if isinstance(e.tag, str))

    for child in list(root):
        if not _paints(child) or wanted(child):
            continue
        if child.tag == GROUP and holds(child):
            _keep_only(child, wanted)
        else:
            root.remove(child)


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


def og_attribute_errors(root: etree._Element, label: str) -> Iterator[TemplateError]:
    """Every misused attribute in the svgog namespace: unknown, or on the wrong element."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in element.attrib:
            if not name.startswith(f"{{{OG_NS}}}"):
                continue
            local = name[len(OG_NS) + 2 :]
            if local not in ALL_ATTRIBUTES:
                known = ", ".join(f"og:{a}" for a in sorted(ALL_ATTRIBUTES))
                yield element_error(f"unknown attribute og:{local} (known: {known})", label, element)
            elif local in ROOT_ATTRIBUTES and element is not root:
                yield element_error(f"og:{local} belongs on the root <svg> element", label, element)
            elif local in TEXT_ATTRIBUTES and local != "fit" and element.tag != TEXT:
                yield element_error(f"og:{local} belongs on a <text> element", label, element)
