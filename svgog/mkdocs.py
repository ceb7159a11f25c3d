"""The MkDocs plugin: an Open Graph card for every page, rendered when the site is built.

In ``mkdocs.yml``::

    site_url: https://docs.example.org/
    plugins:
      - svgog:
          template: docs

Every page's card is rendered from the template with fields taken from the
page (Jinja expressions over ``page``, ``page.meta`` and ``config``), into
``assets/images/social/`` in the built site, and the page's ``<head>`` gets
its ``og:*`` and ``twitter:*`` tags. The pages are read first and their cards
rendered in one batch (in worker processes with ``concurrency``), and a cache
in the project (``.cache/svgog``) makes a later build copy the cards whose
page did not change instead of rendering them again.

A page's front matter can change its card or leave it out::

    svgog:
      template: release
      fields: {version: "2.0", label: "Release"}

    svgog: false
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page as MkDocsPage

from .errors import SvgogError, TemplateNotFound
from .renderer import FORMATS
from .resources import bundled_templates_dir
from .serving.tags import meta_tags
from .sitecards import BuiltCard, CardBuilder, Page

__all__ = ["DEFAULT_FIELDS", "SvgogConfig", "SvgogPlugin", "insert_tags"]

log = logging.getLogger("mkdocs.plugins.svgog")

#: The fields a card gets unless the configuration says otherwise: each a
#: Jinja expression over ``page``, ``page.meta`` and ``config``, used for the
#: fields the page's template has.
DEFAULT_FIELDS: Mapping[str, str] = {
    "title": "page.title",
    "description": "page.meta.description or config.site_description",
    "site": "config.site_name",
    "product": "config.site_name",
    # The nav sections above the page, outermost first: "Guides / Security".
    "section": "page.ancestors | reverse | map(attribute='title') | join(' / ')",
}


class SvgogConfig(base.Config):
    """The plugin's options in ``mkdocs.yml``."""

    enabled = c.Type(bool, default=True)
    template = c.Type(str, default="docs")
    templates_dir = c.Optional(c.Dir(exists=True))
    fonts = c.ListOfItems(c.FilesystemObject(exists=True), default=[])
    fields = c.Type(dict, default={})
    cards_dir = c.Type(str, default="assets/images/social")
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/svgog")
    concurrency = c.Type(int, default=1)
    format = c.Choice(("png", "jpg", "webp"), default="png")


_Expression = Callable[..., Any]


