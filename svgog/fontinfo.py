"""What a font offers before it is loaded: :class:`FontInfo`, read from a font's tables.

A static face offers one family, weight, width and style. A variable font
offers ranges: weights from its ``wght`` axis, widths (CSS ``font-stretch``
percentages) from ``wdth``, and italic or oblique from ``ital`` or ``slnt``;
it gives one :class:`FontInfo` per style, and :meth:`FontInfo.instance`
turns one into the static instance at a weight and width.

Names come from the ``name`` table: the family is the typographic family
(ID 16), else the legacy family (ID 1) without a style word that web-font
subsetters leave in it ("Outfit Thin" is family "Outfit"); full names (ID 4)
and PostScript names (ID 6, and those of a variable font's named instances)
pick one face exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from fontTools.ttLib import TTFont

from .errors import FontError
from .fontfiles import face_count, open_font
from .variable import (
    Axis,
    Location,
    NamedInstance,
    as_location,
    instance_names,
    read_axes,
    read_named_instances,
)

__all__ = ["FontInfo", "OBLIQUE_ANGLE", "describe", "named_faces", "read_font_info"]

# OS/2 usWidthClass 1-9 as CSS font-stretch percentages (the OpenType OS/2 specification).
_WIDTH_CLASSES = {1: 50.0, 2: 62.5, 3: 75.0, 4: 87.5, 5: 100.0, 6: 112.5, 7: 125.0, 8: 150.0, 9: 200.0}
#: The angle CSS gives ``font-style: oblique`` without one, in degrees.
OBLIQUE_ANGLE = 14.0


@dataclass(frozen=True)
class FontInfo:
    """What the registry knows about one face before loading it.

    A static face has one ``weight`` and ``stretch``. A variable font's entry
    covers ranges (``weight_range``, ``stretch_range``); :meth:`instance`
    turns it into the face at one weight and width, whose ``location`` pins
    every axis and whose names say which instance it is.
    """

    #: The font file; ``None`` for a font given as bytes (see ``data``).
    path: Path | None
    index: int
    family: str
    weight: int
    style: str
    full_name: str
    postscript_name: str
    #: The weights the face matches (CSS ``font-weight: 100 900``); ``None``: only ``weight``.
    weight_range: tuple[float, float] | None = None
    #: The width as a CSS ``font-stretch`` percentage.
    stretch: float = 100.0
    stretch_range: tuple[float, float] | None = None
    #: A variable font's axes; empty for a static font.
    axes: tuple[Axis, ...] = ()
    #: Axis values this face is pinned to: all of them for an instance, the
    #: style axis (``ital`` or ``slnt``) for a variable font's entry.
    location: Location = ()
    instances: tuple[NamedInstance, ...] = field(default=(), repr=False, compare=False)
    #: What errors name: the file, or the label given with the bytes.
    source: str = field(default="", compare=False)
    #: SHA-256 of the bytes a font from memory was given as; "" for files.
    digest: str = ""
    #: The plain OpenType bytes of a font from memory (shared, not copied, between infos).
    data: bytes | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.source and self.path is not None:
            object.__setattr__(self, "source", str(self.path))

    @property
    def weights(self) -> tuple[float, float]:
        """The lowest and highest weight the face matches."""
        return self.weight_range or (self.weight, self.weight)

    @property
    def stretches(self) -> tuple[float, float]:
        """The narrowest and widest width the face matches, in percent."""
        return self.stretch_range or (self.stretch, self.stretch)

    def instance(self, weight: float | None = None, stretch: float | None = None) -> FontInfo:
        """The face at a weight and width: for a variable font, the static instance there.

        Values outside the face's ranges are clamped to them (as CSS clamps a
        variable font's weight to its ``@font-face`` range); axes other than
        ``wght`` and ``wdth`` stay at this info's location or their defaults.
        A static face is returned as it is.
        """
        if not self.axes:
            return self
        low, high = self.weights
        used_weight = min(max(self.weight if weight is None else weight, low), high)
        narrow, wide = self.stretches
        used_stretch = min(max(self.stretch if stretch is None else stretch, narrow), wide)
        values = {axis.tag: axis.default for axis in self.axes}
        values.update(self.location)
        for axis in self.axes:
            if axis.tag == "wght":
                values["wght"] = axis.clamp(used_weight)
            elif axis.tag == "wdth":
                values["wdth"] = axis.clamp(used_stretch)
        return self._at(as_location(values), used_weight, used_stretch)

    def _at(self, location: Location, weight: float, stretch: float) -> FontInfo:
        names = instance_names(self.family, location, self.axes, self.instances)
        full_name, postscript_name = names or (self.full_name, self.postscript_name)
        return replace(
            self,
            weight=round(weight),
            weight_range=None,
            stretch=stretch,
            stretch_range=None,
            location=location,
            full_name=full_name,
            postscript_name=postscript_name,
        )


def _name(font: TTFont, *ids: int) -> str | None:
    table = font.get("name")
    if table is None:
        return None
    for name_id in ids:
        value = table.getDebugName(name_id)
        if value and value.strip():
            return value.strip()
    return None


def _style_of(font: TTFont) -> str:
    os2 = font.get("OS/2")
    if os2 is not None:
        if os2.fsSelection & 1:
            return "italic"
        if os2.fsSelection & (1 << 9):
            return "oblique"
    head = font.get("head")
    if head is not None and head.macStyle & 2:
        return "italic"
    return "normal"


def _family_names(
    font: TTFont, axes: tuple[Axis, ...], instances: tuple[NamedInstance, ...], source: str
) -> tuple[str, str]:
    """The typographic family, and the legacy family (name ID 1) systems know it by."""
    legacy = _name(font, 1)
    typographic = _name(font, 16)
    if typographic:
        return typographic, legacy or typographic
    if not legacy:
        raise FontError("the font has no family name", path=source)
    # Without a typographic family (ID 16), name ID 1 carries every style but
    # Regular, Italic, Bold and Bold Italic: "Outfit Thin", as web-font
    # subsetters leave variable fonts. The style is ID 17, or the name of the
    # named instance at the default location.
    default = as_location({axis.tag: axis.default for axis in axes})
    suffixes = [_name(font, 17), *(i.subfamily for i in instances if i.location == default)]
    for suffix in suffixes:
        if suffix and suffix.casefold() != "regular" and legacy.casefold().endswith(" " + suffix.casefold()):
            return legacy[: -len(suffix)].rstrip(), legacy
    return legacy, legacy


def _style_entries(font: TTFont, axes: tuple[Axis, ...]) -> list[tuple[str, Location]]:
    """The styles a face offers, each with the style axis value that draws it."""
    by_tag = {axis.tag: axis for axis in axes}
    ital, slnt = by_tag.get("ital"), by_tag.get("slnt")
    if ital is not None and ital.minimum <= 0 and ital.maximum >= 1:
        return [("normal", (("ital", 0.0),)), ("italic", (("ital", 1.0),))]
    if slnt is not None and slnt.minimum < 0 <= slnt.maximum:
        # slnt counts degrees counter-clockwise: a rightward lean is negative.
        return [("normal", (("slnt", 0.0),)), ("oblique", (("slnt", slnt.clamp(-OBLIQUE_ANGLE)),))]
    return [(_style_of(font), ())]


def describe(
    raw: bytes, *, source: str, path: Path | None = None, digest: str = "", data: bytes | None = None
) -> list[tuple[FontInfo, str]]:
    """Every face a font offers, each with its legacy family name (name ID 1).

    :param raw: The font's bytes, in any container :mod:`svgog.fontfiles` reads.
    :param source: The file or label errors name.
    :param path: The font file, if the font is one.
    :param digest: For a font from memory, the hash of the bytes it was given as.
    :param data: For a font from memory, its plain OpenType bytes, kept in each info.
    """
    described = []
    for index in range(face_count(raw, source)):
        font = open_font(raw, index, source)
        try:
            axes = read_axes(font)
            instances = read_named_instances(font, axes)
            family, legacy = _family_names(font, axes, instances, source)
            os2 = font.get("OS/2")
            weight = int(os2.usWeightClass) if os2 is not None else 400
            stretch = _WIDTH_CLASSES.get(int(os2.usWidthClass), 100.0) if os2 is not None else 100.0
            weight_range = stretch_range = None
            for axis in axes:
                if axis.tag == "wght":
                    weight_range = (max(1.0, axis.minimum), min(1000.0, axis.maximum))
                    weight = round(min(max(axis.default, weight_range[0]), weight_range[1]))
                elif axis.tag == "wdth":
                    stretch_range, stretch = (axis.minimum, axis.maximum), axis.default
            base = FontInfo(
                path=path,
                index=index,
                family=family,
                weight=weight,
                style="normal",
                full_name=_name(font, 4) or family,
                postscript_name=_name(font, 6) or "",
                weight_range=weight_range,
                stretch=stretch,
                stretch_range=stretch_range,
                axes=axes,
                instances=instances,
                source=source,
                digest=digest,
                data=data,
            )
            for style, pins in _style_entries(font, axes):
                described.append((replace(base, style=style, location=pins), legacy))
        except FontError:
            raise
        except Exception as exc:  # a malformed font can make fontTools raise almost anything
            raise FontError(f"cannot read font: {exc or type(exc).__name__}", path=source) from exc
    return described


def named_faces(entry: FontInfo) -> list[FontInfo]:
    """The faces a name can pick exactly: a static face itself, or a variable font's named instances."""
    if not entry.axes:
        return [entry]
    faces = [entry.instance()]  # the default location carries the font's own names
    pins = dict(entry.location)
    for named in entry.instances:
        location = dict(named.location)
        if all(location.get(tag) == value for tag, value in pins.items()):
            weight, stretch = location.get("wght", entry.weight), location.get("wdth", entry.stretch)
            faces.append(entry._at(named.location, weight, stretch))
    return faces


def read_font_info(path: Path) -> list[FontInfo]:
    """Describe every face in a font file (one, or several for a collection).

    A variable font gives one entry per style it offers, with its ranges.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FontError(f"cannot read font: {exc.strerror}", path=path) from exc
    return [info for info, _legacy in describe(raw, source=str(path), path=path)]
