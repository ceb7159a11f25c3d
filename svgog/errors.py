"""Exceptions raised by svgog.

Every error svgog raises on purpose derives from :class:`SvgogError`, so callers
can catch one type. The subclasses carry the template, field or file they are
about as attributes, and their messages name them::

    SvgogError
    ├── TemplateError          a template file cannot be used (bad SVG, bad attribute)
    │   └── TemplateNotFound   no template of that name (also a LookupError)
    ├── FontError              a font file cannot be read, or no font matches
    ├── InvalidInput           a field or option given by the caller is unusable (also a ValueError)
    │   ├── UnknownField       the template has no placeholder of that name
    │   ├── MissingField       a required field is absent or empty
    │   ├── InvalidValue       the value is too long, not text, or holds characters XML cannot hold
    │   └── UnsupportedText    (strict mode) no font can draw some of the text
    └── RenderError            rasterizing a filled template failed
        └── RenderTimeout      drawing took longer than the render budget allows
"""

from __future__ import annotations

import os

__all__ = [
    "SvgogError",
    "TemplateError",
    "TemplateNotFound",
    "FontError",
    "InvalidInput",
    "UnknownField",
    "MissingField",
    "InvalidValue",
    "UnsupportedText",
    "RenderError",
    "RenderTimeout",
]


class SvgogError(Exception):
    """Base class of every error svgog raises on purpose."""


class TemplateError(SvgogError):
    """A template cannot be loaded or filled.

    :param message: What is wrong.
    :param template: The template's name or file.
    :param element: The ``id`` of the element concerned, if any.
    :param line: The line in the template file, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        template: str | os.PathLike[str] | None = None,
        element: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.template = os.fspath(template) if template is not None else None
        self.element = element
        self.line = line
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = self.template or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        if self.element:
            where = f"{where} (#{self.element})" if where else f"#{self.element}"
        return f"{where}: {self.message}" if where else self.message


class TemplateNotFound(TemplateError, LookupError):
    """No template of the requested name exists."""

    def __init__(self, name: str) -> None:
        self.name = name
        shown = name if len(name) <= 60 else name[:60] + "…"
        super().__init__(f"no such template {shown!r}")
        self.template = name


class FontError(SvgogError):
    """A font file cannot be read, or no registered font matches a request.

    :param message: What is wrong.
    :param path: The font file concerned, if any.
    """

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None) -> None:
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InvalidInput(SvgogError, ValueError):
    """A value supplied by the caller cannot be used.

    :param message: What is wrong, in one line.
    :param template: The template being rendered.
    :param field: The field the value was given for, if any.
    """

    def __init__(self, message: str, *, template: str | None = None, field: str | None = None) -> None:
        self.message = message
        self.template = template
        self.field = field
        parts = []
        if template:
            parts.append(f"template {template!r}")
        if field:
            parts.append(f"field {field!r}")
        super().__init__(f"{', '.join(parts)}: {message}" if parts else message)


class UnknownField(InvalidInput):
    """The template has no placeholder with the given name."""


class MissingField(InvalidInput):
    """A field the template requires is absent or empty."""


class InvalidValue(InvalidInput):
    """A field's value is too long, not text, or holds characters XML cannot hold."""


class UnsupportedText(InvalidInput):
    """The text holds characters no configured font can draw (raised in strict mode)."""


class RenderError(SvgogError):
    """Rasterizing a filled template failed.

    :param message: What failed.
    :param template: The template being rendered.
    """

    def __init__(self, message: str, *, template: str | None = None) -> None:
        self.message = message
        self.template = template
        super().__init__(f"template {template!r}: {message}" if template else message)


class RenderTimeout(RenderError):
    """Drawing took more CPU time than the renderer's budget allows, and was stopped
    (see :class:`svgog.budget.RenderBudget`)."""
