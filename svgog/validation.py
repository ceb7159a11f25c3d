"""Checking and normalizing field values before they reach a template.

Values come from callers and, through the Flask layer, from anyone on the
internet. A value is accepted only if it is text (numbers are turned into
text), no longer than the renderer's limit, and free of characters XML cannot
hold or that have no business in a title (control characters, lone
surrogates, non-characters). Accepted values are normalized: line ends become
``"\\n"``, tabs become spaces, and the text is NFC-composed so that a base
letter plus a combining accent uses the font's precomposed glyph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from .errors import InvalidValue, UnknownField

__all__ = ["DEFAULT_MAX_LENGTH", "FIELD_NAME", "normalize_fields", "normalize_value"]

DEFAULT_MAX_LENGTH = 1000

# Names a field may have: what an XML id can hold, minus the characters that
# would make it awkward in a query string or a keyword argument.
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,99}")

# C0 controls except tab/newline/carriage return, DEL and C1 controls,
# surrogates (only reachable as lone ones in a Python str) and the two
# non-characters XML 1.0 excludes.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def normalize_value(value: object, *, template: str, field: str, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """Return the value as normalized text, or raise :class:`InvalidValue`.

    >>> normalize_value("a\\tb\\r\\nc", template="t", field="f")
    'a b\\nc'
    >>> normalize_value(2026, template="t", field="f")
    '2026'
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidValue(f"expected text, got {type(value).__name__}", template=template, field=field)
    text = value if isinstance(value, str) else str(value)
    if len(text) > max_length:
        raise InvalidValue(
            f"value is {len(text)} characters long; the limit is {max_length}", template=template, field=field
        )
    bad = _FORBIDDEN.search(text)
    if bad:
        raise InvalidValue(
            f"value contains the control or non-XML character U+{ord(bad.group()):04X}",
            template=template,
            field=field,
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return unicodedata.normalize("NFC", text)


def normalize_fields(
    values: Mapping[str, object], known: Mapping[str, object], *, template: str, max_length: int = DEFAULT_MAX_LENGTH
) -> dict[str, str]:
    """Check every name against the template's fields and normalize every value."""
    normalized: dict[str, str] = {}
    for name, value in values.items():
        if name not in known:
            shown = name if len(name) <= 40 else name[:40] + "…"
            fields = ", ".join(sorted(known)) or "none"
            raise UnknownField(f"no such field {shown!r} (fields: {fields})", template=template)
        normalized[name] = normalize_value(value, template=template, field=name, max_length=max_length)
    return normalized
