"""Open Graph cards for a Sphinx site: one card per page, rendered at build time.

Add the extension in ``conf.py``::

    extensions = ["svgog.sphinx"]
    html_baseurl = "https://docs.example.com/"   # or svgog_site_url

Every HTML page then gets a card, ``<outdir>/_images/social/<slug>-<hash>.png``
with its fit report (``<card>.json``) beside it, and its Open Graph and
Twitter ``<meta>`` tags. The cards are rendered once per build, in one batch,
after Sphinx has read the sources and before it writes a page (the
``env-updated`` event); the tags go into each page's ``metatags`` during
``html-page-context``.

A card's text comes from its page: the title Sphinx found, the description
(a ``:description:`` field at the top of the file, else a ``.. meta::``
description, else the first paragraph, cut to about 200 characters), the
titles of its ancestors in the toctree (``section``), the project and the
site's domain. ``svgog_fields`` sets any template field from those, by format
string or function (see :class:`PageInfo`).

Builds are incremental: rendered cards are kept in a cache directory by
content key, so a later build copies them and renders only what changed; a
page whose card or tags changed while its source did not (a template or font
edited, ``svgog_fields`` changed) is written again.

With sphinxext-opengraph also enabled, svgog writes no Open Graph tag of its
own: it hands each page's card to sphinxext-opengraph as the page's
``og:image`` (with its size and type), so the page has one set of tags and
one ``og:image``, svgog's card. A page's own ``:og:image:`` field still wins.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Set
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from docutils import nodes
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.errors import ConfigError
from sphinx.util import logging

from ._version import __version__
from .errors import SvgogError
from .resources import bundled_templates_dir
from .serving.tags import meta_tags
from .sitecards import BuiltCard, CardBuilder, Page

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

__all__ = [
    "CARDS_DIR",
    "EXCERPT_LENGTH",
    "STANDARD_FIELDS",
    "PageInfo",
    "card_fields",
    "description_of",
    "excerpt",
    "setup",
    "site_url",
]

log = logging.getLogger(__name__)

#: Where the cards go, relative to the output directory (and to the site URL).
CARDS_DIR = "_images/social"

#: How long a description taken from a page's first paragraph may be.
EXCERPT_LENGTH = 200

#: The template fields svgog fills when the template has them, from :class:`PageInfo`.
#: Empty values are left out, so that the template's defaults apply.
STANDARD_FIELDS: Mapping[str, str] = {
    "title": "{title}",
    "description": "{description}",
    "section": "{section}",
    "product": "{project}",
    "site": "{project}",
    "domain": "{domain}",
    "author": "{author}",
    "version": "{version}",
}

# Builders whose pages are not on the web: their pages get no card.
_OFFLINE_BUILDERS = frozenset({"epub", "json", "pickle", "applehelp", "devhelp", "htmlhelp", "qthelp"})

# A card or its fit report, as CardBuilder names them: <slug>-<12 hex digits>.png[.json].
_CARD_FILE = re.compile(r"([a-z0-9-]+-[0-9a-f]{12}\.png)(?:\.json)?")

# Attributes on the build environment (pickled with it between builds).
_EXCERPTS = "svgog_excerpts"
_MANIFEST = "svgog_cards"

FieldValue = str | Callable[["PageInfo"], "str | None"] | None


# -- what a card is made of ---------------------------------------------------------------------


class _Blank(dict[str, str]):
    """Page metadata for format strings: ``{meta[name]}`` is empty when the page has no such field."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class PageInfo:
    """A page, as ``svgog_fields`` sees it.

    Each attribute is a variable of the format strings (``"{project} docs"``,
    ``"{meta[audience]}"``); a function is called with the object itself.

    :ivar docname: The page's document name, e.g. ``guide/install``.
    :ivar title: The page's title.
    :ivar description: The ``:description:`` (or ``:og:description:``)
        field, a ``.. meta::`` description, or the first paragraph cut to
        about 200 characters.
    :ivar section: The titles of the page's ancestors in the toctree, below
        the root document, joined with `` / `` (empty for top-level pages).
    :ivar project: ``project`` from ``conf.py``.
    :ivar author: ``author``.
    :ivar version: ``version``.
    :ivar release: ``release``.
    :ivar domain: The site URL's host and path, e.g. ``docs.example.com``.
    :ivar meta: The page's file-wide fields (``:name: value`` at its top,
        or front matter), as text; a missing name reads as empty.
    """

    docname: str
    title: str
    description: str
    section: str
    project: str
    author: str
    version: str
    release: str
    domain: str
    meta: Mapping[str, str] = field(default_factory=dict)

    def variables(self) -> dict[str, Any]:
        """The format strings' variables."""
        values: dict[str, Any] = asdict(self)
        values["meta"] = _Blank(self.meta)
        return values


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters, with an ellipsis when cut.

    >>> excerpt("Install   the\\npackage.")
    'Install the package.'
    >>> excerpt("Create, rotate and scope keys for your server.", 24)
    'Create, rotate and…'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # Text without spaces (Chinese, Japanese) is cut anywhere; a word is kept whole.
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def description_of(doctree: nodes.document) -> str:
    """A page's description from its text: a ``.. meta::`` description, else its first paragraph."""
    for meta in doctree.findall(nodes.meta):
        if meta.get("name") == "description" and meta.get("content"):
            return " ".join(str(meta["content"]).split())
    for paragraph in doctree.findall(nodes.paragraph):
        # Only the body's own paragraphs: not field lists, admonitions, tables or sidebars.
        if isinstance(paragraph.parent, (nodes.section, nodes.document)):
            return excerpt(paragraph.astext())
    return ""


