"""The :class:`Renderer`: templates and fonts loaded once, rendered many times."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import regex

from ._version import __version__
from .budget import DEFAULT_BUDGET, RenderBudget, deadline
from .errors import (
    FontError,
    InvalidInput,
    TemplateError,
    TemplateNotFound,
    UnsupportedText,
)
from .fonts import FontRegistry
from .images import MAX_IMAGE_BYTES, ImageResolver
from .lint import Problem, check_template
from .notes import Note
from .resources import bundled_templates_dir
from .template import Template
from .text.emoji import EmojiSet, bundled_emoji
from .text.typeset import FitReport
from .validation import (
    DEFAULT_MAX_LENGTH,
    check_field_names,
    check_output_size,
    normalize_fields,
)

__all__ = ["FORMATS", "MAX_SCALE", "RenderJob", "RenderResult", "Renderer", "coverage_message"]

#: The largest ``scale`` a render may ask for.
MAX_SCALE = 4.0

#: Output formats and their media types.
FORMATS = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "svg": "image/svg+xml"}

# Template names are file stems: no separators, no dots, nothing to escape.
TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

PathLike = str | os.PathLike[str]

log = logging.getLogger("svgog")


@dataclass(frozen=True)
class RenderResult:
    """A rendered image and what happened to its text.

    :ivar data: The encoded image.
    :ivar media_type: Its media type, e.g. ``image/png``.
    :ivar width: Its width in pixels.
    :ivar height: Its height in pixels.
    :ivar template: The template's name.
    :ivar reports: One fit report per drawn text element, in document order.
    """

    data: bytes
    media_type: str
    width: int
    height: int
    template: str
    reports: tuple[FitReport, ...]
    #: The content hash of the request (template, fonts, fields, options).
    key: str = ""

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per text that was not drawn as asked: characters no font has, fonts substituted."""
        lines: list[str] = []
        for report in self.reports:
            what = report.label
            message = coverage_message(report)
            if message:
                lines.append(f"{what}: {message}")
            lines.extend(f"{what}: {note}" for note in report.substitutions)
        return tuple(lines)


def coverage_message(report: FitReport) -> str | None:
    """What a text could not draw, in one sentence with the fix, or ``None``."""
    if report.missing:
        shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in report.missing[:10])
        more = f" and {len(report.missing) - 10} more" if len(report.missing) > 10 else ""
        hint = ""
        if any(_CJK.match(c) for c in report.missing):
            hint = " (Debian: apt-get install --no-install-recommends fonts-noto-cjk)"
        elif any(_LETTER.match(c) for c in report.missing):  # Noto's other scripts: Thai, Bengali, Tamil...
            hint = " (Debian: apt-get install --no-install-recommends fonts-noto-core)"
        return (
            f"no font has {shown}{more}: left out; install a font that has them{hint} "
            "or add one (svgog --fonts DIR, Renderer(fonts=...))"
        )
    return None


_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}]")
_LETTER = regex.compile(r"[\p{L}\p{M}]")


@dataclass(frozen=True)
class RenderJob:
    """A validated render request, ready to :meth:`run`.

    :ivar key: A content hash of everything that decides the picture (template
        file, fonts, normalized fields, format, scale): equal keys, equal images.
    """

    renderer: Renderer
    template: Template
    values: Mapping[str, str]
    images: Mapping[str, object]
    format: str
    scale: float
    key: str

    def run(self) -> RenderResult:
        """Render (fetching remote images, if any)."""
        return self.renderer._run(self)


def _as_paths(value: PathLike | Iterable[PathLike] | None) -> list[Path]:
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [Path(value)]
    return [Path(v) for v in value]


