"""The CSS cascade of a template: each element's style, resolved as a browser does.

A property's value on an element comes from, lowest priority first:

1. its presentation attribute (``fill="#fff"``);
2. the rules of the document's ``<style>`` sheets that match the element
   (type, class, id, attribute, descendant and child selectors, and the
   rest of what cssselect2 matches), ordered by specificity, then order;
3. its ``style`` attribute;
4. ``!important`` rules of the sheets, then ``!important`` in ``style``.

Where none gives a value, inherited properties (``fill``, ``font-*``…) take
the parent's. The ``font`` shorthand is expanded into its longhands where it
is declared. Parsing and selector matching are tinycss2's and cssselect2's,
the libraries CairoSVG itself uses.

:meth:`Cascade.inline` writes the result back into the document (every
element's declared values in its ``style`` attribute, the sheets removed), so
that the rasterizer and any browser that opens the filled SVG read the same
styles svgog laid the text out with, whatever their own reading of a sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cssselect2
import tinycss2
from lxml import etree

from .xmlsafe import SVG_NS

__all__ = [
    "INHERITED",
    "Cascade",
    "CssProblem",
    "FontFaceRule",
    "Stylesheet",
    "expand_font",
    "family_list",
    "parse_declarations",
]

STYLE = f"{{{SVG_NS}}}style"

#: Properties whose value passes from parent to child when not set.
INHERITED = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-dasharray", "stroke-dashoffset",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width",
        "color", "color-interpolation", "color-interpolation-filters", "color-rendering", "cursor",
        "direction", "dominant-baseline", "font-family", "font-size", "font-size-adjust", "font-stretch",
        "font-style", "font-variant", "font-weight", "font-variation-settings", "font-feature-settings",
        "font-kerning", "font-variant-ligatures", "font-variant-caps", "font-variant-numeric",
        "glyph-orientation-horizontal", "glyph-orientation-vertical", "image-rendering", "kerning",
        "letter-spacing", "word-spacing", "marker", "marker-start", "marker-mid", "marker-end",
        "paint-order", "pointer-events", "shape-rendering", "text-anchor", "text-rendering", "visibility",
        "writing-mode", "white-space", "line-height", "text-transform", "text-align", "clip-rule",
        "-inkscape-font-specification",
    }
)  # fmt: skip

# Attributes that are geometry or structure, never style, even where SVG 2
# lists a CSS property of the same name: they stay attributes.
_NOT_STYLE_ATTRIBUTES = frozenset({"x", "y", "dx", "dy", "width", "height", "transform", "rotate"})

_FONT_STYLES = frozenset({"italic", "oblique"})
_FONT_WEIGHTS = frozenset({"bold", "bolder", "lighter"})
_FONT_STRETCHES = frozenset(
    {
        "ultra-condensed", "extra-condensed", "condensed", "semi-condensed", "semi-expanded", "expanded",
        "extra-expanded", "ultra-expanded",
    }
)  # fmt: skip
_SYSTEM_FONTS = frozenset({"caption", "icon", "menu", "message-box", "small-caption", "status-bar"})
# CSS properties (not SVG ones) whose lengths need a unit in a style sheet:
# browsers drop ``letter-spacing: 4`` from a <style> rule (Illustrator writes
# it so), while they take it in a ``style`` attribute and take a unitless
# ``stroke-width`` anywhere.
_UNIT_REQUIRED = frozenset({"font-size", "letter-spacing", "word-spacing", "inline-size", "shape-padding"})
# Media a card is drawn for: rules under any other media query do not apply
# (a browser showing the card on a screen in light mode agrees).
_MEDIA = frozenset({"all", "screen"})


@dataclass(frozen=True)
class CssProblem:
    """Something in a template's CSS that svgog does not apply."""

    line: int | None
    message: str


@dataclass(frozen=True)
class FontFaceRule:
    """An ``@font-face`` rule: the family it defines and where its font is.

    :ivar sources: ``(url, format)`` pairs in the order of ``src``.
    :ivar weight: The ``font-weight`` descriptor (one weight or a range), if given.
    """

    family: str
    sources: tuple[tuple[str, str | None], ...]
    weight: int | tuple[int, int] | None
    style: str | None
    line: int | None


