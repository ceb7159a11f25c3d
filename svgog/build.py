"""Build-time generation: many records in, one image per record and template out, incrementally.

``svgog build`` reads records (:mod:`svgog.records`), maps their keys to each
template's fields, and renders each image whose content hash changed since
the last build. The manifest (``manifest.json`` in the output directory, or
where ``manifest`` says) maps each output file to its source record,
template, content hash, size and dimensions, and each Markdown page to its
images, so a site can write its meta tags from it, and so the next build
knows what to skip. Rendering runs in worker processes; every worker renders
exactly the bytes a serial build does.

Output names come from a pattern: ``{slug}``, ``{template}``, ``{format}``,
``{hash}`` (the first 12 hex digits of the content hash, so that a changed
card gets a new URL that no social network has cached) and any key of the
record. When a record's card is rendered under a new name, the file of its
old name is deleted: the manifest no longer points at it.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import string
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SvgogError
from .files import write_atomically
from .records import Record, RecordError, read_records
from .renderer import Renderer
from .template import Template

if TYPE_CHECKING:
    from .serving.stores import ImageStore

__all__ = ["BuildFailure", "BuildResult", "Builder", "HASH_LENGTH", "MANIFEST", "default_pattern"]

MANIFEST = "manifest.json"
#: Hex digits of the content hash in ``{hash}``: 48 bits, enough that two
#: versions of a site's card never share a name.
HASH_LENGTH = 12
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class BuildFailure:
    """A record that was not built, and why."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass
class BuildResult:
    """What a build did."""

    rendered: int = 0
    skipped: int = 0
    failures: list[BuildFailure] = field(default_factory=list)
    #: Records built, but not as asked: characters no font has, fonts substituted.
    warnings: list[BuildFailure] = field(default_factory=list)
    elapsed: float = 0.0
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Files of the previous build deleted because their record's card has a new name.
    deleted: list[str] = field(default_factory=list)
    #: Images sent to the store (``--upload``), or ``None`` when there is no store.
    uploaded: int | None = None

    @property
    def rate(self) -> float:
        """Images rendered per second."""
        return self.rendered / self.elapsed if self.elapsed > 0 else 0.0

    def summary(self) -> str:
        """One line: rendered, skipped, failed, stale files deleted, elapsed, images per second."""
        deleted = f", deleted {len(self.deleted)} stale" if self.deleted else ""
        uploaded = f", uploaded {self.uploaded}" if self.uploaded is not None else ""
        return (
            f"rendered {self.rendered}, skipped {self.skipped}, failed {len(self.failures)}{deleted}{uploaded} "
            f"in {self.elapsed:.1f} s ({self.rate:.1f} images/s)"
        )


def slugify(text: str) -> str:
    """A file-name-safe slug.

    >>> slugify("Hello, World! Ça va?")
    'hello-world-ca-va'
    """
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-")[:80] or "untitled"


def default_pattern(templates: int) -> str:
    """The output name pattern when none is given: one folder per template when there are several.

    >>> default_pattern(1), default_pattern(2)
    ('{slug}.{format}', '{template}/{slug}.{format}')
    """
    return "{slug}.{format}" if templates == 1 else "{template}/{slug}.{format}"


