"""The Sphinx extension, through real ``sphinx-build -b html`` runs of a small project."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import ROOT, png_size
from sphinx.errors import ConfigError

from svgog.sphinx import PageInfo, card_fields, excerpt

SITE = "https://docs.acme.dev/"
SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")

CONF = """\
project = "Acme Docs"
author = "Acme"
extensions = {extensions!r}
html_baseurl = {baseurl!r}
svgog_concurrency = 1
{extra}
"""

SOURCES = {
    "index.rst": """\
Welcome to Acme
===============

Acme turns widgets into gadgets, quickly and safely.

.. toctree::

   guide/index
   intro-ja
""",
    "guide/index.rst": """\
Guides
======

Everything you need to run Acme in production.

.. toctree::

   keys
""",
    "guide/keys.rst": """\
:description: Create, rotate and scope keys for your server, then send them in the Authorization header.

Authenticate requests with API keys
===================================

.. note:: Not a description: admonitions are skipped.

Keys are secrets: keep them out of the repository.
""",
    "intro-ja.rst": """\
はじめに：Acme のインストール
=============================

Acme をインストールして、最初のウィジェットを作りましょう。
""",
}

PAGES = {
    "index": ("Welcome to Acme", "Acme turns widgets into gadgets, quickly and safely."),
    "guide/index": ("Guides", "Everything you need to run Acme in production."),
    "guide/keys": (
        "Authenticate requests with API keys",
        "Create, rotate and scope keys for your server, then send them in the Authorization header.",
    ),
    "intro-ja": ("はじめに：Acme のインストール", "Acme をインストールして、最初のウィジェットを作りましょう。"),
}

SUMMARY = re.compile(r"svgog: (\d+) cards rendered, (\d+) from the cache, (\d+) failed")


# -- helpers ------------------------------------------------------------------------------------


@dataclass
class Site:
    src: Path
    out: Path
    log: str

    def page(self, docname: str) -> list[tuple[str, str]]:
        return meta_of((self.out / f"{docname}.html").read_text())

    def card(self, docname: str) -> Path:
        image = one(self.page(docname), "og:image")
        assert image.startswith(f"{SITE}_images/social/"), image
        return self.out / image.removeprefix(SITE)


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and key and values.get("content") is not None:
            self.tags.append((key, values["content"] or ""))


def meta_of(html: str) -> list[tuple[str, str]]:
    """The page's ``<meta>`` tags, as (property or name, content), in order."""
    parser = _Meta()
    parser.feed(html)
    return parser.tags


def one(tags: list[tuple[str, str]], key: str) -> str:
    values = [content for name, content in tags if name == key]
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def summary(log: str) -> tuple[int, int, int]:
    found = SUMMARY.findall(log)
    assert len(found) == 1, log
    rendered, cached, failed = map(int, found[0])
    return rendered, cached, failed


def sphinx_build(src: Path, out: Path, *options: str) -> str:
    """Run sphinx-build (warnings are errors) and return what it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("READTHEDOCS_CANONICAL_URL", None)
    result = subprocess.run(
        [str(SPHINX_BUILD), "-b", "html", "-W", *options, str(src), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def project(root: Path, *, extensions: tuple[str, ...] = ("svgog.sphinx",), baseurl: str = SITE, extra: str = "") -> Path:
    """Write the small project under ``root/src``."""
    src = root / "src"
    for name, text in SOURCES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    (src / "conf.py").write_text(CONF.format(extensions=list(extensions), baseurl=baseurl, extra=extra))
    return src


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The project built once, with parallel reading and writing (-j 2)."""
    root = tmp_path_factory.mktemp("sphinx")
    src = project(root)
    out = root / "out"
    return Site(src, out, sphinx_build(src, out, "-j", "2"))


# -- one build ----------------------------------------------------------------------------------


@pytest.mark.parametrize("docname", sorted(PAGES))
def test_every_page_has_its_card_and_tags(site: Site, docname: str) -> None:
    title, description = PAGES[docname]
    tags = site.page(docname)
    card = site.card(docname)
    assert png_size(card.read_bytes()) == (1200, 630)
    assert one(tags, "og:image:width") == "1200" and one(tags, "og:image:height") == "630"
    assert one(tags, "og:image:type") == "image/png"
    assert one(tags, "twitter:card") == "summary_large_image"
    assert one(tags, "twitter:image") == one(tags, "og:image")
    assert one(tags, "og:title") == title and one(tags, "og:image:alt") == title
    assert one(tags, "og:description") == description
    assert one(tags, "og:url") == f"{SITE}{docname}.html"
    assert one(tags, "og:site_name") == "Acme Docs"
    report = json.loads(Path(f"{card}.json").read_text())
    assert (report["width"], report["height"]) == (1200, 630)
    fits = {fit["field"]: fit for fit in report["report"]}
    # The title's lines, joined again, are the page title (CJK lines break without spaces).
    assert "".join(fits["title"]["lines"]).replace(" ", "") == title.replace(" ", "")
    assert not fits["title"]["truncated"] and not fits["title"]["missing"]
    assert fits["product"]["lines"] == ["Acme Docs"] and fits["domain"]["lines"] == ["docs.acme.dev"]