Declaration = tuple[str, str, bool]


def _serialize(tokens: Iterable[object]) -> str:
    return tinycss2.serialize(tokens).strip()  # type: ignore[arg-type]


def _family_parts(tokens: list[object]) -> list[str]:
    families: list[str] = []
    current: list[str] = []
    quoted: str | None = None
    for token in tokens:
        kind = getattr(token, "type", None)
        if kind == "literal" and getattr(token, "value", None) == ",":
            if quoted is not None or current:
                families.append(quoted if quoted is not None else " ".join(current))
            current, quoted = [], None
        elif kind == "string":
            quoted = token.value  # type: ignore[attr-defined]
        elif kind == "ident":
            current.append(token.value)  # type: ignore[attr-defined]
    if quoted is not None or current:
        families.append(quoted if quoted is not None else " ".join(current))
    return [family.strip() for family in families if family.strip()]


def family_list(value: str) -> list[str]:
    """A ``font-family`` value as a list of names, quotes removed.

    >>> family_list("'SF Pro Rounded', Inter Display, sans-serif")
    ['SF Pro Rounded', 'Inter Display', 'sans-serif']
    """
    return _family_parts(tinycss2.parse_component_value_list(value))


def expand_font(value: str) -> list[tuple[str, str]] | None:
    """The longhands of a ``font`` shorthand, or ``None`` if it is not one.

    >>> expand_font("italic bold 48px/1.2 'Cal Sans', sans-serif")[:6]
    [('font-style', 'italic'), ('font-variant', 'normal'), ('font-weight', 'bold'), ('font-stretch', 'normal'), ('font-size', '48px'), ('line-height', '1.2')]
    """
    tokens = [t for t in tinycss2.parse_component_value_list(value) if t.type not in ("whitespace", "comment")]
    if len(tokens) == 1 and tokens[0].type == "ident" and tokens[0].lower_value in _SYSTEM_FONTS:
        return None  # system fonts name nothing svgog can draw with
    style = variant = weight = stretch = "normal"
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "ident":
            word = token.lower_value
            if word == "normal":
                pass
            elif word in _FONT_STYLES:
                style = word
            elif word == "small-caps":
                variant = word
            elif word in _FONT_WEIGHTS:
                weight = word
            elif word in _FONT_STRETCHES:
                stretch = word
            else:
                break
        elif token.type == "number" and token.is_integer and 1 <= token.int_value <= 1000 and index + 1 < len(tokens):
            weight = str(token.int_value)
        else:
            break
        index += 1
    if index >= len(tokens):
        return None
    size_token = tokens[index]
    if size_token.type not in ("dimension", "percentage", "number", "ident"):
        return None
    size = _serialize([size_token])
    index += 1
    line_height = "normal"
    if index < len(tokens) and tokens[index].type == "literal" and tokens[index].value == "/":
        if index + 1 >= len(tokens):
            return None
        line_height = _serialize([tokens[index + 1]])
        index += 2
    families = _family_parts(tokens[index:])
    if not families:
        return None
    family = ", ".join(f'"{f}"' if (" " in f or "," in f) else f for f in families)
    return [
        ("font-style", style),
        ("font-variant", variant),
        ("font-weight", weight),
        ("font-stretch", stretch),
        ("font-size", size),
        ("line-height", line_height),
        ("font-family", family),
    ]


def parse_declarations(text: str | list[object]) -> list[Declaration]:
    """``(name, value, important)`` for each declaration, shorthands expanded in place.

    >>> parse_declarations("fill:#fff; font: 700 20px Inter; font-weight: 400 !important")[-1]
    ('font-weight', '400', True)
    """
    result: list[Declaration] = []
    for item in tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration":
            continue
        value = _serialize(item.value)
        if item.lower_name == "font":
            longhands = expand_font(value)
            if longhands is not None:
                result.extend((name, part, item.important) for name, part in longhands)
            continue
        result.append((item.lower_name, value, item.important))
    return result


def _unitless(value: str) -> bool:
    """Whether a value is a bare non-zero number."""
    try:
        return float(value) != 0
    except ValueError:
        return False


