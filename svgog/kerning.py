"""GPOS pair kerning read straight from the font's binary table.

Decompiling a whole GPOS table into fontTools objects takes a fifth of a
second per face, which every cold start would pay. Kerning needs only the
``kern`` feature's pair-positioning lookups (type 2, formats 1 and 2, possibly
wrapped in extension lookups, type 9), so this module reads their headers once
and answers each pair with binary searches in the raw bytes, as a shaping
engine does. Values from several lookups add up; within a lookup the first
subtable that applies wins.

All offsets and values follow the OpenType specification's GPOS chapter.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from collections.abc import Sequence

__all__ = ["PairKerning"]

_U16 = struct.Struct(">H")
_I16 = struct.Struct(">h")
_U32 = struct.Struct(">I")
_MEMO_LIMIT = 100_000


def _u16(data: bytes, offset: int) -> int:
    return _U16.unpack_from(data, offset)[0]


def _value_size(value_format: int) -> int:
    return 2 * bin(value_format & 0xFF).count("1")


def _x_advance_offset(value_format: int) -> int | None:
    """Where XAdvance sits in a value record, or ``None`` if the record has none."""
    if not value_format & 0x0004:
        return None
    return 2 * bin(value_format & 0x0003).count("1")


class _Coverage:
    """A Coverage table: glyph id to coverage index."""

    def __init__(self, data: bytes, offset: int) -> None:
        kind, count = _u16(data, offset), _u16(data, offset + 2)
        if kind == 1:
            self.glyphs = list(struct.unpack_from(f">{count}H", data, offset + 4))
            self.ranges: list[tuple[int, int, int]] = []
        elif kind == 2:
            values = struct.unpack_from(f">{3 * count}H", data, offset + 4)
            self.glyphs = []
            self.ranges = [(values[i], values[i + 1], values[i + 2]) for i in range(0, len(values), 3)]
            self._starts = [r[0] for r in self.ranges]
        else:
            raise ValueError(f"coverage format {kind}")

    def index(self, glyph: int) -> int | None:
        if self.glyphs:
            i = bisect_right(self.glyphs, glyph) - 1
            return i if i >= 0 and self.glyphs[i] == glyph else None
        i = bisect_right(self._starts, glyph) - 1
        if i >= 0:
            start, end, first_index = self.ranges[i]
            if glyph <= end:
                return first_index + glyph - start
        return None


class _ClassDef:
    """A ClassDef table: glyph id to class (0 when not listed)."""

    def __init__(self, data: bytes, offset: int) -> None:
        kind = _u16(data, offset)
        if kind == 1:
            self.start, count = _u16(data, offset + 2), _u16(data, offset + 4)
            self.values: Sequence[int] = struct.unpack_from(f">{count}H", data, offset + 6)
            self.ranges: list[tuple[int, int, int]] = []
        elif kind == 2:
            count = _u16(data, offset + 2)
            values = struct.unpack_from(f">{3 * count}H", data, offset + 4)
            self.ranges = [(values[i], values[i + 1], values[i + 2]) for i in range(0, len(values), 3)]
            self._starts = [r[0] for r in self.ranges]
            self.values = ()
        else:
            raise ValueError(f"class definition format {kind}")

    def klass(self, glyph: int) -> int:
        if not self.ranges:
            i = glyph - self.start
            return self.values[i] if 0 <= i < len(self.values) else 0
        i = bisect_right(self._starts, glyph) - 1
        if i >= 0 and glyph <= self.ranges[i][1]:
            return self.ranges[i][2]
        return 0


class _PairSubtable:
    def __init__(self, data: bytes, offset: int) -> None:
        self.data = data
        self.offset = offset
        self.format = _u16(data, offset)
        self.coverage = _Coverage(data, offset + _u16(data, offset + 2))
        format1, format2 = _u16(data, offset + 4), _u16(data, offset + 6)
        self.advance_at = _x_advance_offset(format1)
        self.record_size = _value_size(format1) + _value_size(format2)
        if self.format == 1:
            count = _u16(data, offset + 8)
            self.pair_sets = struct.unpack_from(f">{count}H", data, offset + 10)
        elif self.format == 2:
            self.class1 = _ClassDef(data, offset + _u16(data, offset + 8))
            self.class2 = _ClassDef(data, offset + _u16(data, offset + 10))
            self.class1_count, self.class2_count = _u16(data, offset + 12), _u16(data, offset + 14)
        else:
            raise ValueError(f"pair positioning format {self.format}")

    def value(self, left: int, right: int) -> int | None:
        """The adjustment if this subtable applies to the pair, else ``None``."""
        index = self.coverage.index(left)
        if index is None:
            return None
        data = self.data
        if self.format == 1:
            if index >= len(self.pair_sets):
                return None
            base = self.offset + self.pair_sets[index]
            count = _u16(data, base)
            stride = 2 + self.record_size
            low, high = 0, count
            while low < high:  # records are sorted by second glyph
                middle = (low + high) // 2
                second = _u16(data, base + 2 + middle * stride)
                if second < right:
                    low = middle + 1
                elif second > right:
                    high = middle
                else:
                    if self.advance_at is None:
                        return 0
                    return _I16.unpack_from(data, base + 2 + middle * stride + 2 + self.advance_at)[0]
            return None
        class1, class2 = self.class1.klass(left), self.class2.klass(right)
        if class1 >= self.class1_count or class2 >= self.class2_count:
            return None
        if self.advance_at is None:
            return 0
        record = self.offset + 16 + (class1 * self.class2_count + class2) * self.record_size
        return _I16.unpack_from(data, record + self.advance_at)[0]


class PairKerning:
    """Pair adjustments of a font's ``kern`` feature, in font units.

    :param gpos: The raw bytes of the font's GPOS table (may be empty).
    """

    def __init__(self, gpos: bytes) -> None:
        self._lookups: list[list[_PairSubtable]] = []
        self._memo: dict[tuple[int, int], int] = {}
        if len(gpos) < 10:
            return
        feature_list, lookup_list = _u16(gpos, 6), _u16(gpos, 8)
        indices: set[int] = set()
        for i in range(_u16(gpos, feature_list)):
            record = feature_list + 2 + 6 * i
            if gpos[record : record + 4] == b"kern":
                feature = feature_list + _u16(gpos, record + 4)
                count = _u16(gpos, feature + 2)
                indices.update(struct.unpack_from(f">{count}H", gpos, feature + 4))
        lookup_count = _u16(gpos, lookup_list)
        for index in sorted(i for i in indices if i < lookup_count):
            lookup = lookup_list + _u16(gpos, lookup_list + 2 + 2 * index)
            kind, count = _u16(gpos, lookup), _u16(gpos, lookup + 4)
            subtables = []
            for j in range(count):
                offset = lookup + _u16(gpos, lookup + 6 + 2 * j)
                sub_kind = kind
                if kind == 9:  # extension: the real subtable lies further on
                    sub_kind = _u16(gpos, offset + 2)
                    offset += _U32.unpack_from(gpos, offset + 4)[0]
                if sub_kind == 2 and _u16(gpos, offset) in (1, 2):
                    subtables.append(_PairSubtable(gpos, offset))
            if subtables:
                self._lookups.append(subtables)

    def value(self, left: int, right: int) -> int:
        """The summed adjustment for a pair of glyph ids."""
        key = (left, right)
        found = self._memo.get(key)
        if found is not None:
            return found
        total = 0
        for subtables in self._lookups:
            for sub in subtables:
                adjustment = sub.value(left, right)
                if adjustment is not None:
                    total += adjustment
                    break
        if len(self._memo) < _MEMO_LIMIT:
            self._memo[key] = total
        return total