def _placeholders(pattern: str) -> set[str]:
    """The names a pattern uses (``{slug}``, ``{author}``…); raises for a malformed pattern."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise SvgogError(f"bad --name pattern {pattern!r}: {exc}") from exc
    return {re.split(r"[.\[!:]", name, maxsplit=1)[0] for _, name, _, _ in parsed if name is not None}


# -- worker processes ---------------------------------------------------------

_worker_renderer: Renderer | None = None


def _start_worker(options: Mapping[str, Any]) -> None:
    global _worker_renderer
    _worker_renderer = Renderer(**options)


Task = tuple[str, dict[str, str], str, str]
Outcome = tuple[str, int, int, int, str, tuple[str, ...]]


def _render_one(task: Task) -> Outcome:
    """Render one record in a worker; returns (path, bytes, width, height, key, warnings) or raises."""
    name, fields, format, path = task
    assert _worker_renderer is not None
    result = _worker_renderer.render(name, fields, format=format)
    write_atomically(Path(path), result.data)
    return path, len(result.data), result.width, result.height, result.key, result.warnings


# -- the builder ----------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    """One image to make: a record, through one template, to one output name."""

    record: Record
    template: str
    fields: dict[str, str]
    relative: str
    key: str

    def entry(self, size: int, width: int, height: int) -> dict[str, Any]:
        """The image's manifest entry."""
        page = {"page": self.record.file} if self.record.file else {}
        return {
            "source": self.record.source,
            **page,
            "template": self.template,
            "hash": self.key,
            "bytes": size,
            "width": width,
            "height": height,
        }


