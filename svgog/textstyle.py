"""The style of a text run, read from a template's cascade.

For each element that holds drawn text (a ``<text>`` or a ``<tspan>``), its
computed font (matched among the renderer's fonts, with the fallback chain
behind it), size, letter spacing, ``text-transform`` and paint. A family the
renderer does not have falls back to the next one in the ``font-family``
list (a generic family there means the default family), then to the first
family of the template's ``og:fallback-fonts``, then of the renderer's
``fallback_fonts``, that has the text's characters, then to the default
family; the substitution is reported, naming what draws. An italic the
family lacks is slanted, as browsers do.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from .css import Cascade, family_list
from .errors import FontError
from .fonts import GENERIC_FAMILIES, FontFace, FontRegistry
from .styles import element_error
from .text.decoration import DECORATIONS as DECORATION_LINES
from .text.emoji import EmojiSet
from .text.runs import FontChain
from .text.styled import RunStyle
from .units import LengthError, parse_length, to_user_units, viewport_reference
from .xmlsafe import XLINK_NS as XLINK

__all__ = ["OBLIQUE_SHEAR", "StyleReader"]

#: The horizontal shear of a synthesized italic: a quarter, as Chromium slants (about 14 degrees).
OBLIQUE_SHEAR = 0.25
_FONT_SIZES = {
    "xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0, "x-large": 24.0,
    "xx-large": 32.0, "xxx-large": 48.0,
}  # fmt: skip
_WEIGHTS = {"normal": 400, "bold": 700}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: ``font-stretch`` keywords in percent (CSS Fonts 4).
_STRETCHES = {
    "ultra-condensed": 50.0, "extra-condensed": 62.5, "condensed": 75.0, "semi-condensed": 87.5, "normal": 100.0,
    "semi-expanded": 112.5, "expanded": 125.0, "extra-expanded": 150.0, "ultra-expanded": 200.0,
}  # fmt: skip
#: Properties that paint glyphs, as they may differ between the runs of one text.
PAINT_PROPERTIES = (
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "paint-order",
)  # fmt: skip
_PAINT_INITIAL = {"fill": "black", "stroke": "none"}
# Family lists that start with one of these ask for "a sans-serif": svgog's default family is one.
_SANS = frozenset({"sans-serif", "system-ui", "ui-sans-serif", "-apple-system", "blinkmacsystemfont"})
# At most this many of a text's characters decide whether a fallback family can stand in for a missing one.
_PROBE_CHARS = 32


def _bolder(parent: int) -> int:
    return 400 if parent < 350 else 700 if parent < 550 else 900


def _lighter(parent: int) -> int:
    return 100 if parent < 550 else 400 if parent < 750 else 700


@dataclass
class StyleReader:
    """Reads the run styles of one template's texts.

    :param cascade: The template's cascade.
    :param fonts: The fonts the template may use (the renderer's, plus its own ``@font-face`` fonts).
    :param fallbacks: Families tried after a text's own list, in order: the template's
        ``og:fallback-fonts``, the renderer's ``fallback_fonts``, then the registry's
        :meth:`~svgog.fonts.FontRegistry.fallback_families`.
    :param viewport: Width and height of the viewport in user units (for percentages).
    :param substitutes: The families chosen to stand in for a missing one (the template's
        ``og:fallback-fonts``, then the renderer's ``fallback_fonts``); by default the
        head of ``fallbacks`` before the registry's own fallback families.
    """

    cascade: Cascade
    fonts: FontRegistry
    fallbacks: Sequence[str]
    emoji: EmojiSet | None
    label: str
    viewport: tuple[float, float]
    substitutes: Sequence[str] | None = None
    _sizes: dict[etree._Element, float] = field(default_factory=dict)
    _weights: dict[etree._Element, int] = field(default_factory=dict)
    _chains: dict[
        tuple[tuple[str, ...], int, str, float, str | None, str], tuple[FontChain, tuple[str, ...], bool]
    ] = field(default_factory=dict)
    _ids: dict[str | None, etree._Element] | None = None

    # -- lengths -----------------------------------------------------------

    def font_size(self, element: etree._Element | None) -> float:
        """The computed font size of an element in user units (16 at the root, as CSS's ``medium``)."""
        if element is None:
            return 16.0
        found = self._sizes.get(element)
        if found is not None:
            return found
        parent_size = self.font_size(element.getparent())
        specified = self.cascade.specified(element, "font-size")
        if specified is None or specified.lower() in ("inherit", "unset"):
            size = parent_size
        else:
            keyword = specified.lower()
            if keyword in _FONT_SIZES:
                size = _FONT_SIZES[keyword]
            elif keyword == "larger":
                size = parent_size * 1.2
            elif keyword == "smaller":
                size = parent_size / 1.2
            elif keyword == "initial":
                size = 16.0
            else:
                try:
                    size = to_user_units(specified, font_size=parent_size, percent_of=parent_size)
                except LengthError as exc:
                    raise element_error(f"font-size {specified!r}: {exc}", self.label, element) from exc
        if not 0 < size <= 2000:
            raise element_error(f"font-size {size:g} is outside 0..2000", self.label, element)
        self._sizes[element] = size
        return size

    def length(self, element: etree._Element, name: str, value: str, axis: str = "") -> float:
        """A length on an element in user units: ``em`` of its font size, ``%`` of the viewport along ``axis``."""
        try:
            return to_user_units(
                value,
                font_size=self.font_size(element),
                percent_of=viewport_reference(axis, *self.viewport),
                x_height=self._x_height(element) if value.strip().lower().endswith("ex") else None,
            )
        except LengthError as exc:
            raise element_error(f"{name} {value.strip()[:40]!r}: {exc}", self.label, element) from exc

    def _x_height(self, element: etree._Element) -> float:
        """The x-height of the element's font in user units (what ``1ex`` is)."""
        families = tuple(family_list(self.cascade.value(element, "font-family") or "sans-serif")) or ("sans-serif",)
        face = self._chain(families, self.weight(element), "normal")[0].primary
        return face.x_height / face.units_per_em * self.font_size(element)

    def coordinate(self, element: etree._Element, name: str, value: str) -> float:
        """An ``x``, ``y``, ``dx`` or ``dy`` value in user units."""
        return self.length(element, name, value, "y" if name in ("y", "dy") else "x")

    # -- fonts -------------------------------------------------------------

    def weight(self, element: etree._Element | None) -> int:
        """The computed font weight, 1 to 1000."""
        if element is None:
            return 400
        found = self._weights.get(element)
        if found is not None:
            return found
        specified = (self.cascade.specified(element, "font-weight") or "inherit").strip().lower()
        if specified in ("inherit", "unset"):
            weight = self.weight(element.getparent())
        elif specified == "initial":
            weight = 400
        elif specified == "bolder":
            weight = _bolder(self.weight(element.getparent()))
        elif specified == "lighter":
            weight = _lighter(self.weight(element.getparent()))
        elif specified in _WEIGHTS:
            weight = _WEIGHTS[specified]
        else:
            try:
                weight = round(float(specified))
            except ValueError:
                weight = 0
            if not 1 <= weight <= 1000:
                raise element_error(f"font-weight {specified!r} is not a CSS weight", self.label, element)
        self._weights[element] = weight
        return weight

    def stretch(self, element: etree._Element) -> float:
        """The computed ``font-stretch`` in percent."""
        value = (self.cascade.value(element, "font-stretch") or "normal").strip().lower()
        if value in _STRETCHES:
            return _STRETCHES[value]
        if value.endswith("%"):
            try:
                return min(max(float(value[:-1]), 50.0), 200.0)
            except ValueError:
                pass
        raise element_error(f"font-stretch {value!r} is not a CSS font-stretch", self.label, element)

    def lang(self, element: etree._Element) -> str | None:
        """The element's language (``xml:lang`` or ``lang``, inherited), lower case: it picks
        among fallback fonts (Simplified or Traditional Chinese, Japanese)."""
        node: etree._Element | None = element
        while node is not None:
            value = node.get(_XML_LANG) or node.get("lang")
            if value:
                return value.strip().lower() or None
            node = node.getparent()
        return None

    def _chain(
        self,
        families: tuple[str, ...],
        weight: int,
        style: str,
        stretch: float = 100.0,
        lang: str | None = None,
        probe: str = string.ascii_letters,
    ) -> tuple[FontChain, tuple[str, ...], bool]:
        """The font chain for a request, what was substituted, and whether an italic must be slanted.

        :param probe: Characters of the text: a fallback family stands in for missing ones only if it has them.
        """
        key = (families, weight, style, stretch, lang, probe)
        found = self._chains.get(key)
        if found is not None:
            return found
        notes: list[str] = []
        primary: FontFace | None = None
        faces: list[FontFace] = []
        by_face_name = False
        for position, family in enumerate(families):
            info = self.fonts.find(family, weight, style, stretch=stretch)
            if info is None:
                continue
            face = self.fonts.match(family, weight, style, stretch=stretch)
            if primary is None:
                primary = face
                by_face_name = self.fonts.names_face(family)
                if position > 0 or _generic_other_than_sans(families[0]):
                    notes.append(_substitution(families, families[:position], face))
            faces.append(face)
        if primary is None:
            primary = self._substitute(weight, style, stretch, probe)
            faces.append(primary)
            notes.append(_substitution(families, families, primary))
        for family in self.fallbacks:
            if self.fonts.find(family, weight, style) is not None:
                faces.append(self.fonts.match(family, weight, style))
        slanted = style in ("italic", "oblique") and primary.info.style == "normal"
        if slanted:
            notes.append(f"{primary.info.family} has no {style} face: slanted as browsers do")
        weight_of = getattr(primary.info, "weight", weight)
        # A full or PostScript name ("Inter-Bold", as Illustrator writes) picks its face: its weight is the design's.
        if abs(weight_of - weight) >= 200 and not _variable(primary) and not by_face_name:
            notes.append(f"{primary.info.family} has no weight {weight}: drawn at {weight_of}")
        fallback_face = getattr(self.fonts, "fallback_face", None)
        fallback = (
            (lambda cluster: fallback_face(cluster, weight, style, lang=lang)) if fallback_face is not None else None
        )
        found = (FontChain(faces, self.emoji, fallback), tuple(notes), slanted)
        self._chains[key] = found
        return found

    def _substitute(self, weight: int, style: str, stretch: float, probe: str) -> FontFace:
        """The face that draws a text none of whose families is registered.

        The first family of :meth:`_substitutes` with every character of ``probe`` (so a script
        fallback such as Noto Sans Arabic does not stand in for a Latin title), else the default family.
        """
        for family in self._substitutes():
            if self.fonts.find(family, weight, style, stretch=stretch) is None:
                continue
            face = self.fonts.match(family, weight, style, stretch=stretch)
            if face.covers(probe):
                return face
        default = self.fonts.default_family
        if default is None:
            raise FontError("no fonts are registered")
        return self.fonts.match(default, weight, style, stretch=stretch)

    def _substitutes(self) -> tuple[str, ...]:
        """The families chosen to stand in for missing ones: ``og:fallback-fonts``, then ``fallback_fonts``.

        Unless given, they are the head of :attr:`fallbacks`: the registry's own fallback
        families (fonts merely added, script fallbacks) end that list and are not chosen.
        """
        if self.substitutes is not None:
            return tuple(self.substitutes)
        chain = tuple(self.fallbacks)
        automatic = tuple(self.fonts.fallback_families())
        head = len(chain) - len(automatic)
        if head >= 0 and chain[head:] == automatic:
            return chain[:head]
        # The registry changed after the list was made: leave out whatever it would add by itself.
        return tuple(family for family in chain if family not in automatic)

    def run_style(
        self, element: etree._Element, base_size: float, text: etree._Element
    ) -> tuple[RunStyle, tuple[str, ...]]:
        """The style of the text ``element`` holds, relative to a text of ``base_size``.

        :param text: The ``<text>`` element; paint that equals its own is left to its group.
        :returns: The style and the font substitutions it needed.
        """
        families = tuple(family_list(self.cascade.value(element, "font-family") or "sans-serif")) or ("sans-serif",)
        style_value = (self.cascade.value(element, "font-style") or "normal").strip().lower().split()
        style = style_value[0] if style_value and style_value[0] in ("italic", "oblique") else "normal"
        try:
            chain, notes, slanted = self._chain(
                families, self.weight(element), style, self.stretch(element), self.lang(element), _probe(element)
            )
        except FontError as exc:
            raise element_error(exc.message, self.label, element) from exc
        size = self.font_size(element)
        spacing_px, spacing_em = self._letter_spacing(element, size)
        transform = (self.cascade.value(element, "text-transform") or "none").strip().lower()
        if transform not in ("none", "uppercase", "lowercase", "capitalize"):
            message = f"text-transform {transform!r} is not none, uppercase, lowercase or capitalize"
            raise element_error(message, self.label, element)
        paint = []
        if element is not text:
            for name in PAINT_PROPERTIES:
                own = self._paint(element, name)
                if own != self._paint(text, name):
                    paint.append((name, own if own is not None else _PAINT_INITIAL.get(name, "initial")))
        decorations: list[str] = []
        node: etree._Element | None = element
        while node is not None:
            # Decorations are not inherited, but draw through every run inside the element that sets them.
            for name in ("text-decoration-line", "text-decoration"):
                declared = self.cascade.specified(node, name)
                if declared:
                    decorations.extend(w for w in declared.lower().split() if w in DECORATION_LINES)
                    break
            if node is text:
                break
            node = node.getparent()
        stroke = self._paint(element, "stroke")
        stroke_width = None
        if stroke is not None and stroke.lower() != "none":
            width_text = self.cascade.value(element, "stroke-width") or "1"
            stroke_width = self.length(element, "stroke-width", width_text)
        return (
            RunStyle(
                chain=chain,
                scale=size / base_size if base_size else 1.0,
                letter_spacing_px=spacing_px,
                letter_spacing_em=spacing_em * base_size / size if size else 0.0,
                transform=transform,
                oblique=OBLIQUE_SHEAR if slanted else 0.0,
                paint=tuple(paint),
                stroke_width=stroke_width,
                decorations=tuple(dict.fromkeys(decorations)),
                user_space=any(self._user_space(self._paint(element, name)) for name in ("fill", "stroke")),
            ),
            notes,
        )

    def _user_space(self, paint: str | None) -> bool:
        """Whether a paint is a server laid out in user space: a ``userSpaceOnUse`` gradient or a pattern."""
        if not paint or "url(" not in paint:
            return False
        if self._ids is None:
            self._ids = {e.get("id"): e for e in self.cascade.root.iter() if isinstance(e.tag, str) and e.get("id")}
        target = self._ids.get(paint.split("#", 1)[-1].split(")", 1)[0].strip("'\" "))
        seen = 0
        while target is not None and seen < 8:  # gradients inherit their units through href
            local = target.tag.rsplit("}", 1)[-1]
            if local == "pattern":
                return True
            units = target.get("gradientUnits")
            if units is not None:
                return units == "userSpaceOnUse"
            href = target.get("href") or target.get(f"{{{XLINK}}}href") or ""
            target = self._ids.get(href.lstrip("#")) if href.startswith("#") else None
            seen += 1
        return False

    def _paint(self, element: etree._Element, name: str) -> str | None:
        value = self.cascade.value(element, name)
        if value is not None and value.strip().lower() == "currentcolor":
            return self.cascade.value(element, "color") or "black"
        return value

    def _letter_spacing(self, element: etree._Element, size: float) -> tuple[float, float]:
        """``letter-spacing`` as (pixels, em of the element's size); ``normal`` is none."""
        text = (self.cascade.value(element, "letter-spacing") or "normal").strip().lower()
        if text == "normal":
            return 0.0, 0.0
        try:
            number, unit = parse_length(text)
        except LengthError as exc:
            raise element_error(f"letter-spacing {text!r}: {exc}", self.label, element) from exc
        if unit == "em":
            return 0.0, number
        if unit == "%":
            return 0.0, number / 100
        return self.length(element, "letter-spacing", text), 0.0


def _probe(element: etree._Element) -> str:
    """The characters a stand-in font must have: the letters and digits of the element's text as designed,
    or the Latin alphabet when it has none (a field left empty for its value)."""
    chars = sorted({char for char in "".join(element.itertext()) if char.isalnum()})
    return "".join(chars[:_PROBE_CHARS]) or string.ascii_letters


def _variable(face: FontFace) -> bool:
    """Whether a face is an instance of a variable font (drawn at the weight asked for, within its range)."""
    return bool(face.info.axes)


def _generic_other_than_sans(family: str) -> bool:
    """Whether a family is a generic one svgog's default (sans-serif) family does not answer."""
    key = family.casefold()
    return key in GENERIC_FAMILIES and key not in _SANS


def _substitution(families: Sequence[str], skipped: Sequence[str], face: FontFace) -> str:
    """One sentence: which requested families are missing and what draws instead."""
    listed = ", ".join(f'"{f}"' if f.casefold() not in GENERIC_FAMILIES else f for f in families)
    named = [f'"{f}"' for f in skipped if f.casefold() not in GENERIC_FAMILIES]
    if named:
        missing = f"{', '.join(named)} {'is' if len(named) == 1 else 'are'} not registered"
        fix = (
            "; add the font (svgog --fonts DIR, Renderer(fonts=...)) "
            "or name a registered family in font-family or og:fallback-fonts"
        )
    else:
        missing = f"{skipped[0] if skipped else families[0]} means svgog's default family"
        fix = ""
    return f"font-family {listed}: {missing}, drawn with {face.info.family}{fix}"
