"""Cards for the pages of a static site, built once per content and named by it.

The MkDocs plugin, the Sphinx extension and the Pelican plugin share this:
each collects its pages as :class:`Page` objects (an id, a template, the
card's fields, a slug), and :class:`CardBuilder` renders the cards, in
worker processes when asked, into the site's output:

- every card is named ``<slug>-<hash>.<format>``, the hash being the render's
  content key (template file, fonts, fields): when a page's card changes, so
  does its URL, and no social network serves a stale preview from its cache;
- rendered cards are kept in a cache directory by content key (with each
  fit report): a later build copies them and renders only what changed;
- each card gets its fit report (``<name>.json`` beside it: the lines each
  field was set in, the font size, what was truncated or missing).

:func:`meta_tags` writes a page's Open Graph and Twitter tags for a card.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import slugify
from .errors import SvgogError
from .files import write_atomically
from .renderer import FORMATS, Renderer
from .serving.tags import meta_tags

__all__ = ["BuiltCard", "CardBuilder", "CardStats", "Page", "meta_tags"]  # meta_tags: svgog.serving.tags


@dataclass(frozen=True)
class Page:
    """A page that gets a card.

    :param id: The page's identity in its site (its source path): a failure names it.
    :param template: The template's name.
    :param fields: The card's fields.
    :param slug: The start of the card's file name (slugified).
    """

    id: str
    template: str
    fields: Mapping[str, str]
    slug: str


@dataclass(frozen=True)
class BuiltCard:
    """A page's card in the output: its path relative to the cards directory, its size and report."""

    page: Page
    filename: str
    width: int
    height: int
    key: str
    #: Whether this build rendered it (else it came from the cache).
    rendered: bool
    report: list[dict[str, Any]]


@dataclass
class CardStats:
    """What a build did."""

    rendered: int = 0
    cached: int = 0
    failed: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    def summary(self) -> str:
        """One line: cards rendered, taken from the cache and failed, the time, and cards per second."""
        rate = f" ({self.rendered / self.elapsed:.1f} cards/s)" if self.elapsed > 0 and self.rendered else ""
        return (
            f"svgog: {self.rendered} cards rendered, {self.cached} from the cache, {len(self.failed)} failed "
            f"in {self.elapsed:.1f} s{rate}"
        )


