"""Checking a template before it ships: ``svgog check`` and :meth:`Renderer.check`.

Every problem is reported, with the file and line it is on, not only the
first. Errors make a template unusable or wrong: it fails to load, an
element misuses an ``og:`` attribute, it references a file or URL that will
never be fetched, declares a field no element uses, or fails to render its
samples. Warnings say where the picture will differ from the design: a font
the renderer does not have (and what draws instead), CSS or a filter svgog
does not apply, a text field without a box, a sample that does not fit, text
that runs off the canvas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from .errors import SvgogError, TemplateError
from .notes import Note
from .xmlsafe import SVG_NS, XLINK_NS, parse_svg

if TYPE_CHECKING:
    from .renderer import Renderer

__all__ = ["Problem", "check_template"]

_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
_LINK = f"{{{SVG_NS}}}a"
# How far (user units) ink may cross the canvas edge before it counts as running off.
_EDGE_SLACK = 1.0


@dataclass(frozen=True)
class Problem:
    """One finding of the checker."""

    level: str
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.level}: {self.message}"


def _references(element: etree._Element) -> Iterator[str]:
    """What an element will make the renderer load (a link's target is not loaded, only linked)."""
    if element.tag != _LINK:
        for name in ("href", f"{{{XLINK_NS}}}href"):
            value = element.get(name)
            if value:
                yield value.strip()
    for name, value in element.attrib.items():
        if name not in ("href", f"{{{XLINK_NS}}}href"):
            yield from (match.strip() for match in _URL.findall(value))


def _external(reference: str) -> bool:
    """Whether CairoSVG will refuse to load a reference at render time."""
    if reference.startswith(("#", "data:")):
        return False
    lowered = reference.lower()
    return lowered.startswith(("http:", "https:", "file:", "ftp:", "//", "/")) or ".." in reference.split("/")


def check_template(path: Path, renderer: Renderer) -> list[Problem]:
    """Check one template file; render its sample values with ``renderer``.

    ``renderer`` supplies the fonts and settings the template is checked with.
    """
    label = str(path)
    problems: list[Problem] = []

    def report(level: str, line: int | None, message: str) -> None:
        problem = Problem(level, label, line, message)
        if problem not in problems:
            problems.append(problem)

    try:
        root = parse_svg(path.read_bytes(), label)
    except OSError as exc:
        report("error", None, f"cannot read: {exc.strerror}")
        return problems
    except TemplateError as exc:
        report("error", exc.line, exc.message)
        return problems

    for element in root.iter():
        if isinstance(element.tag, str):
            for reference in _references(element):
                if _external(reference):
                    report("error", element.sourceline, f"external reference {reference[:80]!r} will not be loaded")

    collected: list[Note] = []
    try:
        template = renderer.load(path, problems=collected)
    except SvgogError as exc:
        for note in collected:
            report(note.level, note.line, note.message)
        report("error", getattr(exc, "line", None), getattr(exc, "message", str(exc)))
        return problems
    for note in (*collected, *template.notes):
        report(note.level, note.line, note.message)
    for slot in template.text_slots:
        name = slot.field or next(iter(slot.run_fields), None)
        if name is not None and slot.spec.width is None:
            message = (
                f"text field {name!r} has no box (og:width, an Inkscape text frame, or a {name}-box rectangle): "
                "its lines are never wrapped"
            )
            report("warning", slot.line, message)

    samples = {name: field.sample for name, field in template.fields.items() if field.sample is not None}
    try:
        result = renderer.render_template(template, samples)
    except SvgogError as exc:
        report("error", None, f"rendering the sample values failed: {exc}")
        return problems
    for fit in result.reports:
        line = fit.line
        if fit.field and fit.truncated and fit.field in samples:
            report("warning", line, f"the sample of {fit.field!r} does not fit its box (truncated)")
        if fit.missing:
            report("warning", line, f"no font draws {''.join(fit.missing)!r} in {fit.field!r}")
        if fit.ink is not None:
            left, top, right, bottom = fit.ink
            width, height = template.viewport
            if left < -_EDGE_SLACK or top < -_EDGE_SLACK or right > width + _EDGE_SLACK or bottom > height + _EDGE_SLACK:
                what = f"text {fit.label}" if fit.field else fit.label
                report("warning", line, f"{what} runs off the canvas ({', '.join(fit.lines)[:60]!r})")
    return problems
