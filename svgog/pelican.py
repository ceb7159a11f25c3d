"""Open Graph cards for a Pelican site: one per article and page, rendered at build time.

Enable it with ``PLUGINS = ["svgog.pelican"]`` in ``pelicanconf.py``; a
wheel install of svgog also puts ``pelican.plugins.svgog`` in Pelican's
plugin namespace, which Pelican 4.5+ loads by itself when ``PLUGINS`` is not
set (or finds as ``PLUGINS = ["svgog"]``).

Once Pelican has read the content (``all_generators_finalized``), the
plugin renders every article's and page's card in one batch with
:class:`~svgog.sitecards.CardBuilder` into ``OUTPUT_PATH/SVGOG_CARDS_DIR``
and gives each content object what a theme needs:

- ``og_image`` (the card's absolute URL), ``og_image_width``, ``og_image_height``;
- ``svgog_meta``: the page's Open Graph and Twitter ``<meta>`` tags (Markup).

Pelican's own themes print neither, so the plugin also inserts the tags
into the ``<head>`` of each article and page it writes
(``SVGOG_INSERT_TAGS = False`` turns that off). A head that has an
``og:image`` already (its theme prints ``svgog_meta``, or an image of its
own) is left as it is, and a tag the theme writes (``og:title``, say) is
not written twice.

Settings (all optional): ``SVGOG_TEMPLATE``, ``SVGOG_TEMPLATES_DIR``,
``SVGOG_FONTS``, ``SVGOG_FIELDS``, ``SVGOG_CARDS_DIR``, ``SVGOG_CACHE_DIR``,
``SVGOG_CONCURRENCY``, ``SVGOG_FORMAT``, ``SVGOG_INSERT_TAGS``. Metadata of
an article or page: ``svgog: false`` (no card; so does an ``og_image`` of its
own), ``svgog_template: quote`` (another template), ``svgog_<field>: text``
(a field's value as given).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator, PagesGenerator

from .errors import SvgogError
from .metadata import Field
from .renderer import Renderer
from .resources import bundled_templates_dir
from .serving.tags import meta_tags
from .sitecards import BuiltCard, CardBuilder, Page

__all__ = [
    "DEFAULT_FIELDS",
    "CardSettings",
    "build_cards",
    "card_page",
    "field_values",
    "insert_into_head",
    "insert_tags",
    "register",
]

logger = logging.getLogger(__name__)

#: Card fields and the format strings that fill them, over an article's
#: attributes. A template gets those of its fields that it declares; a name
#: ``SVGOG_FIELDS`` gives replaces the default, and an empty string drops it
#: (the template's default applies).
DEFAULT_FIELDS: dict[str, str] = {
    "title": "{title}",
    "site": "{sitename}",
    "product": "{sitename}",
    "category": "{category}",
    "section": "{category}",
    "author": "{author}",
    "date": "{date}",
    "domain": "{domain}",
    "description": "{summary}",
}

_MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_OFF = {"false", "no", "off", "0", "none"}
# A <meta> tag's property or name, as themes write them (either attribute, either quote).
_META_KEY = re.compile(r"""<meta\b[^>]*?\b(?:property|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_OG_IMAGE_CONTENT = re.compile(r'<meta property="og:image" content="([^"]*)"')
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
# og:description is a sentence or two: networks cut it to about 200 characters anyway.
_DESCRIPTION_LENGTH = 300


@dataclass(frozen=True)
class CardSettings:
    """The plugin's settings, read from Pelican's and checked once per build."""

    template: str
    templates: tuple[Path, ...]
    fonts: tuple[Path, ...]
    fields: Mapping[str, str]
    #: The names ``SVGOG_FIELDS`` gave: a template without one of them is worth a warning.
    given_fields: frozenset[str]
    cards_dir: Path
    cards_url: str
    cache_dir: Path | None
    concurrency: int
    format: str
    insert_tags: bool
    siteurl: str
    sitename: str

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any], output_path: str | os.PathLike[str]) -> CardSettings:
        """Read the ``SVGOG_*`` settings; :class:`SvgogError` names a bad one."""
        given = settings.get("SVGOG_FIELDS") or {}
        if not isinstance(given, Mapping):
            raise SvgogError(f"SVGOG_FIELDS must be a dict of field name to format string, not {type(given).__name__}")
        fields = {**DEFAULT_FIELDS, **{str(k): str(v) for k, v in given.items()}}
        relative = PurePosixPath(str(settings.get("SVGOG_CARDS_DIR", "images/social")).replace(os.sep, "/"))
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise SvgogError(f"SVGOG_CARDS_DIR must be a folder inside OUTPUT_PATH, not {str(relative)!r}")
        format = str(settings.get("SVGOG_FORMAT", "png")).lower()
        if format not in _MEDIA_TYPES:
            raise SvgogError(f"SVGOG_FORMAT must be one of {', '.join(_MEDIA_TYPES)}, not {format!r}")
        # Beside Pelican's own cache (CACHE_PATH, made absolute by Pelican) unless set; None: no cache.
        cache = settings.get("SVGOG_CACHE_DIR", os.path.join(settings.get("CACHE_PATH") or "cache", "svgog"))
        return cls(
            template=str(settings.get("SVGOG_TEMPLATE", "blog")),
            # The bundled templates stay reachable after a site's own (which win on a name).
            templates=(*_paths(settings.get("SVGOG_TEMPLATES_DIR"), "SVGOG_TEMPLATES_DIR"), bundled_templates_dir()),
            fonts=_paths(settings.get("SVGOG_FONTS"), "SVGOG_FONTS"),
            fields={name: value for name, value in fields.items() if value},
            given_fields=frozenset(str(name) for name in given),
            cards_dir=Path(output_path) / Path(*relative.parts),
            cards_url="/".join(quote(part) for part in relative.parts),
            cache_dir=Path(cache).expanduser().absolute() if cache else None,
            concurrency=_concurrency(settings.get("SVGOG_CONCURRENCY")),
            format=format,
            insert_tags=bool(settings.get("SVGOG_INSERT_TAGS", True)),
            siteurl=str(settings.get("SITEURL") or "").rstrip("/"),
            sitename=_plain(settings.get("SITENAME") or ""),
        )

    @property
    def absolute(self) -> bool:
        """Whether ``SITEURL`` is an absolute http(s) URL, as ``og:image`` needs."""
        parts = urlsplit(self.siteurl)
        return parts.scheme in ("http", "https") and bool(parts.netloc)

    def renderer_options(self) -> dict[str, Any]:
        """:class:`~svgog.Renderer` arguments (strings: they are sent to worker processes)."""
        options: dict[str, Any] = {"templates": [str(path) for path in self.templates]}
        if self.fonts:
            options["fonts"] = [str(path) for path in self.fonts]
        return options