class Renderer:
    """Renders templates to SVG and PNG.

    A renderer owns its font registry and the templates it has loaded; build one
    per application and share it between threads.

    :param templates: Directory (or directories, searched in order) of ``.svg``
        templates. Defaults to the bundled templates.
    :param fonts: Extra font files or directories, registered after the
        bundled fonts (which are always available).
    :param fallback_fonts: Family names to try, in order, for characters a
        text's own font lacks (before the other added fonts and the bundled
        fallbacks). The families must be registered, e.g. through ``fonts``.
    :param system_fonts: For characters none of those fonts has, look among
        the fonts installed on the system (through fontconfig), as a desktop
        does: Noto CJK for Chinese, Japanese and Korean on a Debian server.
    :param max_length: The most characters a field value may have.
    :param strict: Raise :class:`~svgog.errors.UnsupportedText` when a text
        holds characters no font can draw, instead of leaving them out (and
        logging a warning).
    :param emoji: The emoji image set; defaults to the bundled Twemoji.
    :param assets: Directories image fields may name files in (relative paths).
    :param allowed_hosts: Hosts image fields may name ``http(s)`` URLs on;
        svgog fetches them itself (see :mod:`svgog.images`).
    :param fetch_timeout: Seconds an image fetch may take in all.
    :param max_image_bytes: The largest image a field may hold.
    :param budget: The most one render may cost (see :class:`~svgog.budget.RenderBudget`):
        templates and SVG images that would draw more are refused before
        drawing, and drawing that still runs longer than its CPU seconds
        stops with :class:`~svgog.RenderTimeout`.

    >>> renderer = Renderer()
    >>> png = renderer.render_png("blog", title="Hello world")
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """

    def __init__(
        self,
        templates: PathLike | Iterable[PathLike] | None = None,
        fonts: PathLike | Iterable[PathLike] | None = None,
        *,
        fallback_fonts: Iterable[str] = (),
        system_fonts: bool = True,
        max_length: int = DEFAULT_MAX_LENGTH,
        strict: bool = False,
        emoji: EmojiSet | None = None,
        assets: PathLike | Iterable[PathLike] | None = None,
        allowed_hosts: Iterable[str] = (),
        fetch_timeout: float = 5.0,
        max_image_bytes: int = MAX_IMAGE_BYTES,
        budget: RenderBudget = DEFAULT_BUDGET,
    ) -> None:
        self.template_dirs = _as_paths(templates) or [bundled_templates_dir()]
        for directory in self.template_dirs:
            if not directory.is_dir():
                raise TemplateError("template directory does not exist", template=directory)
        self.fonts = FontRegistry(_as_paths(fonts), system_fonts=system_fonts)
        self.system_fonts = system_fonts
        self.fallback_fonts = tuple(fallback_fonts)
        for family in self.fallback_fonts:
            if self.fonts.find(family) is None:
                raise FontError(
                    f"fallback font {family!r} is not registered (registered: {', '.join(self.fonts.families)})"
                )
        self.max_length = max_length
        self.strict = strict
        self.emoji = emoji if emoji is not None else bundled_emoji()
        self.budget = budget
        self.images = ImageResolver(
            _as_paths(assets), allowed_hosts, timeout=fetch_timeout, max_bytes=max_image_bytes, budget=budget
        )
        self._version: str | None = None
        self._templates: dict[str, tuple[tuple[int, int], Template]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        dirs = ", ".join(str(d) for d in self.template_dirs)
        return f"<Renderer templates=[{dirs}]>"

    def names(self) -> list[str]:
        """The names of every template the renderer can find, sorted."""
        found = {
            path.stem
            for directory in self.template_dirs
            for path in directory.glob("*.svg")
            if TEMPLATE_NAME.fullmatch(path.stem)
        }
        return sorted(found)

    def _path(self, name: str) -> Path:
        if not isinstance(name, str) or not TEMPLATE_NAME.fullmatch(name):
            raise TemplateNotFound(name if isinstance(name, str) else repr(name))
        for directory in self.template_dirs:
            path = directory / f"{name}.svg"
            if path.is_file():
                return path
        raise TemplateNotFound(name)

    def template(self, name: str) -> Template:
        """The loaded template of that name, reloaded when its file changes.

        :raises TemplateNotFound: No such template.
        :raises TemplateError: The file is not a usable template.
        """
        path = self._path(name)
        try:
            stat = path.stat()
        except OSError as exc:
            raise TemplateNotFound(name) from exc
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._templates.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with self._lock:
            cached = self._templates.get(name)
            if cached is None or cached[0] != stamp:
                cached = (stamp, self.load(path, name=name))
                self._templates[name] = cached
        return cached[1]

    def load(self, path: PathLike, *, name: str | None = None, problems: list[Note] | None = None) -> Template:
        """Load a template file with this renderer's fonts and settings (not cached).

        :param problems: Collect mistakes in single elements here instead of
            raising at the first (see :class:`~svgog.template.Template`).
        """
        return Template.load(
            path, self.fonts, name=name, fallback_fonts=self.fallback_fonts, emoji=self.emoji, problems=problems,
            budget=self.budget,
        )  # fmt: skip

    def check(self, name: str) -> list[Problem]:
        """Check a template and render its sample values: see :mod:`svgog.lint`."""
        return check_template(self._path(name), self)

    def check_file(self, path: PathLike) -> list[Problem]:
        """Check a template file (anywhere) with this renderer's fonts and settings."""
        return check_template(Path(path), self)

    def render(
        self,
        name: str,
        fields: Mapping[str, object] | None = None,
        /,
        *,
        format: str = "png",
        scale: float = 1.0,
        **more: object,
    ) -> RenderResult:
        """Render a template and report how its text was fitted.

        :param name: The template's name (its file name without ``.svg``).
        :param fields: Field values; names that are not valid Python
            identifiers (or are ``format`` or ``scale``) can be passed here.
        :param format: ``"png"`` or ``"svg"``.
        :param scale: Output pixels per template unit (``2`` for a 2x image),
            from 0.1 to :data:`MAX_SCALE`.
        :param more: More field values, as keyword arguments.
        :raises TemplateNotFound: No such template.
        :raises UnknownField: A field the template does not have.
        :raises MissingField: A required field is absent or empty.
        :raises InvalidValue: A value that does not suit its field.
        """
        return self.render_template(self.template(name), fields, format=format, scale=scale, **more)

    def render_template(
        self,
        template: Template,
        fields: Mapping[str, object] | None = None,
        /,
        *,
        format: str = "png",
        scale: float = 1.0,
        **more: object,
    ) -> RenderResult:
        """Render an already loaded template; see :meth:`render`."""
        return self._job(template, {**(fields or {}), **more}, format, scale).run()

    def prepare(
        self, name: str, fields: Mapping[str, object] | None = None, /, *, format: str = "png", scale: float = 1.0
    ) -> RenderJob:
        """Validate a request without rendering it: the job knows its cache key.

        Raises what :meth:`render` raises for bad input; :meth:`RenderJob.run`
        then renders (fetching remote images, if any).
        """
        return self._job(self.template(name), dict(fields or {}), format, scale)

    def _job(self, template: Template, fields: dict[str, object], format: str, scale: float) -> RenderJob:
        name = template.name
        if format not in FORMATS:
            raise InvalidInput(f"unknown format {format!r} (formats: {', '.join(FORMATS)})", template=name)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.1 <= scale <= MAX_SCALE:
            raise InvalidInput(f"scale must be a number from 0.1 to {MAX_SCALE:g}", template=name)
        check_output_size(template.width, template.height, scale, template=name)
        check_field_names(fields, template=name)
        # Images a template declares (its default or sample path) are read from its own directory.
        fields = self.images.declared(template, fields)
        values, images = normalize_fields(fields, template.fields, template=name, max_length=self.max_length)
        digest = hashlib.sha256()
        for part in (template.version, self.version, format, repr(float(scale))):
            digest.update(part.encode() + b"\0")
        for key in sorted(values):
            digest.update(f"{key}={values[key]}".encode("utf-8", "surrogatepass") + b"\0")
        for key in sorted(images):
            raw = images[key]
            token = hashlib.sha256(raw).hexdigest() if isinstance(raw, (bytes, bytearray)) else repr(raw)
            digest.update(f"{key}@{token}".encode("utf-8", "surrogatepass") + b"\0")
        return RenderJob(self, template, values, images, format, float(scale), digest.hexdigest()[:32])

    @property
    def version(self) -> str:
        """A hash of what, besides the template and fields, decides a rendering.

        The fonts (file identities), the emoji set and the settings that change
        pictures; part of every cache key.
        """
        if self._version is None:
            emoji = self.emoji.path.stat().st_mtime_ns if self.emoji is not None else 0
            parts = (self.fonts.version, str(emoji), repr(self.fallback_fonts), str(self.system_fonts), __version__)
            self._version = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        return self._version

    def _run(self, job: RenderJob) -> RenderResult:
        template, name = job.template, job.template.name
        uris = {field: self.images.resolve(value, template=name, field=field) for field, value in job.images.items()}
        width, height = round(template.width * job.scale), round(template.height * job.scale)
        if job.format == "svg":
            data, reports = template.fill(job.values, uris)
            self._check_coverage(name, reports)
        else:
            from . import (
                compose,  # cairo and numpy: imported at the first picture, not with svgog
            )

            document, reports, layer = template.fill_layers(job.values, uris)
            self._check_coverage(name, reports)
            base_dir = template.path.parent if template.path is not None else None
            # Pixel work (filters, pictures) grows with the area drawn.
            with deadline(self.budget.seconds * max(1.0, job.scale**2), template=name):
                drawn = compose.draw(document, layer, width=width, height=height, base_dir=base_dir, template=name)
            data = compose.encode(drawn, job.format)
        return RenderResult(data, FORMATS[job.format], width, height, name, reports, job.key)

    def _check_coverage(self, name: str, reports: tuple[FitReport, ...]) -> None:
        for report in reports:
            message = coverage_message(report)
            if message is None:
                continue
            if self.strict:
                raise UnsupportedText(message, template=name, field=report.field)
            # Tagged, so that a command that prints these warnings itself can leave them out of its log.
            log.warning("template %r, field %r: %s", name, report.field, message, extra={"svgog_text": True})

    def render_png(self, name: str, fields: Mapping[str, object] | None = None, /, **more: object) -> bytes:
        """Render a template to PNG bytes. See :meth:`render` for the arguments."""
        return self.render(name, {**(fields or {}), **more}, format="png").data

    def render_svg(self, name: str, fields: Mapping[str, object] | None = None, /, **more: object) -> str:
        """Render a template to a filled SVG document, text drawn as paths."""
        return self.render(name, {**(fields or {}), **more}, format="svg").data.decode("utf-8")
