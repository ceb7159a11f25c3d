"""What a font offers before it is loaded: :class:`FontInfo`, read from a font's tables.

A static face offers one family, weight, width and style. A variable font
offers ranges: weights from its ``wght`` axis, widths (CSS ``font-stretch``
percentages) from ``wdth``, and italic or oblique from ``ital`` or ``slnt``;
it gives one :class:`FontInfo` per style, and :meth:`FontInfo.instance`
turns one into the instance at a weight and width (a location HarfBuzz draws at).

Names come from the ``name`` table: the family is the typographic family
(ID 16), else the legacy family (ID 1) without a style word that web-font
subsetters leave in it ("Outfit Thin" is family "Outfit"); full names (ID 4)
and PostScript names (ID 6, and those of a variable font's named instances)
pick one face exactly.

Describing a font reads only what matching needs, through HarfBuzz on the
font's shared blob (:mod:`svgog.fontsource`): the ``name`` table, a few
fields of ``OS/2`` and ``head``, and ``fvar``. Outlines, the character map and
layout tables are not touched until a face is drawn with.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import uharfbuzz as hb

from .errors import FontError
from .fontsource import FontSource, file_source
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
        """The face at a weight and width: for a variable font, the instance (location) there.

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


def _name(face: hb.Face, *ids: int) -> str | None:
    """The first of the ``name`` entries that is set: in English if the font has it, else in its first language."""
    for name_id in ids:
        value = face.get_name(name_id)
        if not value:
            languages = [entry.language for entry in face.list_names() if entry.name_id == name_id]
            value = next((v for v in (face.get_name(name_id, lang) for lang in languages if lang) if v), None)
        if value and value.strip():
            return value.strip()
    return None


def _table(face: hb.Face, tag: str) -> bytes:
    """A small table's raw bytes (``OS/2``, ``head``): b"" if the font has none."""
    return face.reference_table(tag).data


def _u16(data: bytes, offset: int) -> int | None:
    """A big-endian unsigned 16-bit field, or ``None`` if the table is too short for it."""
    return struct.unpack_from(">H", data, offset)[0] if len(data) >= offset + 2 else None


def _style_of(os2: bytes, head: bytes) -> str:
    """Italic or oblique from ``OS/2.fsSelection`` (bits 0 and 9), else ``head.macStyle`` (bit 1)."""
    selection = _u16(os2, 62)
    if selection is not None:
        if selection & 1:
            return "italic"
        if selection & (1 << 9):
            return "oblique"
    mac_style = _u16(head, 44)
    if mac_style is not None and mac_style & 2:
        return "italic"
    return "normal"


def _family_names(
    face: hb.Face, axes: tuple[Axis, ...], instances: tuple[NamedInstance, ...], source: str
) -> tuple[str, str]:
    """The typographic family, and the legacy family (name ID 1) systems know it by."""
    legacy = _name(face, 1)
    typographic = _name(face, 16)
    if typographic:
        return typographic, legacy or typographic
    if not legacy:
        raise FontError("the font has no family name", path=source)
    # Without a typographic family (ID 16), name ID 1 carries every style but
    # Regular, Italic, Bold and Bold Italic: "Outfit Thin", as web-font
    # subsetters leave variable fonts. The style is ID 17, or the name of the
    # named instance at the default location.
    default = as_location({axis.tag: axis.default for axis in axes})
    suffixes = [_name(face, 17), *(i.subfamily for i in instances if i.location == default)]
    for suffix in suffixes:
        if suffix and suffix.casefold() != "regular" and legacy.casefold().endswith(" " + suffix.casefold()):
            return legacy[: -len(suffix)].rstrip(), legacy
    return legacy, legacy


def _style_entries(style: str, axes: tuple[Axis, ...]) -> list[tuple[str, Location]]:
    """The styles a face offers, each with the style axis value that draws it."""
    by_tag = {axis.tag: axis for axis in axes}
    ital, slnt = by_tag.get("ital"), by_tag.get("slnt")
    if ital is not None and ital.minimum <= 0 and ital.maximum >= 1:
        return [("normal", (("ital", 0.0),)), ("italic", (("ital", 1.0),))]
    if slnt is not None and slnt.minimum < 0 <= slnt.maximum:
        # slnt counts degrees counter-clockwise: a rightward lean is negative.
        return [("normal", (("slnt", 0.0),)), ("oblique", (("slnt", slnt.clamp(-OBLIQUE_ANGLE)),))]
    return [(style, ())]


# Where OS/2 keeps usWeightClass and usWidthClass (OpenType OS/2 specification).
_OS2_WEIGHT, _OS2_WIDTH = 4, 6


def describe(
    source: FontSource, *, path: Path | None = None, digest: str = "", data: bytes | None = None
) -> list[tuple[FontInfo, str]]:
    """Every face a font offers, each with its legacy family name (name ID 1).

    Only the ``name``, ``OS/2``, ``head`` and ``fvar`` tables are read.

    :param source: The font, as :mod:`svgog.fontsource` opened it.
    :param path: The font file, if the font is one.
    :param digest: For a font from memory, the hash of the bytes it was given as.
    :param data: For a font from memory, its plain OpenType bytes, kept in each info.
    """
    label = source.label
    described = []
    for index in range(source.face_count):
        face = source.face(index)
        try:
            axes = read_axes(face)
            instances = read_named_instances(face, axes, partial(_name, face))
            family, legacy = _family_names(face, axes, instances, label)
            os2, head = _table(face, "OS/2"), _table(face, "head")
            weight_class, width_class = _u16(os2, _OS2_WEIGHT), _u16(os2, _OS2_WIDTH)
            weight = weight_class if weight_class is not None else 400
            stretch = _WIDTH_CLASSES.get(width_class, 100.0) if width_class is not None else 100.0
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
                full_name=_name(face, 4) or family,
                postscript_name=_name(face, 6) or "",
                weight_range=weight_range,
                stretch=stretch,
                stretch_range=stretch_range,
                axes=axes,
                instances=instances,
                source=label,
                digest=digest,
                data=data,
            )
            for style, pins in _style_entries(_style_of(os2, head), axes):
                described.append((replace(base, style=style, location=pins), legacy))
        except FontError:
            raise
        except Exception as exc:  # struct errors in a damaged table; HarfBuzz itself never raises here
            raise FontError(f"cannot read font: {exc or type(exc).__name__}", path=label) from exc
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
    The file is mapped, not read: this costs its ``name`` tables.
    """
    return [info for info, _legacy in describe(file_source(path), path=path)]
