"""Checking a template before it ships: ``svgog check`` and :meth:`Renderer.check`.

Problems are reported with the file and line they are on. Errors make a
template unusable or wrong (it fails to load, names a font nobody has,
references a file or URL that will never be fetched, declares a field no
element uses, or fails to render its samples); warnings point at likely
mistakes (a text field without a box, a sample that does not fit).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from .errors import SvgogError, TemplateError
from .styles import prop
from .template import ALL_ATTRIBUTES, RECT, TEXT, _label_or_id
from .xmlsafe import OG_NS, XLINK_NS, parse_svg

if TYPE_CHECKING:
    from .renderer import Renderer

__all__ = ["Problem", "check_template"]

_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


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
        problems.append(Problem(level, label, line, message))

    try:
        root = parse_svg(path.read_bytes(), label)
    except OSError as exc:
        report("error", None, f"cannot read: {exc.strerror}")
        return problems
    except TemplateError as exc:
        report("error", exc.line, exc.message)
        return problems

    names = {_label_or_id(e) for e in root.iter() if isinstance(e.tag, str) and e.tag == RECT}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        line = element.sourceline
        for name in element.attrib:
            if name.startswith(f"{{{OG_NS}}}") and name[len(OG_NS) + 2 :] not in ALL_ATTRIBUTES:
                report("error", line, f"unknown attribute og:{name[len(OG_NS) + 2 :]}")
        for reference in _references(element):
            if _external(reference):
                report("error", line, f"external reference {reference[:80]!r} will not be loaded")
        if element.tag == TEXT:
            families = [f.strip().strip("'\"") for f in (prop(element, "font-family") or "sans-serif").split(",")]
            if renderer.fonts.find(families) is None:
                report("error", line, f"no registered font for font-family {', '.join(families)!r}")
            field = _label_or_id(element)
            boxed = element.get(f"{{{OG_NS}}}width") is not None
            if field and not boxed and f"{field}-box" not in names and f"{field}_box" not in names:
                report("warning", line, f"text field {field!r} has no box (og:width or a {field}-box rectangle)")

    if any(p.level == "error" for p in problems):
        return problems
    try:
        template = renderer.load(path)
    except SvgogError as exc:
        report("error", getattr(exc, "line", None), getattr(exc, "message", str(exc)))
        return problems
    samples = {name: field.sample for name, field in template.fields.items() if field.sample is not None}
    try:
        result = renderer.render_template(template, samples)
    except SvgogError as exc:
        report("error", None, f"rendering the sample values failed: {exc}")
        return problems
    for fit in result.reports:
        if fit.field and fit.truncated and fit.field in samples:
            report("warning", None, f"the sample of {fit.field!r} does not fit its box (truncated)")
        if fit.missing or fit.unshaped:
            report("warning", None, f"no font draws {''.join(fit.missing + fit.unshaped)!r} in {fit.field!r}")
    return problems