def test_section_is_the_toctree_breadcrumb(site: Site) -> None:
    report = json.loads(Path(f"{site.card('guide/keys')}.json").read_text())
    sections = [fit["lines"] for fit in report["report"] if fit["field"] == "section"]
    assert sections == [["Guides"]]


def test_cards_are_named_by_page_and_content(site: Site) -> None:
    names = sorted(path.name for path in (site.out / "_images" / "social").glob("*.png"))
    assert [re.sub(r"-[0-9a-f]{12}\.png$", "", name) for name in names] == ["guide-index", "guide-keys", "index", "intro-ja"]
    assert summary(site.log) == (4, 0, 0)
    # Generated pages (the index, the search page) get no card.
    assert not [tag for tag in meta_of((site.out / "genindex.html").read_text()) if tag[0] == "og:image"]


def test_a_second_build_renders_nothing(site: Site) -> None:
    cards = {path: path.stat().st_mtime_ns for path in (site.out / "_images" / "social").glob("*.png")}
    # The document pages (Sphinx writes its index and search pages on every build).
    pages = {path: path.stat().st_mtime_ns for path in (site.out / f"{docname}.html" for docname in PAGES)}
    log = sphinx_build(site.src, site.out, "-j", "2")
    assert summary(log) == (0, 4, 0)
    assert "no targets are out of date" in log
    assert {path: path.stat().st_mtime_ns for path in cards} == cards
    assert {path: path.stat().st_mtime_ns for path in pages} == pages


# -- incremental builds -------------------------------------------------------------------------


def test_an_edited_page_renders_only_its_card(tmp_path: Path) -> None:
    src = project(tmp_path)
    out = tmp_path / "out"
    sphinx_build(src, out)
    before = Site(src, out, "").card("guide/keys")
    keys = src / "guide" / "keys.rst"
    keys.write_text(keys.read_text().replace("Create, rotate and scope", "Create and rotate"))
    log = sphinx_build(src, out)
    assert summary(log) == (1, 3, 0)
    after = Site(src, out, log).card("guide/keys")
    assert after != before and after.exists()
    # The old card is gone: no page uses it.
    assert not before.exists() and not Path(f"{before}.json").exists()


