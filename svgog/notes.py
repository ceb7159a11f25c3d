"""What svgog says about a template: the parts of a design it does not draw as a browser would.

A :class:`Note` is one finding, with the template line it is about. Templates
collect notes when they load (see :attr:`svgog.template.Template.notes`): CSS
that is not applied, fonts that are substituted, filters and other features
svgog does not draw. ``svgog check`` prints them; :class:`~svgog.renderer.RenderResult`
carries them as ``warnings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from .styles import style_declarations
from .xmlsafe import SVG_NS

__all__ = ["Note", "unhonoured_features"]


@dataclass(frozen=True)
class Note:
    """One finding about a template.

    :ivar level: ``"error"`` (the template cannot be used as it is) or ``"warning"``.
    :ivar line: The template line it is about, if known.
    """

    level: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


# Elements CairoSVG does not draw, and what happens instead.
_ELEMENTS = {
    "textPath": "text on a path is drawn along a straight line",
    "foreignObject": "HTML content (<foreignObject>) is not drawn",
    "feImage": None,  # reported with its filter
}
# Properties CairoSVG ignores that change a picture, and when a value matters.
_PROPERTIES = {
    "mix-blend-mode": ("normal",),
    "paint-order": ("normal", "fill", "fill stroke", "fill stroke markers", "normal markers"),
    "writing-mode": ("horizontal-tb", "lr", "lr-tb", "rl", "rl-tb"),
    "isolation": ("auto", "isolate"),
}
_NAMES = {
    "mix-blend-mode": "blend modes (mix-blend-mode) are not drawn: the layer is drawn normally",
    "paint-order": "paint-order is not honoured: the stroke is drawn over the fill",
    "writing-mode": "vertical writing-mode is not supported: the text is set horizontally",
}


def _local(tag: object) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and tag.startswith(f"{{{SVG_NS}}}") else ""


def unhonoured_features(root: etree._Element, label: str) -> Iterator[Note]:
    """Notes for the features of a (filled or unfilled) document svgog does not draw as a browser does.

    Filters svgog cannot draw are among them (see :func:`svgog.filters.unsupported_filters`).
    """
    seen: set[tuple[int | None, str]] = set()

    def note(line: int | None, message: str) -> Iterator[Note]:
        if (line, message) not in seen:
            seen.add((line, message))
            yield Note("warning", line, message)

    for element in root.iter():
        local = _local(element.tag)
        if not local:
            continue
        message = _ELEMENTS.get(local)
        if message:
            yield from note(element.sourceline, message)
        declared = style_declarations(element)
        for name, harmless in _PROPERTIES.items():
            value = declared.get(name, element.get(name))
            if value is not None and value.strip().lower() not in harmless and name in _NAMES:
                yield from note(element.sourceline, f"{_NAMES[name]} ({name}: {value.strip()})")
    if next(root.iter(f"{{{SVG_NS}}}filter"), None) is None:
        return  # svgog.filters (numpy, cairo) is imported only for a document that has filters
    from .filters import unsupported_filters

    for problem in unsupported_filters(root):
        yield from note(problem.line, str(problem))