def _paths(value: object, name: str) -> tuple[Path, ...]:
    """One path or a list of them; relative ones are taken from the directory Pelican runs in."""
    if not value:
        return ()
    items = [value] if isinstance(value, (str, os.PathLike)) else value
    if not isinstance(items, Iterable):
        raise SvgogError(f"{name} must be a path or a list of paths, not {type(value).__name__}")
    paths = tuple(Path(item).expanduser().absolute() for item in items)
    for path in paths:
        if not path.exists():
            raise SvgogError(f"{name}: {path} does not exist")
    return paths


def _concurrency(value: object) -> int:
    """Worker processes: one unless set (starting workers takes longer than a small build's cards), 0: one per CPU."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SvgogError(f"SVGOG_CONCURRENCY must be a whole number of processes (0: one per CPU), not {value!r}")
    return value or os.cpu_count() or 1


# -- the build ------------------------------------------------------------------------------------


@dataclass
class _Run:
    """What the last build decided: the tags to insert into each written file, by its path.

    The card builder is kept for the next build with the same settings
    (``pelican --autoreload``): its renderer has the fonts and templates loaded.
    """

    tags: dict[str, str] = field(default_factory=dict)
    insert: bool = True
    builder: CardBuilder | None = None
    builder_key: tuple[object, ...] = ()


# One Pelican process builds one site at a time (again and again with --autoreload).
_run = _Run()


def register() -> None:
    """Connect the plugin to Pelican's signals (Pelican calls this)."""
    signals.all_generators_finalized.connect(build_cards)
    signals.content_written.connect(insert_tags)