class DescriptionCollector(EnvironmentCollector):
    """Keeps each page's description from its text while Sphinx reads it (no doctree is read again later)."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        _excerpts(env).pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
        theirs = _excerpts(other)
        ours = _excerpts(env)
        for docname in docnames:
            if docname in theirs:
                ours[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        _excerpts(app.env)[app.env.docname] = description_of(doctree)


def _excerpts(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, _EXCERPTS):
        setattr(env, _EXCERPTS, {})
    excerpts: dict[str, str] = getattr(env, _EXCERPTS)
    return excerpts


def _manifest(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    """Each page's card and tag values from the last build, by docname."""
    manifest: dict[str, dict[str, Any]] = getattr(env, _MANIFEST, {})
    return manifest


# -- configuration ------------------------------------------------------------------------------


def site_url(config: Config) -> str | None:
    """The site's root URL, ending in ``/``.

    ``svgog_site_url``, else ``html_baseurl``, else sphinxext-opengraph's
    ``ogp_site_url``, else Read the Docs' ``READTHEDOCS_CANONICAL_URL``.
    """
    candidates = (
        config.svgog_site_url,
        config.html_baseurl,
        getattr(config, "ogp_site_url", None),
        os.environ.get("READTHEDOCS_CANONICAL_URL"),
    )
    for url in candidates:
        if url:
            return str(url).rstrip("/") + "/"
    return None


def _paths(app: Sphinx, value: str | os.PathLike[str] | list[Any] | tuple[Any, ...] | None) -> list[Path]:
    """Configured paths, relative ones from the directory of ``conf.py``."""
    if not value:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [Path(app.confdir, item) for item in items]


def _cache_dir(app: Sphinx) -> Path | None:
    value = app.config.svgog_cache_dir
    if value is False:
        return None
    if value:
        return Path(app.confdir, value)
    # Beside Sphinx's own state: kept between builds, gone with `make clean`.
    return Path(app.doctreedir, "svgog")


def _concurrency(app: Sphinx) -> int:
    value = app.config.svgog_concurrency
    return int(value) if value else max(1, int(app.parallel))


