"""A contact sheet: every template rendered with its sample values, in one PNG.

The sheet is itself an svgog template built on the fly (labels are drawn as
glyph outlines like any text), rasterized by the same CairoSVG step.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import quoteattr

from .raster import svg_to_png
from .renderer import Renderer
from .template import Template

__all__ = ["contact_sheet"]

_GAP = 48
_LABEL = 44


def contact_sheet(
    renderer: Renderer,
    names: Iterable[str] | None = None,
    *,
    columns: int = 3,
    cell_width: int = 600,
    extra: Mapping[str, Mapping[str, object]] | None = None,
) -> bytes:
    """Render each template (sample values, plus ``extra`` fields per name) into a grid PNG."""
    cells: list[tuple[str, bytes, int, int]] = []
    for name in names if names is not None else renderer.names():
        template = renderer.template(name)
        samples: dict[str, object] = {f: spec.sample for f, spec in template.fields.items() if spec.sample is not None}
        samples.update((extra or {}).get(name, {}))
        scale = cell_width / template.width
        png = renderer.render_template(template, samples, scale=scale).data
        cells.append((f"{name} · {template.width}×{template.height}", png, cell_width, round(template.height * scale)))
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    width = _GAP + columns * (cell_width + _GAP)
    y = 120
    parts: list[str] = []
    for row in rows:
        row_height = max(cell[3] for cell in row)
        for column, (label, png, w, h) in enumerate(row):
            x = _GAP + column * (cell_width + _GAP)
            uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            parts.append(f'<rect x="{x - 1}" y="{y - 1}" width="{w + 2}" height="{h + 2}" rx="6" fill="#cbd5e1"/>')
            parts.append(f'<image x="{x}" y="{y}" width="{w}" height="{h}" href="{uri}"/>')
            parts.append(
                f'<text x="{x}" y="{y + h + 30}" font-family="Inter" font-weight="600" font-size="22" '
                f'fill="#334155">{_escape(label)}</text>'
            )
        y += row_height + _LABEL + _GAP
    height = y
    source = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<rect width="{width}" height="{height}" fill="#f1f5f9"/>'
        f'<text x="{_GAP}" y="78" font-family="Inter" font-weight="700" font-size="40" fill="#0f172a">'
        f"svgog templates</text>{''.join(parts)}</svg>"
    )
    sheet = Template.from_bytes("contact-sheet", source.encode("utf-8"), renderer.fonts)
    svg, _ = sheet.fill({})
    return svg_to_png(svg, width=width, height=height, template="contact-sheet")


def _escape(text: str) -> str:
    return quoteattr(text)[1:-1]