class SvgogPlugin(BasePlugin[SvgogConfig]):
    """Renders a card per page and writes the page's Open Graph and Twitter tags."""

    def __init__(self) -> None:
        self._builder: CardBuilder | None = None
        self._builder_key: tuple[Any, ...] | None = None
        self._expressions: dict[str, _Expression] = {}
        self._read: list[MkDocsPage] = []
        self._cards: dict[str, BuiltCard] = {}
        self._kept: list[str] = []
        self._site_url = ""

    # -- configuration ---------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Keeps this plugin object across ``mkdocs serve`` rebuilds, and so its renderer."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Check the options, start the renderer and compile the field expressions."""
        self._read, self._cards, self._kept = [], {}, []
        if not self.config.enabled:
            return config
        if not config.site_url:
            raise PluginError(
                "svgog: site_url is not set in mkdocs.yml; Open Graph images need absolute URLs "
                "(e.g. site_url: https://docs.example.org/)"
            )
        self._site_url = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
        self._builder = self._card_builder(config)
        self._expressions = self._compile_fields()
        _warn_about_material_social(config)
        return config

    def _card_builder(self, config: MkDocsConfig) -> CardBuilder:
        """The card builder for these options: the previous build's while they are the same."""
        cards = _cards_dir(self.config.cards_dir)
        project = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        cache = project / self.config.cache_dir if self.config.cache else None
        templates = [Path(self.config.templates_dir), bundled_templates_dir()] if self.config.templates_dir else None
        options = {"templates": templates, "fonts": [Path(f) for f in self.config.fonts]}
        concurrency = self.config.concurrency or os.cpu_count() or 1
        key = (config.site_dir, cards, cache, repr(options), concurrency, self.config.format)
        if self._builder is not None and key == self._builder_key:
            return self._builder
        try:
            builder = CardBuilder(
                Path(config.site_dir) / cards,
                cache_dir=cache,
                renderer_options=options,
                concurrency=concurrency,
                format=self.config.format,
            )
        except SvgogError as exc:
            raise PluginError(f"svgog: {exc}") from exc
        self._builder, self._builder_key = builder, key
        return builder

    def _compile_fields(self) -> dict[str, _Expression]:
        """The default and configured field expressions, compiled; ``null`` drops a default."""
        assert self._builder is not None
        try:
            known = self._builder.renderer.template(self.config.template).fields
        except TemplateNotFound as exc:
            names = ", ".join(self._builder.renderer.names())
            raise PluginError(f"svgog: {exc} (templates: {names})") from exc
        except SvgogError as exc:  # A file that is not a usable template.
            raise PluginError(f"svgog: {exc}") from exc
        wanted: dict[str, Any] = {**DEFAULT_FIELDS, **self.config.fields}
        unknown = sorted(name for name in self.config.fields if name not in known)
        if unknown:
            raise PluginError(
                f"svgog: template {self.config.template!r} has no field {', '.join(map(repr, unknown))} "
                f"(fields: {', '.join(sorted(known))})"
            )
        environment = jinja2.Environment(undefined=jinja2.ChainableUndefined, autoescape=False)
        compiled: dict[str, _Expression] = {}
        for name, source in wanted.items():
            if source is None:
                continue
            try:
                compiled[name] = environment.compile_expression(str(source), undefined_to_none=True)
            except jinja2.TemplateSyntaxError as exc:
                raise PluginError(f"svgog: field {name!r}: {source!r} is not a Jinja expression: {exc}") from exc
        return compiled

    # -- pages ---------------------------------------------------------------------------------

    def on_page_content(self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        """Note a page that was read (under ``--dirty``, only those that changed are)."""
        if self.config.enabled:
            self._read.append(page)
        return html

    def _page_card(self, page: MkDocsPage, config: MkDocsConfig) -> Page | None:
        """The page's card as its front matter and the configuration have it, or ``None``."""
        source = page.file.src_uri
        choice = _front_matter(page)
        if choice is None:
            return None
        template, given = choice
        assert self._builder is not None
        try:
            known = self._builder.renderer.template(template or self.config.template).fields
            fields = {
                name: _text(expression(page=page, config=config))
                for name, expression in self._expressions.items()
                if name in known
            }
        except SvgogError as exc:
            log.warning("svgog: %s: %s", source, exc)
            return None
        except Exception as exc:  # A field expression that fails on this page (a TypeError...).
            log.warning("svgog: %s: a field expression failed: %s: %s", source, type(exc).__name__, exc)
            return None
        fields.update(given)
        slug = str(PurePosixPath(source).with_suffix(""))
        return Page(id=source, template=template or self.config.template, fields=fields, slug=slug)

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        """Render every page's card in one batch: every page is read, none is written yet."""
        # The fields are read here, after every plugin's page events, which may change titles and meta.
        pages = [card for card in (self._page_card(page, config) for page in self._read) if card is not None]
        if not (self.config.enabled and pages):
            return env
        assert self._builder is not None
        with _text_warnings_left_out():
            self._cards, stats = self._builder.build(pages)
        for failure in stats.failed:
            log.warning("svgog: no card for %s", failure)
        for card in self._cards.values():
            for entry in card.report:
                for message in entry.get("warnings", []):
                    log.warning("svgog: %s: field %r: %s", card.page.id, entry.get("field"), message)
        log.info(stats.summary())
        return env

    # Before the plugins at the default priority (a minifier should see the tags), after
    # Material's social plugin (50): a page it gave an og:image keeps it.
    @event_priority(40)
    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str | None:
        """Write the page's Open Graph and Twitter tags into its ``<head>``."""
        card = self._cards.get(page.file.src_uri) if self.config.enabled else None
        if card is None:
            return output
        image = urljoin(self._site_url, f"{_cards_dir(self.config.cards_dir)}/{card.filename}")
        tags = meta_tags(
            image_url=image,
            width=card.width,
            height=card.height,
            title=page.title,
            description=page.meta.get("description") or config.site_description,
            page_url=page.canonical_url,
            site_name=config.site_name,
            media_type=FORMATS[self.config.format],
        )
        written = insert_tags(output, tags)
        if written is not None:
            return written
        if _HEAD_END.search(output) is None:
            log.warning("svgog: %s: the page has no </head> to write its tags before", page.file.src_uri)
        else:
            self._kept.append(page.file.src_uri)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Say which pages kept the ``og:image`` they already had."""
        if self._kept:
            shown = ", ".join(self._kept[:5]) + (f" and {len(self._kept) - 5} more" if len(self._kept) > 5 else "")
            log.info("svgog: %s already had an og:image (the theme or another plugin): left as it was", shown)

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer | None:
        """Rebuild when a template or font changes."""
        if self.config.enabled:
            if self.config.templates_dir:
                server.watch(self.config.templates_dir)
            for path in self.config.fonts:
                server.watch(path)
        return server


# -- tags ------------------------------------------------------------------------------------------

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_TAG_KEY = re.compile(r"""<meta\b[^>]*?\b(?:property|name)\s*=\s*["']?((?:og|twitter):[\w:.-]+)""", re.IGNORECASE)


def insert_tags(html: str, tags: str) -> str | None:
    """``html`` with ``tags`` before its ``</head>``; ``None`` to leave the page as it is.

    A page whose head has an ``og:image`` already (a theme override, another
    plugin) is left as it is; otherwise a tag whose property the head has
    already is not written twice.

    >>> insert_tags('<head><meta property="og:title" content="A"></head>',
    ...             '<meta property="og:title" content="B">\\n<meta property="og:image" content="x.png">')
    '<head><meta property="og:title" content="A"><meta property="og:image" content="x.png">\\n</head>'
    """
    end = _HEAD_END.search(html)
    if end is None:
        return None
    present = {key.lower() for key in _TAG_KEY.findall(html, 0, end.start())}
    if "og:image" in present:
        return None
    lines = [line for line in tags.splitlines() if _key(line) not in present]
    # Each tag on its own line, indented as the </head> they go before.
    before = html[: end.start()]
    indent = before[before.rfind("\n") + 1 :]
    indent = indent if indent.isspace() else ""
    return before + "".join(f"{line}\n{indent}" for line in lines) + html[end.start() :]


def _key(tag: str) -> str:
    match = _TAG_KEY.search(tag)
    return match.group(1).lower() if match else ""


# -- helpers ---------------------------------------------------------------------------------------


def _cards_dir(value: str) -> str:
    """The cards directory as a relative URL path inside the site, or a :class:`PluginError`."""
    path = PurePosixPath(value.replace("\\", "/").strip("/"))
    if not value.strip("/") or PurePosixPath(value).is_absolute() or ".." in path.parts:
        raise PluginError(f"svgog: cards_dir must be a folder inside the site (e.g. assets/images/social), not {value!r}")
    return str(path)


def _front_matter(page: MkDocsPage) -> tuple[str | None, dict[str, str]] | None:
    """The template (``None``: the configured one) and fields a page's front matter asks for.

    ``None`` for ``svgog: false``. Field values there are the page's own text, not expressions.
    """
    setting = page.meta.get("svgog", True)
    if setting is False:
        return None
    if not isinstance(setting, (dict, bool)) and setting is not None:
        log.warning("svgog: %s: front matter 'svgog' must be false or a mapping, not %r", page.file.src_uri, setting)
    overrides = setting if isinstance(setting, dict) else {}
    given = overrides.get("fields") or {}
    if not isinstance(given, dict):
        log.warning("svgog: %s: front matter 'svgog.fields' must be a mapping", page.file.src_uri)
        given = {}
    template = overrides.get("template")
    return (str(template) if template else None), {str(name): _text(value) for name, value in given.items()}


def _text(value: object) -> str:
    """A field value from an expression's or the front matter's value: nothing for ``None``."""
    return "" if value is None else str(value)


def _warn_about_material_social(config: MkDocsConfig) -> None:
    """Both would write og:image tags for every page: one of them should be off."""
    for name, plugin in config.plugins.items():
        if not type(plugin).__module__.startswith("material.plugins.social"):
            continue
        options = getattr(plugin, "config", None)
        if getattr(options, "enabled", True) and getattr(options, "cards", True):
            log.warning(
                "svgog: Material's social plugin (%r) makes cards too: turn one of them off "
                "(pages that already have an og:image keep it)",
                name,
            )


@contextmanager
def _text_warnings_left_out() -> Iterator[None]:
    """Leaves out the renderer's own "no font has ..." records: the plugin logs them with the page's name."""
    logger = logging.getLogger("svgog")

    def without(record: logging.LogRecord) -> bool:
        return not getattr(record, "svgog_text", False)

    logger.addFilter(without)
    try:
        yield
    finally:
        logger.removeFilter(without)