def _media_applies(prelude: list[object]) -> bool:
    queries = _serialize(prelude).lower().split(",")
    return any(query.strip() in _MEDIA for query in queries)


def _weight_descriptor(value: str) -> int | tuple[int, int] | None:
    words = value.lower().split()
    named = {"normal": 400, "bold": 700}
    try:
        numbers = [named[w] if w in named else int(float(w)) for w in words]
    except ValueError:
        return None
    if len(numbers) == 1:
        return numbers[0]
    if len(numbers) == 2:
        return (min(numbers), max(numbers))
    return None


def _font_face(content: list[object], line: int | None) -> FontFaceRule | CssProblem:
    descriptors = {name: value for name, value, _ in parse_declarations(content)}
    family = family_list(descriptors.get("font-family", ""))
    if not family:
        return CssProblem(line, "@font-face without a font-family")
    sources: list[tuple[str, str | None]] = []
    for part in tinycss2.parse_component_value_list(descriptors.get("src", "")):
        if part.type == "url":
            sources.append((part.value, None))
        elif part.type == "function" and part.lower_name == "url":
            strings = [t.value for t in part.arguments if t.type == "string"]
            if strings:
                sources.append((strings[0], None))
        elif part.type == "function" and part.lower_name == "format" and sources:
            formats = [t.value for t in part.arguments if t.type in ("string", "ident")]
            if formats:
                sources[-1] = (sources[-1][0], formats[0].lower())
    style = descriptors.get("font-style")
    return FontFaceRule(
        family=family[0],
        sources=tuple(sources),
        weight=_weight_descriptor(descriptors["font-weight"]) if "font-weight" in descriptors else None,
        style=style.split()[0].lower() if style else None,
        line=line,
    )