def build_cards(generators: list[Any]) -> None:
    """Render the cards of all articles and pages and give each its ``og_image`` and ``svgog_meta``."""
    _run.tags = {}
    if not generators:
        return
    settings = CardSettings.from_pelican(generators[0].settings, generators[0].output_path)
    _run.insert = settings.insert_tags
    if not settings.absolute:
        # Once per process: `pelican --autoreload` with a development SITEURL would repeat it on every change.
        _warn_once(
            ("siteurl", settings.siteurl),
            f"svgog: SITEURL {settings.siteurl!r} is not an absolute URL such as https://example.com: og:image "
            "is written relative to the site, which social networks do not follow, and og:url is left out. "
            "Set SITEURL (in publishconf.py, for instance) before publishing.",
        )
    builder = _card_builder(settings)
    items = _contents(generators)
    pages: list[Page] = []
    failed: list[str] = []
    for content in items:
        try:
            page = card_page(content, settings, builder.renderer)
        except SvgogError as exc:
            failed.append(f"{_identity(content)}: {exc}")
            continue
        if page is not None:
            pages.append(page)
    cards, stats = builder.build(pages)
    for message in [*failed, *stats.failed]:
        logger.warning("svgog: no card for %s", message)
    for content in items:
        card = cards.get(_identity(content))
        if card is not None:
            _apply(content, card, settings, Path(generators[0].output_path))
    logger.info("%s", stats.summary())


def _card_builder(settings: CardSettings) -> CardBuilder:
    """The previous build's card builder while the settings are the same, else a new one.

    :raises SvgogError: ``SVGOG_TEMPLATE`` names no template: said once, not for every page.
    """
    options = settings.renderer_options()
    key = (settings.cards_dir, settings.cache_dir, repr(options), settings.concurrency, settings.format)
    if _run.builder is None or _run.builder_key != key:
        _run.builder = CardBuilder(
            settings.cards_dir,
            cache_dir=settings.cache_dir,
            renderer_options=options,
            concurrency=settings.concurrency,
            format=settings.format,
        )
        _run.builder_key = key
    try:
        _run.builder.renderer.template(settings.template)
    except SvgogError as exc:
        raise SvgogError(f"svgog: SVGOG_TEMPLATE: {exc}") from exc
    return _run.builder


def _contents(generators: Iterable[Any]) -> list[Any]:
    """Every article and page Pelican writes: published, hidden and draft, with their translations."""
    names = {
        ArticlesGenerator: (
            "articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations",
        ),
        PagesGenerator: (
            "pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations",
        ),
    }  # fmt: skip
    seen: set[int] = set()
    found: list[Any] = []
    for generator in generators:
        for kind, attributes in names.items():
            if not isinstance(generator, kind):
                continue
            for attribute in attributes:
                for content in getattr(generator, attribute, ()):
                    if id(content) not in seen:
                        seen.add(id(content))
                        found.append(content)
    return found


def _identity(content: Any) -> str:
    """An article's or page's id for its card and its warnings: its source file."""
    return str(getattr(content, "source_path", None) or content.save_as)


def card_page(content: Any, settings: CardSettings, renderer: Renderer) -> Page | None:
    """The card an article or page asks for.

    ``None`` when its metadata says ``svgog: false``, or names an image of
    its own (``og_image``): the author's choice stands.
    """
    metadata: Mapping[str, Any] = getattr(content, "metadata", {})
    if str(metadata.get("svgog", "")).strip().lower() in _OFF or metadata.get("og_image"):
        return None
    template = str(metadata.get("svgog_template") or settings.template).strip()
    declared = renderer.template(template).fields
    values = field_values(content, settings)
    fields: dict[str, str] = {}
    for name, pattern in settings.fields.items():
        if name not in declared:
            if name in settings.given_fields:
                _warn_once(
                    ("fields", template, name),
                    f"svgog: template {template!r} has no field {name!r} (set in SVGOG_FIELDS); left out",
                )
            continue
        fields[name] = _format(pattern, values, name, _identity(content))
    for key, value in metadata.items():
        # svgog_<field>: the article sets a field itself, verbatim.
        name = key.removeprefix("svgog_") if key.startswith("svgog_") else ""
        if not name or name == "template":
            continue
        if name in declared:
            fields[name] = str(value).strip()
        else:
            _warn_once(
                ("metadata", template, name),
                f"svgog: template {template!r} has no field {name!r} ({key} in {_identity(content)}); left out",
            )
    fitted = {name: _fit(value, declared[name], renderer.max_length) for name, value in fields.items() if value}
    return Page(id=_identity(content), template=template, fields=fitted, slug=str(content.slug or "card"))