class Builder:
    """Builds one or more templates' images from records.

    :param renderer_options: Keyword arguments for :class:`Renderer` (also
        used to start each worker process).
    :param template: The template's name, or several names: each record is
        rendered through each of them, all into one manifest.
    :param output: The output directory (the manifest goes there by default).
    :param mapping: Input key to field name (``--map title=post_title``);
        other keys that are field names pass through, the rest are ignored.
    :param constants: Fields set for every record (``--set``); with several
        templates, a template that lacks one of them does without it.
    :param name: Output file pattern, e.g. ``"{slug}.png"``,
        ``"cards/{slug}-{hash}.webp"`` or ``"{template}/{slug}.{format}"``;
        record values are slugified before use. Default:
        :func:`default_pattern`. With several templates it must use
        ``{template}``, so that their images do not overwrite each other.
    :param format: ``png``, ``jpg`` or ``webp``.
    :param manifest: Where to write the manifest (a static site generator's
        data folder, say); default ``output/manifest.json``. Image names in it
        stay relative to ``output``.
    :param decode_entities: Decode HTML character references (``&amp;``) in
        Markdown front matter and headings.
    """

    def __init__(
        self,
        renderer_options: Mapping[str, Any],
        template: str | Sequence[str],
        output: Path,
        *,
        mapping: Mapping[str, str] | None = None,
        constants: Mapping[str, str] | None = None,
        name: str | None = None,
        format: str = "png",
        manifest: Path | None = None,
        decode_entities: bool = True,
    ) -> None:
        self.options = dict(renderer_options)
        self.renderer = Renderer(**self.options)
        self.templates = (template,) if isinstance(template, str) else tuple(dict.fromkeys(template))
        if not self.templates:
            raise SvgogError("no template to build")
        self.output = output
        self.manifest_path = manifest if manifest is not None else output / MANIFEST
        self.mapping = dict(mapping or {})
        self.constants = dict(constants or {})
        self.format = format
        self.decode_entities = decode_entities
        self.pattern = name or default_pattern(len(self.templates))
        if len(self.templates) > 1 and "template" not in _placeholders(self.pattern):
            raise SvgogError(
                f"--name pattern {self.pattern!r} has no {{template}}: the images of "
                f"{', '.join(self.templates)} would overwrite each other"
            )

    def _fields(self, record: Record, template: Template, every_field: set[str]) -> dict[str, str]:
        known = set(template.fields)
        # A constant no template has is kept, so that the renderer reports it;
        # one that only another template has is not this template's business.
        fields = {k: v for k, v in self.constants.items() if k in known or k not in every_field}
        for key, value in record.values.items():
            target = self.mapping.get(key, key)
            if target in known:
                fields[target] = value
        return fields

    def _relative(self, record: Record, fields: Mapping[str, str], template: str, key: str) -> str:
        slug = record.values.get("slug") or record.stem or fields.get("title", "")
        values: dict[str, str] = {k: slugify(v) for k, v in record.values.items()}
        values.update(slug=slugify(slug) if "/" not in slug else "/".join(slugify(p) for p in slug.split("/")))
        # The build's own names win over a record's keys of the same name.
        values.update(template=template, format=self.format, hash=key[:HASH_LENGTH])
        try:
            relative = self.pattern.format_map(_Missing(values))
        except (ValueError, IndexError) as exc:
            raise SvgogError(f"bad --name pattern {self.pattern!r}: {exc}") from exc
        path = (self.output / relative).resolve()
        if not path.is_relative_to(self.output.resolve()):
            raise SvgogError(f"output name {relative!r} leaves the output directory")
        return path.relative_to(self.output.resolve()).as_posix()

    def _plan(self, record: Record, template: Template, every_field: set[str]) -> _Work:
        """What to render for one record and template: its fields, name and content key."""
        fields = self._fields(record, template, every_field)
        job = self.renderer.prepare(template.name, fields, format=self.format)
        relative = self._relative(record, fields, template.name, job.key)
        return _Work(record, template.name, fields, relative, job.key)

    def load_manifest(self) -> dict[str, dict[str, Any]]:
        """The previous build's manifest, or an empty one."""
        try:
            data = json.loads(self.manifest_path.read_text())
            images = data.get("images", {})
            return images if isinstance(images, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}

    def _unchanged(self, work: _Work, entry: Mapping[str, Any]) -> bool:
        """Whether the previous build already made this image, and it is still there."""
        return (
            entry.get("hash") == work.key
            and entry.get("template", work.template) == work.template
            and (self.output / work.relative).is_file()
        )

    def build(
        self,
        inputs: Iterable[Path],
        *,
        jobs: int = 1,
        force: bool = False,
        progress: Callable[[int, int], None] | None = None,
        store: ImageStore | None = None,
    ) -> BuildResult:
        """Render every image that changed; delete the ones replaced; write the manifest.

        :param progress: Called with (done, total) as renders finish.
        :param store: Where to upload the images too (``--upload``), each
            named by its content hash and sent only when the store lacks it;
            the manifest then gives each image's ``url`` there.
        """
        started = time.monotonic()
        result = BuildResult()
        previous = self.load_manifest()
        templates = [self.renderer.template(name) for name in self.templates]
        every_field = {name for template in templates for name in template.fields}
        work: list[_Work] = []
        used: dict[str, str] = {}
        manifest: dict[str, dict[str, Any]] = {}
        for path in inputs:
            for item in read_records(path, decode_entities=self.decode_entities):
                if isinstance(item, RecordError):
                    result.failures.append(BuildFailure(item.source, item.message))
                    continue
                for template in templates:
                    try:
                        planned = self._plan(item, template, every_field)
                    except SvgogError as exc:
                        result.failures.append(BuildFailure(item.source, str(exc)))
                        continue
                    if planned.relative in used:
                        message = f"output {planned.relative!r} is already made from {used[planned.relative]}"
                        result.failures.append(BuildFailure(item.source, message))
                        continue
                    used[planned.relative] = item.source
                    entry = previous.get(planned.relative)
                    if not force and isinstance(entry, dict) and self._unchanged(planned, entry):
                        manifest[planned.relative] = planned.entry(
                            entry.get("bytes", 0), entry.get("width", 0), entry.get("height", 0)
                        )
                        result.skipped += 1
                        continue
                    work.append(planned)
        self.output.mkdir(parents=True, exist_ok=True)
        self._render(work, jobs, result, manifest, progress)
        result.deleted = self._delete_replaced(previous, manifest)
        if store is not None:
            self._upload(store, manifest, result)
        result.manifest = dict(sorted(manifest.items()))
        self._write_manifest(result.manifest)
        result.elapsed = time.monotonic() - started
        return result

    def _render(
        self,
        work: list[_Work],
        jobs: int,
        result: BuildResult,
        manifest: dict[str, dict[str, Any]],
        progress: Callable[[int, int], None] | None,
    ) -> None:
        """Render the planned images, recording each in ``manifest`` or ``result.failures``."""
        tasks = [(w.template, w.fields, self.format, str(self.output / w.relative)) for w in work]
        by_path = {str(self.output / w.relative): w for w in work}
        done = 0
        for outcome in self._run(tasks, jobs):
            done += 1
            if progress is not None:
                progress(done, len(tasks))
            if isinstance(outcome, BuildFailure):
                w = by_path[outcome.source]
                result.failures.append(BuildFailure(w.record.source, outcome.message))
                continue
            path, size, width, height, key, warnings = outcome
            w = by_path[path]
            result.warnings.extend(BuildFailure(w.record.source, warning) for warning in warnings)
            manifest[w.relative] = w.entry(size, width, height)
            result.rendered += 1

    def _upload(self, store: ImageStore, manifest: dict[str, dict[str, Any]], result: BuildResult) -> None:
        """Send each built image the store does not have yet, and add its ``url`` to the manifest.

        Content-addressed (``<hash>.<format>``, as the webhook names them): an
        unchanged image is never sent twice, and one URL never changes meaning.
        """
        result.uploaded = 0
        for relative, entry in manifest.items():
            filename = f"{entry['hash']}.{self.format}"
            try:
                if not store.exists(filename):
                    store.save(filename, (self.output / relative).read_bytes())
                    result.uploaded += 1
                url = store.url(filename)
            except OSError as exc:
                result.failures.append(BuildFailure(entry["source"], f"cannot upload {relative}: {exc}"))
                continue
            if url is not None:
                entry["url"] = url

    def _delete_replaced(self, previous: Mapping[str, Any], manifest: Mapping[str, dict[str, Any]]) -> list[str]:
        """Delete the previous build's files whose record and template now have another name.

        Only those: a page that failed this time keeps its last card, and a
        file the manifest never listed is not svgog's to delete.
        """
        rebuilt = {(entry["source"], entry["template"]) for entry in manifest.values()}
        root = self.output.resolve()
        deleted = []
        for relative, entry in sorted(previous.items()):
            if relative in manifest or not isinstance(entry, dict):
                continue
            if (entry.get("source"), entry.get("template")) not in rebuilt:
                continue
            path = (root / relative).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                continue  # a hand-edited manifest does not get to delete files elsewhere
            try:
                path.unlink()
            except OSError:
                continue  # still stale, and still unlisted: harmless
            deleted.append(relative)
        return deleted

    def _write_manifest(self, images: Mapping[str, dict[str, Any]]) -> None:
        """Write the manifest: the images, and each Markdown page's image per template."""
        pages: dict[str, dict[str, str]] = {}
        for relative, entry in images.items():
            if "page" in entry:
                pages.setdefault(entry["page"], {})[entry["template"]] = relative
        document = {
            "templates": list(self.templates),
            "format": self.format,
            "images": dict(images),
            "pages": dict(sorted(pages.items())),
        }
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.manifest_path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())

    def _run(self, tasks: list[Task], jobs: int) -> Iterable[Any]:
        """Render tasks, in worker processes when ``jobs > 1``; yield outcomes as they finish."""
        if jobs <= 1 or len(tasks) <= 1:
            _start_worker(self.options)
            for task in tasks:
                yield _attempt(task)
            return
        # A fresh interpreter per worker: forking a process that runs threads
        # (a web server, a test runner) can deadlock.
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(self.options,)
        ) as pool:
            yield from pool.map(_attempt, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))


def _attempt(task: Task) -> Outcome | BuildFailure:
    try:
        return _render_one(task)
    except (SvgogError, OSError) as exc:
        return BuildFailure(task[3], str(exc))


class _Missing(dict):  # type: ignore[type-arg]
    """Pattern values: an unknown name is an error naming it."""

    def __missing__(self, key: str) -> str:
        raise SvgogError(f"--name pattern uses {{{key}}}, which the record does not have")