def test_a_changed_template_rewrites_the_pages_that_use_it(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates_svg" / "docs.svg", templates / "docs.svg")
    src = project(tmp_path, extra='svgog_templates = "../templates"')
    out = tmp_path / "out"
    sphinx_build(src, out)
    first = {docname: Site(src, out, "").card(docname) for docname in PAGES}
    svg = templates / "docs.svg"
    svg.write_text(svg.read_text().replace('default="#0ea5e9"', 'default="#e11d48"'))
    log = sphinx_build(src, out)
    assert summary(log) == (4, 0, 0)
    # No source changed, yet every page was written again with its new card.
    for docname in PAGES:
        card = Site(src, out, log).card(docname)
        assert card != first[docname] and card.exists() and not first[docname].exists()


# -- settings -----------------------------------------------------------------------------------


def test_fields_from_format_strings_and_functions(tmp_path: Path) -> None:
    extra = """\
svgog_fields = {
    "section": "{project} / {meta[audience]}",
    "theme": lambda page: "dark" if page.docname.startswith("guide/") else None,
    "domain": None,
}
"""
    src = project(tmp_path, extra=extra)
    keys = src / "guide" / "keys.rst"
    keys.write_text(":audience: Operators\n" + keys.read_text())
    out = tmp_path / "out"
    sphinx_build(src, out)
    site = Site(src, out, "")
    fits = {fit["field"]: fit for fit in json.loads(Path(f"{site.card('guide/keys')}.json").read_text())["report"]}
    assert fits["section"]["lines"] == ["Acme Docs / Operators"]
    assert fits["domain"]["lines"] == []
    dark = png_pixel(site.card("guide/keys"))
    light = png_pixel(site.card("index"))
    assert sum(dark) < 100 < sum(light)


def png_pixel(path: Path) -> tuple[int, ...]:
    """The card's top-left pixel: the background (dark or light theme)."""
    from PIL import Image

    with Image.open(path) as image:
        pixel = image.convert("RGB").getpixel((4, 4))
    assert isinstance(pixel, tuple)
    return pixel


def test_without_a_site_url_cards_are_built_but_no_tags_written(tmp_path: Path) -> None:
    src = project(tmp_path, baseurl="", extra='suppress_warnings = ["svgog.site_url"]')
    out = tmp_path / "out"
    log = sphinx_build(src, out)
    assert "no site URL" not in log
    assert len(list((out / "_images" / "social").glob("*.png"))) == 4
    assert not [tag for tag in meta_of((out / "index.html").read_text()) if tag[0].startswith(("og:", "twitter:"))]
    # Unsuppressed, it is a warning: -W makes it an error.
    (src / "conf.py").write_text((src / "conf.py").read_text().replace("suppress_warnings", "_unused"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("READTHEDOCS_CANONICAL_URL", None)
    result = subprocess.run(
        [str(SPHINX_BUILD), "-b", "html", "-W", "-E", str(src), str(out)], capture_output=True, text=True, env=env
    )
    assert result.returncode != 0 and "svgog: no site URL" in result.stderr


# -- sphinxext-opengraph ------------------------------------------------------------------------


def test_with_sphinxext_opengraph_the_one_og_image_is_the_card(tmp_path: Path) -> None:
    assert importlib.util.find_spec("sphinxext.opengraph") is not None, "the test extra installs sphinxext-opengraph"
    extra = """\
ogp_site_url = "https://docs.acme.dev/"
ogp_image = "https://docs.acme.dev/_static/logo.png"
ogp_social_cards = {"enable": False}
"""
    src = project(tmp_path, extensions=("sphinxext.opengraph", "svgog.sphinx"), extra=extra)
    keys = src / "guide" / "keys.rst"
    keys.write_text(keys.read_text().replace(":description:", ":og:description:"))
    own = src / "own.rst"
    own.write_text(":og:image: https://cdn.acme.dev/own.png\n\nOwn image\n=========\n\nThis page picks its image.\n")
    (src / "index.rst").write_text((src / "index.rst").read_text() + "   own\n")
    out = tmp_path / "out"
    sphinx_build(src, out)
    site = Site(src, out, "")
    for docname, (title, _) in PAGES.items():
        tags = site.page(docname)
        card = site.card(docname)  # the one og:image is svgog's card
        assert png_size(card.read_bytes()) == (1200, 630)
        assert one(tags, "og:image:width") == "1200" and one(tags, "og:image:height") == "630"
        assert one(tags, "og:image:alt") == title and one(tags, "og:title") == title
        assert one(tags, "twitter:card") == "summary_large_image"
        assert one(tags, "og:url") == f"{SITE}{docname}.html"
        # sphinxext-opengraph writes the tags: svgog adds no og:* of its own.
        assert len([name for name, _ in tags if name == "og:title"]) == 1
    # sphinxext-opengraph reads :og:description:, and svgog too: the tag and the card say the same.
    assert one(site.page("guide/keys"), "og:description") == PAGES["guide/keys"][1]
    fits = {fit["field"]: fit for fit in json.loads(Path(f"{site.card('guide/keys')}.json").read_text())["report"]}
    assert " ".join(fits["description"]["lines"]) == PAGES["guide/keys"][1]
    # A page's own og:image wins over the card.
    tags = site.page("own")
    assert one(tags, "og:image") == "https://cdn.acme.dev/own.png"
    assert not [name for name, _ in tags if name in ("og:image:width", "twitter:card")]


# -- the fields, without Sphinx -----------------------------------------------------------------


def test_card_fields_fill_what_the_template_declares() -> None:
    from svgog import Renderer

    info = PageInfo(
        docname="guide/keys",
        title="Keys",
        description="x " * 400,
        section="",
        project="Acme Docs",
        author="Acme",
        version="1.0",
        release="1.0.2",
        domain="docs.acme.dev",
        meta={"audience": "Ops"},
    )
    declared = Renderer().template("docs").fields
    fields = card_fields(info, declared, {"accent": "#e11d48", "product": "{project} {release}"})
    # The blog template's "site" and "author" are not the docs template's; empty "section" keeps its default.
    assert set(fields) == {"title", "description", "product", "domain", "accent"}
    assert fields["product"] == "Acme Docs 1.0.2"
    assert len(fields["description"]) <= 300 and fields["description"].endswith("…")
    with pytest.raises(ConfigError, match=r"svgog_fields\['product'\] = '\{nope\}'"):
        card_fields(info, declared, {"product": "{nope}"})


def test_excerpt_cuts_at_a_word() -> None:
    assert excerpt("one two three four", 12) == "one two…"
    assert excerpt("あ" * 300, 200) == "あ" * 199 + "…"
