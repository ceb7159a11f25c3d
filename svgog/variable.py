"""Variable fonts: their axes, their named instances, and static instances at a location.

A variable font (one with an ``fvar`` table) is one file that draws a range of
weights, widths or slants. svgog draws glyph outlines from a font's default
master, so it never draws a variable font directly: for every location a text
asks for it makes a static instance with fontTools' instancer
(:func:`instantiate`), once per process, and loads that like any static font.

Locations are tuples of ``(axis tag, value)`` pairs sorted by tag, so they can
be parts of cache keys. Names follow the font's own named instances when one
sits at the location ("Outfit ExtraBold"), else the axis values
("Outfit wght=850").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO

from fontTools.ttLib import TTFont

from .errors import FontError

__all__ = [
    "Axis",
    "Location",
    "NamedInstance",
    "as_location",
    "instance_names",
    "instantiate",
    "read_axes",
    "read_named_instances",
]

#: ``(axis tag, value)`` pairs, sorted by tag.
Location = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Axis:
    """One design axis of a variable font (``wght``, ``wdth``, ``ital``, ``slnt``, ...)."""

    tag: str
    minimum: float
    default: float
    maximum: float

    def clamp(self, value: float) -> float:
        """The value moved into the axis's range.

        >>> Axis("wght", 100, 400, 900).clamp(950)
        900
        """
        return min(max(value, self.minimum), self.maximum)


@dataclass(frozen=True)
class NamedInstance:
    """A location the font's designer named (``fvar`` instance records)."""

    location: Location
    #: The style name, such as "ExtraBold" or "Condensed Bold Italic".
    subfamily: str
    #: The instance's PostScript name if the font gives one, else "".
    postscript_name: str


def read_axes(font: TTFont) -> tuple[Axis, ...]:
    """The font's axes in ``fvar`` order; empty for a static font."""
    if "fvar" not in font:
        return ()
    return tuple(
        Axis(axis.axisTag, float(axis.minValue), float(axis.defaultValue), float(axis.maxValue))
        for axis in font["fvar"].axes
    )


def read_named_instances(font: TTFont, axes: tuple[Axis, ...]) -> tuple[NamedInstance, ...]:
    """The font's named instances, each with a complete location."""
    if "fvar" not in font:
        return ()
    names = font.get("name")
    instances = []
    for record in font["fvar"].instances:
        location = {axis.tag: axis.default for axis in axes}
        location.update({tag: float(value) for tag, value in record.coordinates.items()})
        subfamily = names.getDebugName(record.subfamilyNameID) if names is not None else None
        if not subfamily:
            continue
        postscript = ""
        if names is not None and record.postscriptNameID not in (None, 0xFFFF):
            postscript = names.getDebugName(record.postscriptNameID) or ""
        instances.append(NamedInstance(as_location(location), subfamily.strip(), postscript.strip()))
    return tuple(instances)


def as_location(values: Mapping[str, float]) -> Location:
    """A location as a sorted tuple, values rounded to what ``fvar`` can hold.

    >>> as_location({"wght": 800, "ital": 1.0})
    (('ital', 1.0), ('wght', 800.0))
    """
    # fvar coordinates are 16.16 fixed point; rounding keeps equal locations equal.
    return tuple(sorted((tag, round(float(value), 4)) for tag, value in values.items()))


def instance_names(
    family: str, location: Location, axes: tuple[Axis, ...], instances: tuple[NamedInstance, ...]
) -> tuple[str, str] | None:
    """Full and PostScript name of the instance at ``location``, or ``None`` if unnamed and at the default.

    A named instance gives its own names; any other location is named by its
    axis values, "Outfit wght=850", and, following Adobe's technical note
    5902, "Outfit_850wght".

    >>> axes = (Axis("wght", 100, 100, 900),)
    >>> bold = NamedInstance((("wght", 700.0),), "Bold", "")
    >>> instance_names("Outfit", (("wght", 700.0),), axes, (bold,))
    ('Outfit Bold', 'Outfit-Bold')
    >>> instance_names("Outfit", (("wght", 850.0),), axes, (bold,))
    ('Outfit wght=850', 'Outfit_850wght')
    """
    prefix = "".join(c for c in family if c.isalnum() or c in "-_") or "Font"
    for instance in instances:
        if instance.location == location:
            postscript = instance.postscript_name or f"{prefix}-{''.join(instance.subfamily.split())}"
            return f"{family} {instance.subfamily}", postscript
    defaults = dict(as_location({axis.tag: axis.default for axis in axes}))
    moved = [(tag, value) for tag, value in location if defaults.get(tag) != value]
    if not moved:
        return None
    full = f"{family} " + " ".join(f"{tag}={value:g}" for tag, value in moved)
    return full, prefix + "".join(f"_{value:g}{tag}" for tag, value in moved)


def instantiate(font: TTFont, location: Location, source: str) -> bytes:
    """A static instance of a variable font at ``location``, as plain OpenType bytes.

    Every axis is pinned (axes missing from ``location`` at their defaults),
    so the result has no variation tables: its outlines, advances, kerning
    and metrics are those of the location. This decompiles most of the font
    and takes a few hundred milliseconds; callers cache the result.

    :param font: The variable font, opened with ``lazy=None`` or ``False``;
        it is changed in place and should be dropped afterwards.
    :param source: The file or label named in errors.
    """
    from fontTools.varLib.instancer import instantiateVariableFont

    try:
        axes = read_axes(font)
        pinned = {axis.tag: axis.default for axis in axes}
        pinned.update({tag: value for tag, value in location if tag in pinned})
        static = instantiateVariableFont(font, pinned, inplace=True)
        static.flavor = None
        buffer = BytesIO()
        static.save(buffer)
    except FontError:
        raise
    except Exception as exc:  # a malformed font can make fontTools raise almost anything
        raise FontError(f"cannot make an instance at {location}: {exc or type(exc).__name__}", path=source) from exc
    return buffer.getvalue()
