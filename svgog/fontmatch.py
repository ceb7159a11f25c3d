"""CSS font matching (CSS Fonts 4, §5.2): which registered face a request gets.

A request names a width (``font-stretch``), a style and a weight. Among a
family's faces CSS narrows by width first, then style (italic falls back to
oblique, then normal), then weight, each time keeping the faces nearest the
request by the rules of :func:`match_stretch` and :func:`match_weight`. A
face with a range (a variable font, or an ``@font-face`` rule with
``font-weight: 100 900``) counts by its point nearest the request: a range
that contains the request matches it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from .fontinfo import FontInfo

__all__ = ["STYLES", "best_face", "css_style", "match_stretch", "match_weight", "nearest"]

STYLES = ("normal", "italic", "oblique")


def match_weight(available: Iterable[float], desired: float) -> float:
    """Pick the weight CSS would pick (CSS Fonts 4, font-weight matching).

    For faces with weight ranges, pass each range's point nearest to
    ``desired`` (see :func:`nearest`): a range containing it matches exactly.

    >>> match_weight([400, 700], 600)
    700
    >>> match_weight([300, 700], 450)
    300
    >>> match_weight([400, 500, 700], 450)
    500
    >>> match_weight([100, 900], 500)
    100
    """
    weights = sorted(set(available))
    if not weights:
        raise ValueError("no weights available")
    if desired in weights:
        return desired
    below = [w for w in weights if w < desired]
    above = [w for w in weights if w > desired]
    if 400 <= desired <= 500:
        up_to_500 = [w for w in above if w <= 500]
        if up_to_500:
            return up_to_500[0]
        if below:
            return below[-1]
        return above[0]
    if desired < 400:
        return below[-1] if below else above[0]
    return above[0] if above else below[-1]


def match_stretch(available: Iterable[float], desired: float) -> float:
    """Pick the width CSS would pick (CSS Fonts 4, font-stretch matching), in percent.

    At or below 100% narrower widths are tried first, nearest first, then
    wider ones; above 100% the other way round.

    >>> match_stretch([75, 100, 125], 87.5)
    75
    >>> match_stretch([100, 125], 87.5)
    100
    >>> match_stretch([75, 100, 125], 112.5)
    125
    """
    widths = sorted(set(available))
    if not widths:
        raise ValueError("no widths available")
    if desired in widths:
        return desired
    narrower = [w for w in widths if w < desired]
    wider = [w for w in widths if w > desired]
    if desired <= 100:
        return narrower[-1] if narrower else wider[0]
    return wider[0] if wider else narrower[-1]


def nearest(span: tuple[float, float], desired: float) -> float:
    """The value in a range closest to ``desired``: how CSS compares a range with a request."""
    return min(max(desired, span[0]), span[1])


def css_style(style: str) -> str:
    """A CSS font-style value as one of :data:`STYLES` (``oblique 10deg`` is oblique)."""
    words = style.strip().lower().split()
    return words[0] if words and words[0] in STYLES else "normal"


def best_face(candidates: list[FontInfo], weight: float, style: str, stretch: float) -> FontInfo:
    """The face among one family's ``candidates`` that CSS would use, at the requested weight and width.

    A variable font's entry comes back as its instance there (see
    :meth:`~svgog.fontinfo.FontInfo.instance`); ties go to the face registered first.
    """
    width = match_stretch((nearest(c.stretches, stretch) for c in candidates), stretch)
    candidates = [c for c in candidates if nearest(c.stretches, stretch) == width]
    wanted = css_style(style)
    # Italic falls back to oblique, oblique to italic, then either to normal.
    order = {"italic": ("italic", "oblique", "normal"), "oblique": ("oblique", "italic", "normal")}.get(
        wanted, ("normal", "oblique", "italic")
    )
    for style_name in order:
        same_style = [c for c in candidates if c.style == style_name]
        if same_style:
            chosen = match_weight((nearest(c.weights, weight) for c in same_style), weight)
            face = next(c for c in same_style if nearest(c.weights, weight) == chosen)
            return face.instance(weight, stretch)
    return candidates[0].instance(weight, stretch)
