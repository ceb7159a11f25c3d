"""Build-time generation: many records in, one image per record out, incrementally.

``svgog build`` reads records (:mod:`svgog.records`), maps their keys to a
template's fields, and renders each record whose content hash changed since
the last build. The manifest (``manifest.json`` in the output directory)
maps each output file to its source record, content hash, size and
dimensions, so a site can write its meta tags from it, and so the next build
knows what to skip. Rendering runs in worker processes; every worker renders
exactly the bytes a serial build does.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SvgogError
from .files import write_atomically
from .records import Record, RecordError, read_records
from .renderer import Renderer

__all__ = ["BuildFailure", "BuildResult", "Builder"]

MANIFEST = "manifest.json"
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

    @property
    def rate(self) -> float:
        """Images rendered per second."""
        return self.rendered / self.elapsed if self.elapsed > 0 else 0.0

    def summary(self) -> str:
        """One line: rendered, skipped, failed, elapsed, images per second."""
        return (
            f"rendered {self.rendered}, skipped {self.skipped}, failed {len(self.failures)} "
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


# -- worker processes ---------------------------------------------------------

_worker_renderer: Renderer | None = None


def _start_worker(options: Mapping[str, Any]) -> None:
    global _worker_renderer
    _worker_renderer = Renderer(**options)


Outcome = tuple[str, int, int, int, str, tuple[str, ...]]


def _render_one(task: tuple[str, dict[str, str], str, str]) -> Outcome:
    """Render one record in a worker; returns (path, bytes, width, height, key, warnings) or raises."""
    name, fields, format, path = task
    assert _worker_renderer is not None
    result = _worker_renderer.render(name, fields, format=format)
    write_atomically(Path(path), result.data)
    return path, len(result.data), result.width, result.height, result.key, result.warnings


# -- the builder ----------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    record: Record
    fields: dict[str, str]
    relative: str
    key: str


class Builder:
    """Builds one template's images from records.

    :param renderer_options: Keyword arguments for :class:`Renderer` (also
        used to start each worker process).
    :param template: The template's name.
    :param output: The output directory (the manifest goes there).
    :param mapping: Input key to field name (``--map title=post_title``);
        other keys that are field names pass through, the rest are ignored.
    :param constants: Fields set for every record (``--set``).
    :param name: Output file pattern, e.g. ``"{slug}.png"`` or
        ``"cards/{slug}.webp"``; values are slugified before use.
    :param format: ``png``, ``jpg`` or ``webp``.
    """

    def __init__(
        self,
        renderer_options: Mapping[str, Any],
        template: str,
        output: Path,
        *,
        mapping: Mapping[str, str] | None = None,
        constants: Mapping[str, str] | None = None,
        name: str | None = None,
        format: str = "png",
    ) -> None:
        self.options = dict(renderer_options)
        self.renderer = Renderer(**self.options)
        self.template = template
        self.output = output
        self.mapping = dict(mapping or {})
        self.constants = dict(constants or {})
        self.format = format
        self.pattern = name or "{slug}." + format

    def _fields(self, record: Record, known: Iterable[str]) -> dict[str, str]:
        known = set(known)
        fields = dict(self.constants)
        for key, value in record.values.items():
            target = self.mapping.get(key, key)
            if target in known:
                fields[target] = value
        return fields

    def _relative(self, record: Record, fields: Mapping[str, str]) -> str:
        slug = record.values.get("slug") or record.stem or fields.get("title", "")
        values: dict[str, str] = {k: slugify(v) for k, v in record.values.items()}
        values.update(slug=slugify(slug) if "/" not in slug else "/".join(slugify(p) for p in slug.split("/")))
        try:
            relative = self.pattern.format_map(_Missing(values))
        except (ValueError, IndexError) as exc:
            raise SvgogError(f"bad --name pattern {self.pattern!r}: {exc}") from exc
        path = (self.output / relative).resolve()
        if not path.is_relative_to(self.output.resolve()):
            raise SvgogError(f"output name {relative!r} leaves the output directory")
        return path.relative_to(self.output.resolve()).as_posix()

    def load_manifest(self) -> dict[str, dict[str, Any]]:
        """The previous build's manifest, or an empty one."""
        try:
            data = json.loads((self.output / MANIFEST).read_text())
            images = data.get("images", {})
            return images if isinstance(images, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}

    def build(
        self,
        inputs: Iterable[Path],
        *,
        jobs: int = 1,
        force: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> BuildResult:
        """Render every record that changed; write the manifest.

        :param progress: Called with (done, total) as renders finish.
        """
        started = time.monotonic()
        result = BuildResult()
        previous = {} if force else self.load_manifest()
        template = self.renderer.template(self.template)
        work: list[_Work] = []
        used: dict[str, str] = {}
        manifest: dict[str, dict[str, Any]] = {}
        for path in inputs:
            for item in read_records(path):
                if isinstance(item, RecordError):
                    result.failures.append(BuildFailure(item.source, item.message))
                    continue
                try:
                    fields = self._fields(item, template.fields)
                    relative = self._relative(item, fields)
                    job = self.renderer.prepare(self.template, fields, format=self.format)
                except SvgogError as exc:
                    result.failures.append(BuildFailure(item.source, str(exc)))
                    continue
                if relative in used:
                    message = f"output {relative!r} is already made from {used[relative]}"
                    result.failures.append(BuildFailure(item.source, message))
                    continue
                used[relative] = item.source
                entry = previous.get(relative)
                if entry and entry.get("hash") == job.key and (self.output / relative).is_file():
                    manifest[relative] = {**entry, "source": item.source}
                    result.skipped += 1
                    continue
                work.append(_Work(item, fields, relative, job.key))
        self.output.mkdir(parents=True, exist_ok=True)
        tasks = [(self.template, w.fields, self.format, str(self.output / w.relative)) for w in work]
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
            manifest[w.relative] = {
                "source": w.record.source,
                "template": self.template,
                "hash": key,
                "bytes": size,
                "width": width,
                "height": height,
            }
            result.rendered += 1
        result.manifest = dict(sorted(manifest.items()))
        document = {"template": self.template, "format": self.format, "images": result.manifest}
        write_atomically(self.output / MANIFEST, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
        result.elapsed = time.monotonic() - started
        return result

    def _run(self, tasks: list[tuple[str, dict[str, str], str, str]], jobs: int) -> Iterable[Any]:
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


def _attempt(task: tuple[str, dict[str, str], str, str]) -> Outcome | BuildFailure:
    try:
        return _render_one(task)
    except (SvgogError, OSError) as exc:
        return BuildFailure(task[3], str(exc))


class _Missing(dict):  # type: ignore[type-arg]
    """Pattern values: an unknown name is an error naming it."""

    def __missing__(self, key: str) -> str:
        raise SvgogError(f"--name pattern uses {{{key}}}, which the record does not have")