def check_config(app: Sphinx, config: Config) -> None:
    """Refuse settings that cannot work before reading a single page."""
    fields = config.svgog_fields
    if not isinstance(fields, Mapping):
        raise ConfigError("svgog_fields must be a dict of template field names to format strings or functions")
    for name, value in fields.items():
        if value is not None and not isinstance(value, str) and not callable(value):
            raise ConfigError(f"svgog_fields[{name!r}] must be a format string, a function or None")
    for directory in _paths(app, config.svgog_templates):
        if not directory.is_dir():
            raise ConfigError(f"svgog_templates: {directory} is not a directory")


# -- the cards ----------------------------------------------------------------------------------


def _serves_cards(app: Sphinx) -> bool:
    builder = app.builder
    return builder is not None and builder.format == "html" and builder.name not in _OFFLINE_BUILDERS


def _documents(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The documents the builder writes a page for."""
    if app.builder.name == "singlehtml":
        return [app.config.root_doc]
    return sorted(env.found_docs)


def _sections(app: Sphinx, env: BuildEnvironment) -> dict[str, str]:
    """Each document's breadcrumb: its toctree ancestors' titles below the root document."""
    parents: dict[str, str] = {}
    for parent, children in sorted(env.toctree_includes.items()):
        for child in children:
            parents.setdefault(child, parent)
    root = app.config.root_doc
    sections: dict[str, str] = {}
    for docname in env.found_docs:
        trail: list[str] = []
        seen = {docname}
        ancestor = parents.get(docname)
        while ancestor is not None and ancestor != root and ancestor not in seen:
            seen.add(ancestor)
            trail.append(_title(env, ancestor, ""))
            ancestor = parents.get(ancestor)
        sections[docname] = " / ".join(t for t in reversed(trail) if t)
    return sections


def _title(env: BuildEnvironment, docname: str, fallback: str) -> str:
    node = env.titles.get(docname)
    text = " ".join(node.astext().split()) if node is not None else ""
    # Sphinx titles a page without a heading "<no title>".
    return text if text and text != "<no title>" else fallback


def page_info(app: Sphinx, env: BuildEnvironment, docname: str, section: str, url: str | None) -> PageInfo:
    """What ``svgog_fields`` sees of a page."""
    config = app.config
    meta = {str(k): v if isinstance(v, str) else str(v) for k, v in env.metadata.get(docname, {}).items()}
    # sphinxext-opengraph's field counts too: one line gives the tags and the card the same text.
    description = meta.get("description") or meta.get("og:description") or _excerpts(env).get(docname, "")
    parts = urlsplit(url or "")
    return PageInfo(
        docname=docname,
        title=_title(env, docname, str(config.project or docname)),
        description=" ".join(description.split()),
        section=section,
        project=str(config.project or ""),
        author=str(config.author or ""),
        version=str(config.version or ""),
        release=str(config.release or ""),
        domain=(parts.netloc + parts.path).rstrip("/"),
        meta=meta,
    )


def _value(name: str, value: FieldValue, info: PageInfo) -> str | None:
    """One configured field's value for a page (``None``: leave it out)."""
    if value is None:
        return None
    if callable(value):
        result = value(info)
        return None if result is None else str(result)
    try:
        return value.format_map(info.variables())
    except (KeyError, AttributeError, IndexError, ValueError) as exc:
        known = ", ".join(f"{{{key}}}" for key in info.variables())
        raise ConfigError(f"svgog_fields[{name!r}] = {value!r}: {exc!r} (the variables: {known})") from exc


def card_fields(info: PageInfo, declared: Mapping[str, Any], configured: Mapping[str, FieldValue]) -> dict[str, str]:
    """A page's card fields: the standard ones the template has, then ``svgog_fields``.

    Values longer than a field's ``max-length`` are cut at a word, with an ellipsis.
    """
    fields: dict[str, str] = {}
    for name, pattern in STANDARD_FIELDS.items():
        if name in declared and (text := _value(name, pattern, info)):
            fields[name] = text
    for name, value in configured.items():
        text = _value(name, value, info)
        if text is None:
            fields.pop(name, None)
        else:
            fields[name] = text
    for name, text in fields.items():
        limit = getattr(declared.get(name), "max_length", None)
        if limit and len(text) > limit:
            fields[name] = excerpt(text, limit)
    return fields


def _pages(app: Sphinx, env: BuildEnvironment, builder: CardBuilder, url: str | None) -> tuple[list[Page], dict[str, PageInfo]]:
    """The cards to build, and what each page is, by docname."""
    sections = _sections(app, env)
    pages: list[Page] = []
    infos: dict[str, PageInfo] = {}
    for docname in _documents(app, env):
        info = page_info(app, env, docname, sections.get(docname, ""), url)
        infos[docname] = info
        template = info.meta.get("svgog-template") or app.config.svgog_template
        try:
            declared = builder.renderer.template(template).fields
        except SvgogError as exc:
            log.warning("svgog: %s: %s", docname, exc, type="svgog", subtype="card", location=docname)
            continue
        fields = card_fields(info, declared, app.config.svgog_fields)
        pages.append(Page(id=docname, template=template, fields=fields, slug=docname.replace("/", "-")))
    return pages, infos


def _entry(app: Sphinx, card: BuiltCard, info: PageInfo, url: str | None) -> dict[str, Any]:
    """What a page's tags say: compared between builds to find pages to write again."""
    return {
        "card": card.filename,
        "width": card.width,
        "height": card.height,
        "image": urljoin(url, f"{CARDS_DIR}/{card.filename}") if url else None,
        "page": urljoin(url, app.builder.get_target_uri(info.docname)) if url else None,
        "title": info.title,
        "description": info.description,
        "site_name": info.project,
    }


def _report(card: BuiltCard) -> None:
    """Warn about text a rendered card could not draw (a font missing characters)."""
    for fit in card.report:
        for message in fit.get("warnings", ()):
            log.warning("svgog: %s: %s", card.page.id, message, type="svgog", subtype="fit", location=card.page.id)
        if fit.get("truncated"):
            log.verbose("svgog: %s: %s was cut to fit", card.page.id, fit.get("field"))


def _prune(cards_dir: Path, keep: Set[str]) -> None:
    """Delete the cards no page uses any more (pages whose card changed were written again)."""
    if not cards_dir.is_dir():
        return
    for path in cards_dir.iterdir():
        match = _CARD_FILE.fullmatch(path.name)
        if match is not None and match[1] not in keep:
            path.unlink(missing_ok=True)


def _card_builder(app: Sphinx) -> CardBuilder:
    """The builder of this site's cards; settings it cannot work with are configuration errors."""
    try:
        builder = CardBuilder(
            Path(app.outdir, CARDS_DIR),
            cache_dir=_cache_dir(app),
            renderer_options={
                # The site's templates first; the bundled ones stay available by name.
                "templates": [*_paths(app, app.config.svgog_templates), bundled_templates_dir()],
                "fonts": _paths(app, app.config.svgog_fonts) or None,
            },
            concurrency=_concurrency(app),
        )
        builder.renderer.template(app.config.svgog_template)
    except SvgogError as exc:
        raise ConfigError(f"svgog: {exc}") from exc
    return builder


def build_cards(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Render every page's card in one batch, after reading and before writing (``env-updated``).

    Returns the pages whose card or tags changed while their source did
    not, for Sphinx to write them again.
    """
    if not _serves_cards(app):
        return []
    url = site_url(app.config)
    if url is None:
        log.warning(
            "svgog: no site URL (set svgog_site_url or html_baseurl): the cards are built, "
            "but pages get no Open Graph tags, which need absolute URLs",
            type="svgog",
            subtype="site_url",
            once=True,
        )
    builder = _card_builder(app)
    pages, infos = _pages(app, env, builder, url)
    cards, stats = builder.build(pages)
    for failure in stats.failed:
        log.warning("svgog: %s", failure, type="svgog", subtype="card")
    for card in cards.values():
        if card.rendered:
            _report(card)
    log.info(stats.summary())
    _prune(builder.cards_dir, {card.filename for card in cards.values()})
    previous = _manifest(env)
    manifest = {docname: _entry(app, card, infos[docname], url) for docname, card in cards.items()}
    setattr(env, _MANIFEST, manifest)
    # Pages read in this build are written anyway; the others were written with their old card or tags.
    changed = {d for d in set(previous) | set(manifest) if previous.get(d) != manifest.get(d)}
    return sorted(changed & env.found_docs)


# -- the tags -----------------------------------------------------------------------------------


def add_meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None) -> None:
    """Put a page's card in its ``<meta>`` tags (``html-page-context``)."""
    if doctree is None or not _serves_cards(app):
        return  # generated pages: the index, the search page
    entry = _manifest(app.env).get(pagename)
    if entry is None or not entry["image"]:
        return
    if "sphinxext.opengraph" in app.extensions:
        _hand_to_opengraph(context, entry)
        return
    tags = meta_tags(
        image_url=entry["image"],
        width=entry["width"],
        height=entry["height"],
        title=entry["title"],
        description=entry["description"] or None,
        page_url=entry["page"],
        site_name=entry["site_name"] or None,
    )
    context["metatags"] = f"{context.get('metatags', '')}\n{tags}\n"


def _hand_to_opengraph(context: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Make the card sphinxext-opengraph's ``og:image`` for the page, instead of writing tags of our own.

    sphinxext-opengraph takes a page's image from its ``og:image`` field
    before ``ogp_image``, ``ogp_use_first_image`` and its own social cards,
    and writes the page's other ``og:*`` fields as tags: the card's size
    and type go there. It runs after this handler (priority). The fields
    are a copy: the environment's metadata stays as the page has it.
    """
    meta = dict(context.get("meta") or {})
    if "ogp_disable" in meta or "og:image" in meta:
        return  # the page opted out, or chose its own image
    meta["og:image"] = entry["image"]
    meta.setdefault("og:image:alt", entry["title"])
    meta["og:image:width"] = str(entry["width"])
    meta["og:image:height"] = str(entry["height"])
    meta["og:image:type"] = "image/png"
    context["meta"] = meta
    # sphinxext-opengraph writes twitter:card only for its own cards; X reads the og: tags for the rest.
    card = '<meta name="twitter:card" content="summary_large_image">'
    context["metatags"] = f"{context.get('metatags', '')}\n{card}\n"


# -- the extension ------------------------------------------------------------------------------


def setup(app: Sphinx) -> dict[str, Any]:
    """Register svgog's settings and events with Sphinx."""
    # Rebuild "": a changed setting needs no page read again; the pages whose
    # cards or tags it changes are written again by build_cards.
    app.add_config_value("svgog_template", "docs", "", types=(str,))
    app.add_config_value("svgog_templates", None, "", types=(str, list, tuple, type(None)))
    app.add_config_value("svgog_fonts", None, "", types=(str, list, tuple, type(None)))
    app.add_config_value("svgog_fields", {}, "", types=(dict,))
    app.add_config_value("svgog_site_url", None, "", types=(str, type(None)))
    app.add_config_value("svgog_cache_dir", None, "", types=(str, bool, type(None)))
    app.add_config_value("svgog_concurrency", None, "", types=(int, type(None)))
    app.add_env_collector(DescriptionCollector)
    app.connect("config-inited", check_config)
    app.connect("env-updated", build_cards)
    # Before sphinxext-opengraph's handler (priority 500), which reads the og:image we set.
    app.connect("html-page-context", add_meta_tags, priority=400)
    return {
        "version": __version__,
        # The descriptions and card manifest kept on the environment.
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
