"""Drawing a typeset text as SVG: one ``<path>`` per line, style and face; emoji as images.

Glyph coordinates stay in font units (short strings, cached per glyph); one
transform per path scales them to the font size, flips y and, for a
synthesized italic, slants them. Runs whose style paints differently from the
text element (another fill, a stroke) are grouped under a ``<g>`` carrying
that paint.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..fonts import FontFace, format_number
from ..xmlsafe import OG_NS, SVG_NS, parse_svg
from .decoration import DECORATIONS, decoration_bands
from .emoji import ADVANCE, TOP, EmojiSet
from .runs import EMOJI
from .typeset import PlacedLine, Typeset

__all__ = ["EMOJI_TAG", "GLYPHS_TAG", "draw"]


#: The element that stands for a line of glyphs in documents meant for rasterizing.
GLYPHS_TAG = f"{{{OG_NS}}}glyphs"
#: The element that stands for an emoji picture in documents meant for rasterizing.
EMOJI_TAG = f"{{{OG_NS}}}emoji"


def draw(
    typeset: Typeset,
    group: etree._Element,
    emoji: EmojiSet | None,
    *,
    stroke_width: float | None = None,
    raster: bool = False,
) -> None:
    """Append the typeset lines to ``group`` as paths and emoji images.

    :param stroke_width: The text element's own stroke width (user units),
        for runs whose style has none of its own.
    :param raster: Make each line, style and face an ``og:glyphs`` element
        listing glyph indexes and positions instead of path data:
        :mod:`svgog.raster` draws those from cached cairo paths, which is
        several times faster than CairoSVG parsing the same outlines as path
        strings. The picture is the same.
    """
    size = typeset.size
    holders: dict[int, etree._Element] = {}

    def holder(style_index: int) -> etree._Element:
        """The element a style's runs go in: the text's group, or a ``<g>`` with the style's paint."""
        paint = typeset.styles[style_index].paint
        if not paint:
            return group
        found = holders.get(style_index)
        if found is None:
            found = etree.SubElement(group, f"{{{SVG_NS}}}g")
            for name, value in paint:
                found.set(name, value)
            holders[style_index] = found
        return found

    box = _text_box(typeset)
    for line in typeset.lines:
        paths: dict[tuple[int, FontFace], list[str]] = {}
        run_glyphs: dict[tuple[int, FontFace], list[tuple[int, float, float]]] = {}
        x = line.x
        for run in line.runs:
            own_size = size * run.scale
            if run.glyphs is not None:
                face = run.glyphs.face
                origin = (x - line.x) * face.units_per_em / own_size
                parts = paths.setdefault((run.piece.style, face), [])
                if not raster and typeset.styles[run.piece.style].user_space:
                    run_glyphs.setdefault((run.piece.style, face), []).extend(
                        (glyph, origin + gx, gy) for glyph, (gx, gy) in zip(run.glyphs.glyphs, run.glyphs.positions)
                    )
                if raster:
                    for glyph, (gx, gy) in zip(run.glyphs.glyphs, run.glyphs.positions):
                        parts.append(f"{glyph}:{format_number(origin + gx)}:{format_number(gy)}")
                else:
                    outline = face.outline
                    for glyph, (gx, gy) in zip(run.glyphs.glyphs, run.glyphs.positions):
                        parts.append(outline(glyph).path_at(origin + gx, gy))
            elif run.piece.kind == EMOJI and emoji is not None and run.piece.emoji is not None:
                _draw_emoji(
                    holder(run.piece.style),
                    emoji,
                    run.piece.emoji,
                    x + (ADVANCE - 1.0) / 2 * own_size,
                    line.baseline,
                    own_size,
                    raster,
                )
            x += run.advance(size)
        for (style_index, face), parts in paths.items():
            if not any(parts):
                continue
            style = typeset.styles[style_index]
            parent = holder(style_index)
            scale = size * style.scale / face.units_per_em
            matrix = (scale, 0.0, style.oblique * scale, -scale, line.x, line.baseline)
            width = style.stroke_width if style.stroke_width is not None else stroke_width
            if raster:
                # The glyphs are placed by the element's matrix, not a transform:
                # the paint (a gradient in user space, a stroke width) stays in
                # the text's own coordinates, as for a <text>.
                element = etree.SubElement(parent, GLYPHS_TAG)
                element.set("run", face.token + " " + " ".join(parts))
                element.set("matrix", " ".join(f"{v:.8g}" for v in matrix))
                element.set("box", box)
                continue
            element = etree.SubElement(parent, f"{{{SVG_NS}}}path")
            if style.user_space:
                element.set("d", _user_space_path(face, line, run_glyphs[(style_index, face)], matrix))
                continue
            element.set("d", "".join(parts))
            linear = " ".join(f"{v:.8g}" for v in matrix[:4])
            element.set("transform", f"matrix({linear} {format_number(line.x)} {format_number(line.baseline)})")
            if width is not None:
                element.set("stroke-width", format_number(width / scale, 4))
        _decorate(typeset, line, holder)