class Stylesheet:
    """The rules of a document's ``<style>`` elements, ready to match.

    :ivar font_faces: The ``@font-face`` rules, in document order.
    :ivar problems: At-rules and selectors svgog does not apply.
    """

    def __init__(self, root: etree._Element) -> None:
        self._normal = cssselect2.Matcher()
        self._important = cssselect2.Matcher()
        self.font_faces: list[FontFaceRule] = []
        self.problems: list[CssProblem] = []
        self.rule_count = 0
        for element in root.iter(STYLE):
            kind = (element.get("type") or "text/css").strip().lower()
            if kind != "text/css" or not element.text:
                continue
            self._add_rules(tinycss2.parse_stylesheet(element.text, skip_comments=True, skip_whitespace=True), element)

    def __bool__(self) -> bool:
        return self.rule_count > 0

    def _add_rules(self, rules: list[object], element: etree._Element) -> None:
        for rule in rules:
            kind = getattr(rule, "type", None)
            line = (element.sourceline or 0) + max(getattr(rule, "source_line", 1) - 1, 0) or None
            if kind == "qualified-rule":
                self._add_rule(rule, line)
            elif kind == "at-rule":
                keyword = rule.lower_at_keyword  # type: ignore[attr-defined]
                content = rule.content  # type: ignore[attr-defined]
                if keyword == "font-face" and content is not None:
                    face = _font_face(content, line)
                    if isinstance(face, FontFaceRule):
                        self.font_faces.append(face)
                    else:
                        self.problems.append(face)
                elif keyword == "media" and content is not None:
                    if _media_applies(rule.prelude):  # type: ignore[attr-defined]
                        self._add_rules(tinycss2.parse_rule_list(content, True, True), element)
                elif keyword in ("import", "charset", "namespace"):
                    if keyword == "import":
                        self.problems.append(CssProblem(line, "@import is not loaded (put the rules in the template)"))
                else:
                    self.problems.append(CssProblem(line, f"@{keyword} rules are not applied"))
            elif kind == "error":
                self.problems.append(CssProblem(line, f"CSS syntax error: {rule.message}"))  # type: ignore[attr-defined]

    def _add_rule(self, rule: object, line: int | None) -> None:
        declarations = []
        for name, value, flag in parse_declarations(rule.content):  # type: ignore[attr-defined]
            if name in _UNIT_REQUIRED and _unitless(value):
                message = f"{name}: {value} needs a unit in a style sheet; browsers ignore it, and so does svgog"
                self.problems.append(CssProblem(line, message))
                continue
            declarations.append((name, value, flag))
        normal = [(n, v) for n, v, flag in declarations if not flag]
        important = [(n, v) for n, v, flag in declarations if flag]
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)  # type: ignore[attr-defined]
        except cssselect2.SelectorError as exc:
            shown = _serialize(rule.prelude)[:60]  # type: ignore[attr-defined]
            self.problems.append(CssProblem(line, f"selector {shown!r} is not supported ({exc})"))
            return
        for selector in selectors:
            if selector.pseudo_element is not None or selector.never_matches:
                continue
            self.rule_count += 1
            if normal:
                self._normal.add_selector(selector, normal)
            if important:
                self._important.add_selector(selector, important)

    def matching(self, wrapper: cssselect2.ElementWrapper) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Normal and important declarations of the rules matching an element, in cascade order."""
        normal = [d for match in self._normal.match(wrapper) for d in match[3]]
        important = [d for match in self._important.match(wrapper) for d in match[3]]
        return normal, important


class Cascade:
    """Declared and computed style values for every element of one document.

    Build it after the document's classes and attributes have their final
    values (the cascade reads them once).
    """

    def __init__(self, root: etree._Element, sheet: Stylesheet | None = None) -> None:
        self.root = root
        self.sheet = sheet if sheet is not None else Stylesheet(root)
        self._declared: dict[etree._Element, dict[str, str]] = {}
        if self.sheet:
            for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
                element = wrapper.etree_element
                if isinstance(element.tag, str):
                    self._declared[element] = self._cascade(element, wrapper)
        else:
            for element in root.iter():
                if isinstance(element.tag, str) and element.get("style"):
                    self._declared[element] = self._cascade(element, None)
        self._computed: dict[tuple[etree._Element, str], str | None] = {}

    def _cascade(self, element: etree._Element, wrapper: cssselect2.ElementWrapper | None) -> dict[str, str]:
        normal, important = self.sheet.matching(wrapper) if wrapper is not None else ([], [])
        inline = parse_declarations(element.get("style") or "")
        declared: dict[str, str] = {}
        for name, value in normal:
            declared[name] = value
        for name, value, flag in inline:
            if not flag:
                declared[name] = value
        for name, value in important:
            declared[name] = value
        for name, value, flag in inline:
            if flag:
                declared[name] = value
        return declared

    def declared(self, element: etree._Element) -> dict[str, str]:
        """Values set on the element by sheets and its ``style`` attribute, by property."""
        return self._declared.get(element, {})

    def specified(self, element: etree._Element, name: str) -> str | None:
        """The element's own value of a property (declared, else its presentation attribute)."""
        value = self._declared.get(element, {}).get(name)
        if value is None and name not in _NOT_STYLE_ATTRIBUTES:
            value = element.get(name)
        return value.strip() if value is not None else None

    def value(self, element: etree._Element, name: str) -> str | None:
        """The property's value on the element after inheritance, or ``None`` for its initial value."""
        key = (element, name)
        if key in self._computed:
            return self._computed[key]
        value = self.specified(element, name)
        keyword = value.lower() if value is not None else None
        if keyword == "inherit" or (name in INHERITED and keyword in (None, "unset")):
            parent = element.getparent()
            value = self.value(parent, name) if parent is not None else None
        elif keyword in ("initial", "unset"):
            value = None
        self._computed[key] = value
        return value

    def inline(self) -> None:
        """Write the cascade into the document: declared values in ``style``, sheets emptied.

        Presentation attributes stay where they are: a declared value of the
        same property, now in ``style``, overrides them in every renderer, as
        the sheet did. The ``<style>`` elements stay, empty, so that the
        document's elements keep their positions.
        """
        for element in self.root.iter(STYLE):
            element.text = None
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                continue
            declared = self._declared.get(element)
            if declared:
                element.set("style", ";".join(f"{name}:{value}" for name, value in declared.items()))
            elif "style" in element.attrib:
                del element.attrib["style"]