def field_values(content: Any, settings: CardSettings) -> dict[str, object]:
    """The names ``SVGOG_FIELDS`` format strings can use for one article or page, as plain text.

    Every metadata key, and: ``title``, ``summary`` (HTML stripped),
    ``author`` (all authors), ``category`` (articles'), ``tags``, ``date`` and
    ``modified`` (as the site formats them; ``{date:%Y}`` formats them
    anew), ``sitename``, ``siteurl``, ``domain`` (SITEURL's host), ``slug``,
    ``url`` (the page's absolute URL) and ``lang``.
    """
    values: dict[str, object] = {key: _value(value) for key, value in getattr(content, "metadata", {}).items()}
    authors = getattr(content, "authors", None) or ([content.author] if getattr(content, "author", None) else [])
    date = getattr(content, "date", None)
    modified = getattr(content, "modified", None)
    values.update(
        title=_plain(getattr(content, "title", "")),
        summary=_plain(getattr(content, "summary", None) or ""),
        author=", ".join(str(author) for author in authors),
        # Pelican gives pages the folder they are in ("pages") as a category: not one to show.
        category=str(getattr(content, "category", None) or "") if isinstance(content, Article) else "",
        tags=", ".join(str(tag) for tag in getattr(content, "tags", None) or ()),
        date=_Date(date, getattr(content, "locale_date", "")) if isinstance(date, datetime) else _Date(None, ""),
        modified=(
            _Date(modified, getattr(content, "locale_modified", ""))
            if isinstance(modified, datetime)
            else _Date(None, "")
        ),
        sitename=settings.sitename,
        siteurl=settings.siteurl,
        domain=urlsplit(settings.siteurl).hostname or "",
        slug=str(getattr(content, "slug", "") or ""),
        url=f"{settings.siteurl}/{content.url}",
        lang=str(getattr(content, "lang", "") or ""),
    )
    return values


class _Date:
    """A date that formats as the site writes it, or with a ``strftime`` pattern: ``{date:%Y}``.

    A page without the date (Pelican's pages have none) formats as empty text, whatever the pattern.
    """

    def __init__(self, value: datetime | None, text: str) -> None:
        self.value = value
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        if self.value is None or not spec:
            return self.text
        return self.value.strftime(spec)


class _Values(dict[str, object]):
    """Format values: a name the page lacks reads as empty text, and is noted for a warning."""

    def __init__(self, values: Mapping[str, object]) -> None:
        super().__init__(values)
        self.missing: list[str] = []

    def __missing__(self, key: str) -> object:
        self.missing.append(key)
        return ""


def _format(pattern: str, values: Mapping[str, object], name: str, page: str) -> str:
    """One field's format string filled in; :class:`SvgogError` when the pattern cannot be applied."""
    available = _Values(values)
    try:
        text = pattern.format_map(available)
    except (ValueError, AttributeError, IndexError, TypeError) as exc:
        raise SvgogError(f"SVGOG_FIELDS[{name!r}]: cannot format {pattern!r}: {exc}") from None
    for key in available.missing:
        # Optional metadata (a subtitle some articles have) is fine; a misspelt name is worth a word, once.
        _warn_once(
            ("missing", name, key),
            f"svgog: SVGOG_FIELDS[{name!r}] uses {{{key}}}, which {page} (and maybe others) lacks: it reads as empty",
        )
    return _plain(text)


def _value(value: object) -> object:
    """A metadata value as text (lists joined), dates kept for their format spec."""
    if isinstance(value, datetime):
        return _Date(value, value.isoformat(sep=" "))
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(str(item)) for item in value)
    return _plain(str(value)) if isinstance(value, str) else value


def _plain(html: object) -> str:
    """Text without tags, entities decoded, whitespace collapsed (Pelican's titles and summaries are HTML)."""
    return Markup(str(html)).striptags()


def _fit(value: str, spec: Field, default_limit: int) -> str:
    """A text value cut to the field's length limit with an ellipsis: a long summary should not cost the card."""
    if spec.kind != "text" or spec.allowed:
        return value
    limit = min(default_limit, spec.max_length) if spec.max_length else default_limit
    return _shorten(value, limit)