def _text_box(typeset: Typeset) -> str:
    """The text's box as browsers measure a ``<text>`` (advances wide, ascender to descender tall).

    Gradients in objectBoundingBox units and filter regions of a text span
    this box, whatever line or run they paint.
    """
    if not typeset.lines:
        return "0 0 0 0"
    left = min(line.x for line in typeset.lines)
    right = max(line.x + line.width for line in typeset.lines)
    ascent = descent = 0.0
    for style in typeset.styles:
        face = style.chain.primary
        ascent = max(ascent, face.ascender / face.units_per_em * typeset.size * style.scale)
        descent = max(descent, -face.descender / face.units_per_em * typeset.size * style.scale)
    top = typeset.lines[0].baseline - ascent
    bottom = typeset.lines[-1].baseline + descent
    return " ".join(format_number(v, 3) for v in (left, top, right - left, bottom - top))


def _user_space_path(
    face: FontFace, line: PlacedLine, glyphs: list[tuple[int, float, float]], matrix: tuple[float, ...]
) -> str:
    """Path data of glyphs in the text's own coordinates (for paint servers in user space)."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

    pen = SVGPathPen(None, ntos=lambda v: format_number(v, 2))
    a, b, c, d, e, f = matrix
    for glyph, gx, gy in glyphs:
        recording = RecordingPen()  # HarfBuzz draws composite glyphs as their parts
        face.draw_glyph(glyph, recording)
        recording.replay(TransformPen(pen, (a, b, c, d, e + a * gx + c * gy, f + b * gx + d * gy)))
    return pen.getCommands()


def _decorate(typeset: Typeset, line: PlacedLine, holder: Callable[[int], etree._Element]) -> None:
    """Draw the line's underlines, overlines and lines through, run by run of one style."""
    runs = list(line.runs)
    start = 0
    x = line.x
    while start < len(runs):
        style_index = runs[start].piece.style
        end = start
        while end < len(runs) and runs[end].piece.style == style_index:
            end += 1
        style = typeset.styles[style_index]
        for kind in DECORATIONS:
            if kind in style.decorations:
                for left, top, width, height in decoration_bands(
                    kind, runs, start, end, x, line.baseline, typeset.size, style.chain.primary
                ):
                    rect = etree.SubElement(holder(style_index), f"{{{SVG_NS}}}rect")
                    for name, value in zip(("x", "y", "width", "height"), (left, top, width, height)):
                        rect.set(name, format_number(value))
        x += sum(run.advance(typeset.size) for run in runs[start:end])
        start = end


def _draw_emoji(
    group: etree._Element, emoji: EmojiSet, name: str, x: float, baseline: float, size: float, raster: bool
) -> None:
    transform = f"translate({format_number(x)} {format_number(baseline - TOP * size)}) scale({emoji.scale(size):.6g})"
    if raster:
        # Drawn from a picture recorded once (see svgog.recorded), not parsed again.
        etree.SubElement(group, EMOJI_TAG, set=emoji.token, name=name, transform=transform)
        return
    image = parse_svg(emoji.svg(name), f"emoji {name}")
    holder = etree.SubElement(group, f"{{{SVG_NS}}}g")
    holder.set("transform", transform)
    # Emoji keep their own colors, whatever fill the text has.
    holder.set("fill", "#000")
    holder.set("stroke", "none")
    holder.extend(list(image))
