"""Variable fonts: their axes, their named instances, and names for locations.

A variable font (one with an ``fvar`` table) is one file that draws a range of
weights, widths or slants. svgog draws it at a location by setting HarfBuzz
variations on a font object (:func:`variations`): outlines, advances, kerning
and metrics (``MVAR``) all follow, and a new location costs microseconds, as
nothing is copied or rewritten.

Locations are tuples of ``(axis tag, value)`` pairs sorted by tag, so they can
be parts of cache keys. Names follow the font's own named instances when one
sits at the location ("Outfit ExtraBold"), else the axis values
("Outfit wght=850").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import uharfbuzz as hb

__all__ = [
    "Axis",
    "Location",
    "NamedInstance",
    "as_location",
    "instance_names",
    "read_axes",
    "read_named_instances",
    "variations",
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


def read_axes(face: hb.Face) -> tuple[Axis, ...]:
    """The face's axes in ``fvar`` order; empty for a static font."""
    return tuple(
        Axis(axis.tag, float(axis.min_value), float(axis.default_value), float(axis.max_value))
        for axis in face.axis_infos
    )


# The name ID fvar gives an instance without a PostScript name.
_NO_NAME = 0xFFFF


def read_named_instances(
    face: hb.Face, axes: tuple[Axis, ...], name: Callable[[int], str | None]
) -> tuple[NamedInstance, ...]:
    """The face's named instances, each with a complete location.

    :param name: Reads a ``name`` table entry by ID.
    """
    if not axes:
        return ()
    instances = []
    for record in face.named_instances:
        location = {axis.tag: axis.default for axis in axes}
        location.update({axis.tag: float(value) for axis, value in zip(axes, record.design_coords)})
        subfamily = name(record.subfamily_name_id)
        if not subfamily:
            continue
        postscript = ""
        if record.postscript_name_id not in (None, _NO_NAME):
            postscript = name(record.postscript_name_id) or ""
        instances.append(NamedInstance(as_location(location), subfamily.strip(), postscript.strip()))
    return tuple(instances)


def variations(location: Location) -> dict[str, float]:
    """A location as HarfBuzz variation settings (``hb.Font.set_variations``).

    >>> variations((("ital", 0.0), ("wght", 800.0)))
    {'ital': 0.0, 'wght': 800.0}
    """
    return dict(location)


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