class CardBuilder:
    """Renders pages' cards into ``cards_dir``, reusing those a cache holds.

    :param cards_dir: Where the cards go (inside the built site).
    :param cache_dir: Where rendered cards are kept between builds (by
        content key); ``None`` keeps none.
    :param renderer_options: Keyword arguments for :class:`~svgog.Renderer`
        (``templates``, ``fonts``...), also used to start each worker.
    :param concurrency: Worker processes (1: render in this process).
    :param format: ``png``, ``jpg`` or ``webp``.
    """

    def __init__(
        self,
        cards_dir: Path,
        *,
        cache_dir: Path | None = None,
        renderer_options: Mapping[str, Any] | None = None,
        concurrency: int = 1,
        format: str = "png",
    ) -> None:
        if format not in FORMATS or format == "svg":
            raise SvgogError(f"cards are png, jpg or webp, not {format!r}")
        self.cards_dir = Path(cards_dir)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.options = dict(renderer_options or {})
        self.renderer = Renderer(**self.options)
        self.concurrency = max(1, int(concurrency))
        self.format = format

    def build(self, pages: Iterable[Page]) -> tuple[dict[str, BuiltCard], CardStats]:
        """The cards of ``pages`` by page id; pages whose card fails are left out and listed in the stats."""
        started = time.monotonic()
        stats = CardStats()
        cards: dict[str, BuiltCard] = {}
        todo: dict[str, list[tuple[Page, str]]] = {}  # key -> pages wanting it, with their file names
        jobs: dict[str, tuple[str, dict[str, str], str, str]] = {}
        for page in pages:
            try:
                job = self.renderer.prepare(page.template, dict(page.fields), format=self.format)
            except SvgogError as exc:
                stats.failed.append(f"{page.id}: {exc}")
                continue
            filename = f"{slugify(page.slug)}-{job.key[:12]}.{self.format}"
            cached = self._from_cache(job.key, filename)
            if cached is not None:
                width, height, report = cached
                cards[page.id] = BuiltCard(page, filename, width, height, job.key, False, report)
                stats.cached += 1
                continue
            todo.setdefault(job.key, []).append((page, filename))
            jobs[job.key] = (page.template, dict(page.fields), job.key, self.format)
        for key, outcome in self._render(list(jobs.values())):
            if isinstance(outcome, str):
                stats.failed.extend(f"{page.id}: {outcome}" for page, _ in todo[key])
                continue
            data, width, height, report = outcome
            self._keep(key, data, width, height, report)
            for index, (page, filename) in enumerate(todo[key]):
                self._write(filename, data, width, height, key, report)
                cards[page.id] = BuiltCard(page, filename, width, height, key, index == 0, report)
            stats.rendered += 1
        stats.elapsed = time.monotonic() - started
        return cards, stats

    # -- the cache ---------------------------------------------------------------------------

    def _from_cache(self, key: str, filename: str) -> tuple[int, int, list[dict[str, Any]]] | None:
        """Copy a kept card into place; its size and report, or ``None`` when none is kept."""
        for directory, name in ((self.cache_dir, f"{key}.{self.format}"), (self.cards_dir, filename)):
            if directory is None:
                continue
            try:
                info = json.loads((directory / f"{name}.json").read_text())
                data = (directory / name).read_bytes()
            except (OSError, ValueError):
                continue
            if info.get("key") != key:
                continue
            self._write(filename, data, int(info["width"]), int(info["height"]), key, list(info.get("report", [])))
            return int(info["width"]), int(info["height"]), list(info.get("report", []))
        return None

    def _keep(self, key: str, data: bytes, width: int, height: int, report: list[dict[str, Any]]) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        name = f"{key}.{self.format}"
        write_atomically(self.cache_dir / name, data)
        info = {"key": key, "width": width, "height": height, "report": report}
        write_atomically(self.cache_dir / f"{name}.json", json.dumps(info).encode())

    def _write(self, filename: str, data: bytes, width: int, height: int, key: str, report: list[dict[str, Any]]) -> None:
        """The card and its fit report (``<card>.json``) in the cards directory."""
        path = self.cards_dir / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (path.exists() and path.stat().st_size == len(data)):
            write_atomically(path, data)
        info = {"key": key, "width": width, "height": height, "report": report}
        write_atomically(self.cards_dir / f"{filename}.json", json.dumps(info).encode())

    # -- rendering -----------------------------------------------------------------------------

    def _render(self, jobs: list[tuple[str, dict[str, str], str, str]]) -> Iterable[tuple[str, Any]]:
        # Starting a worker (an interpreter, fonts, templates) costs as much as rendering a few
        # dozen cards: a small batch is rendered here, and a pool gets enough cards per worker.
        workers = min(self.concurrency, len(jobs) // _CARDS_PER_WORKER)
        if workers <= 1:
            # This process's renderer: its fonts are registered and templates loaded already,
            # and a build whose cards all come from the cache starts no second one.
            for job in jobs:
                yield job[2], _render_with(self.renderer, job)
            return
        # A fresh interpreter per worker: forking a process that runs threads can deadlock.
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(self.options,)) as pool:
            chunk = max(1, len(jobs) // (workers * 8))
            yield from zip((job[2] for job in jobs), pool.map(_render_card, jobs, chunksize=chunk))


#: Cards a worker process must have to be worth starting (it costs about 1.5 s, a card 50 ms).
_CARDS_PER_WORKER = 32

_worker: Renderer | None = None


def _start(options: Mapping[str, Any]) -> None:
    """A worker's renderer."""
    global _worker
    _worker = Renderer(**options)
    # A worker's "no font has ..." records would reach the terminal unformatted and
    # without the page's name; each card's report carries them back to the builder's caller.
    logging.getLogger("svgog").addFilter(_without_text_warnings)


def _without_text_warnings(record: logging.LogRecord) -> bool:
    """Drops the renderer's log records about text it could not draw (tagged ``svgog_text``)."""
    return not getattr(record, "svgog_text", False)


def _render_card(job: tuple[str, dict[str, str], str, str]) -> tuple[bytes, int, int, list[dict[str, Any]]] | str:
    """Render one card in a worker."""
    assert _worker is not None
    return _render_with(_worker, job)


def _render_with(
    renderer: Renderer, job: tuple[str, dict[str, str], str, str]
) -> tuple[bytes, int, int, list[dict[str, Any]]] | str:
    """Render one card: its bytes, size and fit report, or why it failed."""
    from .renderer import coverage_message

    template, fields, _key, format = job
    try:
        result = renderer.render(template, fields, format=format)
    except SvgogError as exc:
        return str(exc)
    report = [
        {
            "field": fit.field,
            "size": fit.size,
            "lines": list(fit.lines),
            "truncated": fit.truncated,
            "missing": "".join(fit.missing),
            "warnings": [m for m in (coverage_message(fit), *fit.substitutions) if m],
        }
        for fit in result.reports
        if fit.field is not None
    ]
    return result.data, result.width, result.height, report


