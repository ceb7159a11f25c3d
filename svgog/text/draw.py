"""Drawing a typeset text as SVG: one ``<path>`` per line and face, emoji as images.

Glyph coordinates stay in font units (short strings, cached per glyph); one
transform per path scales them to the font size and flips y.
"""

from __future__ import annotations

from lxml import etree

from ..fonts import FontFace, format_number
from ..xmlsafe import OG_NS, SVG_NS, parse_svg
from .emoji import ADVANCE, TOP, EmojiSet
from .runs import EMOJI
from .typeset import Typeset

__all__ = ["GLYPHS_TAG", "draw"]


#: The element that stands for a line of glyphs in documents meant for rasterizing.
GLYPHS_TAG = f"{{{OG_NS}}}glyphs"


def draw(
    typeset: Typeset,
    group: etree._Element,
    emoji: EmojiSet | None,
    *,
    stroke_width: float | None = None,
    raster: bool = False,
) -> None:
    """Append the typeset lines to ``group`` as paths and emoji images.

    With ``raster=True`` each line and face becomes an ``og:glyphs`` element
    listing glyph indexes and positions instead of path data: :mod:`svgog.raster`
    draws those from cached cairo paths, which is several times faster than
    CairoSVG parsing the same outlines as path strings. The picture is the same.
    """
    size = typeset.size
    for line in typeset.lines:
        paths: dict[FontFace, list[str]] = {}
        x = line.x
        for run in line.runs:
            if run.glyphs is not None:
                face = run.glyphs.face
                origin = (x - line.x) * face.units_per_em / size
                parts = paths.setdefault(face, [])
                if raster:
                    glyph_id = face.glyph_id
                    for glyph, (gx, gy) in zip(run.glyphs.glyphs, run.glyphs.positions):
                        parts.append(f"{glyph_id(glyph)}:{format_number(origin + gx)}:{format_number(gy)}")
                else:
                    outline = face.outline
                    for glyph, (gx, gy) in zip(run.glyphs.glyphs, run.glyphs.positions):
                        parts.append(outline(glyph).path_at(origin + gx, gy))
            elif run.piece.kind == EMOJI and emoji is not None and run.piece.emoji is not None:
                _draw_emoji(group, emoji, run.piece.emoji, x + (ADVANCE - 1.0) / 2 * size, line.baseline, size)
            x += run.advance_em * size
        for face, parts in paths.items():
            if raster:
                if not parts:
                    continue
                element = etree.SubElement(group, GLYPHS_TAG)
                element.set("run", face.token + " " + " ".join(parts))
            else:
                data = "".join(parts)
                if not data:
                    continue
                element = etree.SubElement(group, f"{{{SVG_NS}}}path")
                element.set("d", data)
            scale = size / face.units_per_em
            element.set(
                "transform",
                f"matrix({scale:.8g} 0 0 {-scale:.8g} {format_number(line.x)} {format_number(line.baseline)})",
            )
            if stroke_width is not None:
                element.set("stroke-width", format_number(stroke_width / scale, 4))


def _draw_emoji(group: etree._Element, emoji: EmojiSet, name: str, x: float, baseline: float, size: float) -> None:
    image = parse_svg(emoji.svg(name), f"emoji {name}")
    holder = etree.SubElement(group, f"{{{SVG_NS}}}g")
    holder.set(
        "transform",
        f"translate({format_number(x)} {format_number(baseline - TOP * size)}) scale({emoji.scale(size):.6g})",
    )
    # Emoji keep their own colors, whatever fill the text has.
    holder.set("fill", "#000")
    holder.set("stroke", "none")
    holder.extend(list(image))
