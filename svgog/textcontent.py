"""What a template's ``<text>`` says: its lines, their styled runs, where the design put them.

Design tools write a text's lines and style changes as ``<tspan>`` elements,
each in its own dialect:

- Inkscape: one ``<tspan sodipodi:role="line" x y>`` per line, styled runs as
  nested tspans with a ``style``;
- Figma: one ``<tspan x y>`` per line (its x already aligned: Figma never
  writes ``text-anchor``), a styled run as another tspan on the same ``y``;
- Illustrator: ``<tspan x="0" y="76.8">`` lines under a ``transform``;
- by hand: ``<tspan x="80" dy="1.2em">`` lines, ``Bello<tspan fill="…">Treno</tspan>``.

A tspan starts a new line when it is an Inkscape line, when it moves to
another ``y``, or when it sets ``x`` together with a non-zero ``dy``; the
line separators U+2028 and U+2029 (Figma's shift-enter) also break lines.
Everything else continues the current line, in the style of the element it
is in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from .styles import SODIPODI_NS, XML_NS
from .text.segment import collapse
from .xmlsafe import SVG_NS

__all__ = ["DesignedLine", "Segment", "read_lines"]

TSPAN = f"{{{SVG_NS}}}tspan"
_LINE_ROLE = f"{{{SODIPODI_NS}}}role"
_XML_SPACE = f"{{{XML_NS}}}space"
#: Elements inside a text whose content is not drawn text.
_SKIPPED = frozenset(f"{{{SVG_NS}}}{tag}" for tag in ("title", "desc", "metadata"))
_LINE_SEPARATORS = ("\u2028", "\u2029")


@dataclass(frozen=True)
class Segment:
    """A stretch of a line drawn in the style of ``element``.

    :ivar field: The field whose value replaces this stretch, when the tspan
        it is in is a field of its own.
    """

    text: str
    element: etree._Element
    field: str | None = None


@dataclass
class DesignedLine:
    """One line of a template's text and where the design placed it (text coordinates)."""

    segments: list[Segment] = field(default_factory=list)
    x: float | None = None
    y: float | None = None

    @property
    def text(self) -> str:
        """The line's characters, white space collapsed."""
        return collapse("".join(s.text for s in self.segments))

    @property
    def blank(self) -> bool:
        """Whether the line draws nothing."""
        return not any(segment.text.strip() for segment in self.segments)


Coordinate = Callable[[etree._Element, str, str], float | None]


@dataclass
class _State:
    """Where reading a text has got to: the current line's y, and Inkscape lines seen."""

    y: float | None
    lines_seen: int = 0


def _first(value: str | None) -> str | None:
    """The first of a list of coordinates (``x="10 20 30"`` places glyphs one by one)."""
    if value is None or not value.strip():
        return None
    return value.replace(",", " ").split()[0]


def read_lines(
    text: etree._Element,
    coordinate: Coordinate,
    field_of: Callable[[etree._Element], str | None] = lambda element: None,
) -> list[DesignedLine]:
    """The lines of a ``<text>``, each with its styled segments and designed position.

    :param coordinate: ``coordinate(element, attribute, value)`` converts an
        ``x``, ``y`` or ``dy`` value of an element to user units.
    :param field_of: The field a tspan fills, if it is a field of its own.
    """
    x = coordinate(text, "x", v) if (v := _first(text.get("x"))) is not None else None
    y = coordinate(text, "y", v) if (v := _first(text.get("y"))) is not None else None
    lines = [DesignedLine(x=x, y=y)]
    state = _State(y)

    def add(chunk: str | None, element: etree._Element, preserve: bool, owner: str | None) -> None:
        if not chunk:
            return
        if not preserve:
            chunk = chunk.replace("\n", "").replace("\r", "")
        chunk = chunk.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        parts = chunk.replace("\u2029", "\u2028").split("\u2028")
        for index, part in enumerate(parts):
            if index:
                lines.append(DesignedLine(x=lines[-1].x))
            if part:
                lines[-1].segments.append(Segment(part, element, owner))

    def starts_line(tspan: etree._Element) -> bool:
        if tspan.get(_LINE_ROLE) == "line":
            state.lines_seen += 1
            return state.lines_seen > 1 or not lines[-1].blank
        if lines[-1].blank:
            return False  # nothing drawn yet: the tspan only places the line
        new_y = _first(tspan.get("y"))
        if new_y is not None:
            value = coordinate(tspan, "y", new_y)
            return state.y is not None and value is not None and abs(value - state.y) > 1e-6
        dy = _first(tspan.get("dy"))
        if dy is not None and tspan.get("x") is not None:
            value = coordinate(tspan, "dy", dy)
            return value is not None and abs(value) > 1e-6
        return False

    def visit(element: etree._Element, preserve: bool, owner: str | None) -> None:
        space = element.get(_XML_SPACE)
        preserve = space == "preserve" if space is not None else preserve
        add(element.text, element, preserve, owner)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in _SKIPPED:
                if child.tag == TSPAN:
                    if starts_line(child):
                        lines.append(DesignedLine(x=lines[-1].x))
                    line = lines[-1]
                    child_x = _first(child.get("x"))
                    child_y = _first(child.get("y"))
                    dy = _first(child.get("dy"))
                    if line.blank:
                        if child_x is not None:
                            line.x = coordinate(child, "x", child_x)
                        if child_y is not None:
                            line.y = coordinate(child, "y", child_y)
                        elif dy is not None and state.y is not None:
                            line.y = state.y + (coordinate(child, "dy", dy) or 0.0)
                    if line.y is not None:
                        state.y = line.y
                visit(child, preserve, field_of(child) or owner)
            add(child.tail, element, preserve, owner)

    visit(text, False, None)
    # Blank lines before the first and after the last drawn line are nothing;
    # blank lines between them are kept (they hold their place).
    drawn = [index for index, line in enumerate(lines) if not line.blank]
    if not drawn:
        return lines[:1]
    return lines[drawn[0] : drawn[-1] + 1]
