"""Checking and normalizing field values before they reach a template.

Values come from callers and, through the Flask layer, from anyone on the
internet. A value is accepted only if it is text (numbers are turned into
text), no longer than the renderer's limit, and free of characters XML cannot
hold or that have no business in a title (control characters, lone
surrogates, non-characters). Accepted values are normalized: line ends and
the separators U+2028 and U+2029 become ``"\\n"``, tabs become spaces, and
the text is NFC-composed so that a base letter plus a combining accent uses
the font's precomposed glyph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from .colors import field_color
from .errors import InvalidInput, InvalidValue, MissingField, UnknownField
from .metadata import Field

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "MAX_OUTPUT_PIXELS",
    "check_field_names",
    "check_output_size",
    "normalize_fields",
    "normalize_value",
]

DEFAULT_MAX_LENGTH = 1000

#: The most pixels a rendering may have (width × height × scale²): the
#: 40 megapixels images in fields are limited to (:data:`svgog.images.MAX_PIXELS`).
#: A 32-bit canvas of that size is 160 MB, and filters and layers keep a few.
MAX_OUTPUT_PIXELS = 40_000_000

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
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # Python writes no int of more than 4300 digits
        raise InvalidValue(f"number is longer than {max_length} digits", template=template, field=field) from None
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
    # Line and paragraph separators (U+2028, U+2029: what Figma's shift-enter
    # types) are line breaks, like "\n".
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return unicodedata.normalize("NFC", text)


_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


def _check_kind(kind: str, text: str, *, template: str, field: str) -> str:
    """Check a normalized text value against its field's kind."""
    if kind == "color":
        color = field_color(text)
        if color is None:
            raise InvalidValue(
                f"{text[:40]!r} is not a CSS color (numbers must be finite and in range)",
                template=template,
                field=field,
            )
        return color
    if kind == "choice" and not _TOKEN.fullmatch(text):
        raise InvalidValue(f"{text[:40]!r} is not a single word", template=template, field=field)
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not 0 <= number <= 1:  # also false for NaN
            raise InvalidValue(f"{text[:40]!r} is not a number from 0 to 1", template=template, field=field)
        return f"{number:g}"
    return text


def normalize_fields(
    values: Mapping[str, object],
    fields: Mapping[str, Field],
    *,
    template: str,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> tuple[dict[str, str], dict[str, object]]:
    """Check every value against its field and normalize it.

    :returns: Text-like values (text, color, choice, number, flag) and, apart,
        the raw values of image fields (resolved by an image resolver).
    :raises UnknownField: A name the template has no field for.
    :raises InvalidValue: A value that does not suit its field.
    :raises MissingField: A required field that is absent or empty.
    """
    check_field_names(values, template=template)
    normalized: dict[str, str] = {}
    images: dict[str, object] = {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None:
            shown = name if len(name) <= 40 else name[:40] + "…"
            known = ", ".join(sorted(fields)) or "none"
            raise UnknownField(f"no such field {shown!r} (fields: {known})", template=template)
        if field.kind == "image":
            if isinstance(value, str) and len(value) > 16 * max_length + 10 * 1024 * 1024:
                raise InvalidValue("image value is too long", template=template, field=name)
            if value == "":
                normalized[name] = ""  # cleared: the template's own picture is removed too
            else:
                images[name] = value
            continue
        limit = min(max_length, field.max_length) if field.max_length else max_length
        text = normalize_value(value, template=template, field=name, max_length=limit)
        if text or field.kind not in ("color", "choice", "number"):
            text = _check_kind(
                field.kind, text.strip() if field.kind != "text" else text, template=template, field=name
            )
        if field.allowed and text not in field.allowed:
            raise InvalidValue(f"{text[:40]!r} is not one of {', '.join(field.allowed)}", template=template, field=name)
        normalized[name] = text
    for field in fields.values():
        if field.required and not (normalized.get(field.name, "").strip() or field.name in images):
            raise MissingField(f"field {field.name!r} is required", template=template, field=field.name)
    return normalized, images


def check_field_names(values: Mapping[Any, object], *, template: str) -> None:
    """Every key must be a field name, that is text.

    >>> check_field_names({1: "x"}, template="t")
    Traceback (most recent call last):
    ...
    svgog.errors.UnknownField: template 't': field names are text, not int (1)
    """
    for name in values:
        if not isinstance(name, str):
            shown = repr(name)[:40]
            raise UnknownField(f"field names are text, not {type(name).__name__} ({shown})", template=template)


def check_output_size(width: float, height: float, scale: float, *, template: str) -> None:
    """Refuse a rendering of more than :data:`MAX_OUTPUT_PIXELS` pixels.

    >>> check_output_size(1200, 630, 4, template="t")
    >>> check_output_size(10000, 10000, 1, template="t")
    Traceback (most recent call last):
    ...
    svgog.errors.InvalidInput: template 't': the image would be 10000x10000 pixels (100000000); the limit is 40000000
    """
    pixels = width * scale * height * scale
    if not pixels <= MAX_OUTPUT_PIXELS:
        raise InvalidInput(
            f"the image would be {round(width * scale)}x{round(height * scale)} pixels ({round(pixels)}); "
            f"the limit is {MAX_OUTPUT_PIXELS}",
            template=template,
        )
