"""Field declarations a template carries in its ``<metadata>`` block.

::

    <metadata>
      <og:template description="Blog post card">
        <og:field name="title" required="true" max-length="140" sample="How we render a million cards"/>
        <og:field name="theme" default="dark" allowed="dark light" description="Color scheme"/>
      </og:template>
    </metadata>

Every attribute but ``name`` is optional. Fields that are not declared are
still discovered from the template's elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .errors import TemplateError
from .xmlsafe import OG_NS, SVG_NS

__all__ = ["FIELD_ATTRIBUTES", "FIELD_NAME", "Field", "FieldSpec", "TemplateInfo", "read_metadata"]

# Names a field may have: what an XML id can hold, minus the characters that
# would make it awkward in a query string or a keyword argument.
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,99}")

FIELD_ATTRIBUTES = frozenset({"name", "description", "default", "sample", "required", "max-length", "allowed"})
_TRUE = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True)
class FieldSpec:
    """A field as the template declares it."""

    name: str
    description: str = ""
    default: str | None = None
    sample: str | None = None
    required: bool = False
    max_length: int | None = None
    allowed: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Field:
    """A field a template accepts.

    :ivar kind: ``text``, ``image``, ``color``, ``choice``, ``number`` or
        ``flag`` (used only in conditions).
    :ivar default: The value used when the field is not given. A field the
        metadata declares has only the default it declares: unset, its text
        or image is empty (its ``sample`` is for previews). A text layer the
        metadata does not declare (every layer of a Figma export has a name)
        keeps the template's own text. ``None`` for attribute fields means
        the template's own attribute.
    :ivar declared: Whether the template's metadata declares the field.
    """

    name: str
    kind: str
    default: str | None = None
    sample: str | None = None
    required: bool = False
    max_length: int | None = None
    allowed: tuple[str, ...] = ()
    description: str = ""
    declared: bool = False


@dataclass(frozen=True)
class TemplateInfo:
    """The template's own description and declared fields."""

    description: str = ""
    fields: tuple[FieldSpec, ...] = ()


def read_metadata(root: etree._Element, label: str) -> TemplateInfo:
    """Read the ``og:template`` block, if the template has one."""
    blocks = root.findall(f"{{{SVG_NS}}}metadata/{{{OG_NS}}}template")
    if not blocks:
        return TemplateInfo()
    if len(blocks) > 1:
        raise TemplateError("more than one og:template block", template=label, line=blocks[1].sourceline)
    block = blocks[0]
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for element in block:
        if not isinstance(element.tag, str):
            continue
        if element.tag != f"{{{OG_NS}}}field":
            raise TemplateError(
                f"unexpected element {element.tag!r} in og:template", template=label, line=element.sourceline
            )
        fields.append(_field(element, label))
        if fields[-1].name in seen:
            raise TemplateError(f"field {fields[-1].name!r} is declared twice", template=label, line=element.sourceline)
        seen.add(fields[-1].name)
    return TemplateInfo(description=(block.get("description") or "").strip(), fields=tuple(fields))


def _field(element: etree._Element, label: str) -> FieldSpec:
    line = element.sourceline

    def fail(message: str) -> TemplateError:
        return TemplateError(message, template=label, line=line)

    unknown = sorted(set(element.attrib) - FIELD_ATTRIBUTES)
    if unknown:
        raise fail(f"unknown attribute {unknown[0]!r} on og:field (known: {', '.join(sorted(FIELD_ATTRIBUTES))})")
    name = element.get("name") or ""
    if not FIELD_NAME.fullmatch(name):
        raise fail(f"og:field needs a valid name, got {name!r}")
    required_text = (element.get("required") or "false").strip().lower()
    if required_text not in _TRUE:
        raise fail(f"required={required_text!r} is not true or false")
    max_length_text = element.get("max-length")
    max_length = None
    if max_length_text is not None:
        if not max_length_text.strip().isdigit() or int(max_length_text) < 1:
            raise fail(f"max-length={max_length_text!r} is not a positive whole number")
        max_length = int(max_length_text)
    allowed = tuple((element.get("allowed") or "").split())
    default = element.get("default")
    if allowed and default is not None and default not in allowed:
        raise fail(f"default {default!r} is not one of the allowed values")
    return FieldSpec(
        name=name,
        description=(element.get("description") or "").strip(),
        default=default,
        sample=element.get("sample"),
        required=_TRUE[required_text],
        max_length=max_length,
        allowed=allowed,
        line=line,
    )