def _shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word when one ends in its second half."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


_warned: set[tuple[str, ...]] = set()


def _warn_once(key: tuple[str, ...], message: str) -> None:
    """Log a warning about a setting once per process, not once per page."""
    if key not in _warned:
        _warned.add(key)
        logger.warning("%s", message)


# -- the page's tags ------------------------------------------------------------------------------


def _apply(content: Any, card: BuiltCard, settings: CardSettings, output_path: Path) -> None:
    """Give an article or page its card's attributes, and note its tags for its written file."""
    image = f"{settings.siteurl}/{settings.cards_url}/{quote(card.filename)}"
    metadata: Mapping[str, Any] = getattr(content, "metadata", {})
    title = _plain(getattr(content, "title", ""))
    description = _plain(metadata.get("description") or getattr(content, "summary", None) or "")
    tags = meta_tags(
        image_url=image,
        width=card.width,
        height=card.height,
        title=title,
        description=_shorten(description, _DESCRIPTION_LENGTH) or None,
        # A relative og:url is worse than none: networks then take the shared URL.
        page_url=f"{settings.siteurl}/{content.url}" if settings.absolute else None,
        site_name=settings.sitename or None,
        type="article" if isinstance(content, Article) else "website",
        media_type=_MEDIA_TYPES[settings.format],
    )
    content.og_image = image
    content.og_image_width = card.width
    content.og_image_height = card.height
    content.svgog_meta = Markup(tags)
    if content.save_as:
        _run.tags[_key(output_path / content.save_as)] = tags


def _key(path: str | os.PathLike[str]) -> str:
    """A written file's path as the tags are filed under: Pelican's own spelling of it may differ."""
    return os.path.normcase(os.path.realpath(path))


def insert_tags(path: str, context: Mapping[str, Any] | None = None, **_: Any) -> None:
    """After Pelican writes an article or page: put its card's tags at the end of its ``<head>``."""
    if not _run.insert:
        return
    tags = _run.tags.get(_key(path))
    if tags is None:
        return
    file = Path(path)
    html = file.read_text(encoding="utf-8")
    updated = insert_into_head(html, tags)
    if updated is not None:
        file.write_text(updated, encoding="utf-8")
        return
    image = _OG_IMAGE_CONTENT.search(tags)
    if image is not None and image.group(1) not in html:
        # The theme wrote an og:image of its own (a logo, a cover): it stays, and so does the rest of its head.
        _warn_once(
            ("theme",),
            f"svgog: {path} already has an og:image (from its theme), so svgog added no tags to it (nor to "
            "other such pages); the theme can print {{ article.svgog_meta }} or use {{ article.og_image }} instead",
        )


def insert_into_head(html: str, tags: str) -> str | None:
    """``html`` with ``tags`` before ``</head>``, leaving out those the head has already.

    ``None`` when there is no ``</head>``, when the head has an ``og:image``
    (the page has its preview), or when it has every tag.

    >>> html = '<head>\\n  <meta property="og:title" content="Mine">\\n</head>'
    >>> print(insert_into_head(html, '<meta property="og:title" content="T">\\n<meta property="og:image" content="x">'))
    <head>
      <meta property="og:title" content="Mine">
      <meta property="og:image" content="x">
    </head>
    """
    end = _HEAD_END.search(html)
    if end is None:
        return None
    at = end.start()
    present = {key.lower() for key in _META_KEY.findall(html, 0, at)}
    if "og:image" in present:
        return None
    wanted = [tag for tag in tags.splitlines() if not (key := _META_KEY.search(tag)) or key.group(1).lower() not in present]
    if not wanted:
        return None
    line_start = html.rfind("\n", 0, at) + 1
    if html[line_start:at].strip():
        # </head> shares its line with other markup: no indentation to follow.
        return html[:at] + "\n" + "\n".join(wanted) + "\n" + html[at:]
    # The tags go on lines of their own before the line of </head>, indented as the line above it.
    above = html[html.rfind("\n", 0, max(0, line_start - 1)) + 1 : max(0, line_start - 1)]
    indent = above[: len(above) - len(above.lstrip())]
    return html[:line_start] + "".join(f"{indent}{tag}\n" for tag in wanted) + html[line_start:]
