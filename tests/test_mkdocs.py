"""The MkDocs plugin, through real ``mkdocs build`` runs of small sites."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from svgog.mkdocs import insert_tags
from svgog.resources import bundled_templates_dir

MKDOCS = Path(sys.executable).with_name("mkdocs")
SITE_URL = "https://docs.example.org/acme/"

PAGES = {
    "index.md": "# Welcome to Acme\n\nHello.\n",
    "guide/intro.md": "---\ndescription: Start here & learn the basics.\n---\n# Getting started with Acme\n\nText.\n",
    "guide/ja.md": "# 日本語のドキュメントへようこそ\n\nテキスト。\n",
    "hidden.md": "---\nsvgog: false\n---\n# No card here\n",
    "news/v2.md": (
        "---\nsvgog:\n  template: release\n  fields:\n    version: '2.0'\n    label: Release\n"
        "    product: Acme\n---\n# Acme 2.0 is out\n"
    ),
}


@dataclass
class Built:
    """A built site: its project folder, output folder and the build's log."""

    project: Path
    site: Path
    log: str

    def html(self, page: str) -> str:
        """The HTML of a page, from its Markdown path."""
        stem = page.removesuffix(".md")
        path = self.site / ("index.html" if stem == "index" else f"{stem}/index.html")
        return path.read_text(encoding="utf-8")

    def card(self, url: str) -> Path:
        """The card file an ``og:image`` URL names."""
        assert url.startswith(SITE_URL), url
        return self.site / url.removeprefix(SITE_URL)


def write_site(project: Path, pages: Mapping[str, str], plugin: object = None, **config: object) -> Path:
    """A MkDocs project with these pages and the svgog plugin configured so; its ``mkdocs.yml``."""
    for name, text in pages.items():
        path = project / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings = {"site_name": "Acme Docs", "site_url": SITE_URL, **config, "plugins": [{"svgog": plugin}]}
    if settings["site_url"] is None:
        del settings["site_url"]
    config_file = project / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return config_file


def run_build(project: Path, site: str = "site", *options: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` of the project, as a user runs it."""
    command = [str(MKDOCS), "build", *options, "-f", str(project / "mkdocs.yml"), "-d", str(project / site)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)


def build(project: Path, site: str = "site") -> Built:
    """A build that must succeed."""
    result = run_build(project, site)
    assert result.returncode == 0, result.stderr
    return Built(project, project / site, result.stderr)


class _Head(HTMLParser):
    """The ``og:*`` and ``twitter:*`` meta tags of a page's head, each with every value it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, list[str]] = {}
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self.in_head = True
        if tag != "meta" or not self.in_head:
            return
        values = dict(attrs)
        key = values.get("property") or values.get("name") or ""
        if key.startswith(("og:", "twitter:")):
            self.tags.setdefault(key, []).append(values.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def head_tags(html: str) -> dict[str, list[str]]:
    parser = _Head()
    parser.feed(html)
    return parser.tags


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def report(card: Path) -> dict[str, dict[str, object]]:
    """A card's fit report (``<card>.json``), by field."""
    info = json.loads(card.with_name(card.name + ".json").read_text())
    return {entry["field"]: entry for entry in info["report"]}


def summary(log: str) -> str:
    """The plugin's line in the build's log."""
    return next(line for line in log.splitlines() if "cards rendered" in line)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The small site, built once with the default theme and options."""
    project = tmp_path_factory.mktemp("mkdocs")
    write_site(project, PAGES, site_description="Everything about Acme.")
    return build(project)


def carded_pages() -> list[str]:
    return [name for name in PAGES if name != "hidden.md"]


@pytest.mark.parametrize("page", carded_pages())
def test_every_page_gets_its_tags_and_card(site: Built, page: str) -> None:
    tags = head_tags(site.html(page))
    assert {key: len(values) for key, values in tags.items() if key in ("og:image", "twitter:card")} == {
        "og:image": 1,
        "twitter:card": 1,
    }
    (image,) = tags["og:image"]
    assert image.startswith(SITE_URL + "assets/images/social/") and image.endswith(".png")
    assert tags["twitter:image"] == [image]
    assert tags["twitter:card"] == ["summary_large_image"]
    card = site.card(image)
    assert png_size(card) == (int(tags["og:image:width"][0]), int(tags["og:image:height"][0])) == (1200, 630)
    # The card is named after the page, and its report shows the title set in its lines.
    slug = page.removesuffix(".md").replace("/", "-")
    assert card.name.startswith(slug + "-")
    (title,) = tags["og:title"]
    assert " ".join(report(card)["title"]["lines"]) == title  # type: ignore[arg-type]
    assert tags["og:url"] == [SITE_URL + ("" if page == "index.md" else page.removesuffix(".md") + "/")]


def test_fields_come_from_the_page_and_the_config(site: Built) -> None:
    image = head_tags(site.html("guide/intro.md"))["og:image"][0]
    fields = report(site.card(image))
    assert fields["title"]["lines"] == ["Getting started with Acme"]
    assert fields["description"]["lines"] == ["Start here & learn the basics."]
    assert fields["product"]["lines"] == ["Acme Docs"]
    # A page without a description of its own gets the site's.
    home = report(site.card(head_tags(site.html("index.md"))["og:image"][0]))
    assert home["description"]["lines"] == ["Everything about Acme."]
    assert head_tags(site.html("index.md"))["og:description"] == ["Everything about Acme."]


def test_a_cjk_title_is_drawn_whole(site: Built) -> None:
    image = head_tags(site.html("guide/ja.md"))["og:image"][0]
    title = report(site.card(image))["title"]
    assert "".join(title["lines"]) == "日本語のドキュメントへようこそ"  # type: ignore[arg-type]
    assert title["missing"] == "" and title["warnings"] == []
    assert "no font has" not in site.log


def test_front_matter_chooses_the_template_and_fields(site: Built) -> None:
    image = head_tags(site.html("news/v2.md"))["og:image"][0]
    fields = report(site.card(image))
    assert fields["version"]["lines"] == ["2.0"]
    assert fields["title"]["lines"] == ["Acme 2.0 is out"]
    assert "section" not in fields  # the release template has none


def test_front_matter_turns_a_card_off(site: Built) -> None:
    assert head_tags(site.html("hidden.md")) == {}
    assert not list((site.site / "assets/images/social").glob("hidden-*"))


def test_a_second_build_renders_nothing(site: Built) -> None:
    assert "4 cards rendered, 0 from the cache, 0 failed" in summary(site.log)
    again = build(site.project, "site-again")
    assert "0 cards rendered, 4 from the cache, 0 failed" in summary(again.log)
    first = sorted(p.name for p in (site.site / "assets/images/social").iterdir())
    second = sorted(p.name for p in (again.site / "assets/images/social").iterdir())
    assert first == second and len(first) == 8  # four cards, four reports
    for name in first:
        if name.endswith(".png"):
            assert (site.site / "assets/images/social" / name).read_bytes() == (
                again.site / "assets/images/social" / name
            ).read_bytes()


def test_a_missing_site_url_stops_the_build(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": "# Home\n"}, site_url=None)
    result = run_build(tmp_path)
    assert result.returncode != 0
    assert "svgog: site_url is not set in mkdocs.yml" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fields": {"subtitle": "page.title"}}, "svgog: template 'docs' has no field 'subtitle' (fields: accent,"),
        ({"fields": {"title": "page.title |"}}, "svgog: field 'title': 'page.title |' is not a Jinja expression"),
        ({"template": "nope"}, "svgog: no such template 'nope' (templates: blog, docs,"),
        ({"cards_dir": "../outside"}, "svgog: cards_dir must be a folder inside the site"),
    ],
)
def test_a_mistake_in_the_options_stops_the_build(tmp_path: Path, options: dict[str, object], message: str) -> None:
    write_site(tmp_path, {"index.md": "# Home\n"}, options)
    result = run_build(tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_page_whose_card_fails_gets_no_tags_and_a_warning(tmp_path: Path) -> None:
    pages = {
        "index.md": "# Home\n",
        "long.md": "# " + "word " * 80 + "\n",
        "odd.md": "---\nsvgog:\n  template: nope\n---\n# Odd\n",
    }
    write_site(tmp_path, pages)
    built = build(tmp_path)
    assert "WARNING -  svgog: no card for long.md: template 'docs', field 'title': value is 399 characters long" in built.log
    assert "WARNING -  svgog: odd.md: no such template 'nope'" in built.log
    assert head_tags(built.html("long.md")) == head_tags(built.html("odd.md")) == {}
    assert "og:image" in head_tags(built.html("index.md"))
    # --strict makes those warnings fail the build.
    strict = run_build(tmp_path, "site-strict", "--strict")
    assert strict.returncode != 0 and "Aborted with 2 warnings in strict mode" in strict.stdout


def test_own_templates_fields_and_workers(tmp_path: Path) -> None:
    templates = tmp_path / "cards"
    templates.mkdir()
    shutil.copy(bundled_templates_dir() / "minimal.svg", templates / "plain.svg")
    pages = {
        "index.md": "---\ncard_title: The short one\n---\n# A long title the card does not show\n",
        "other.md": "# Other\n",
        "docs-page.md": "---\nsvgog:\n  template: docs\n---\n# A docs card\n",
    }
    plugin = {
        "template": "plain",
        "templates_dir": "cards",
        "fields": {"title": "page.meta.card_title or page.title", "accent": "'#ff0000'", "site": None},
        "cards_dir": "og",
        "concurrency": 2,
    }
    write_site(tmp_path, pages, plugin)
    built = build(tmp_path)
    assert "3 cards rendered" in summary(built.log)
    image = head_tags(built.html("index.md"))["og:image"][0]
    assert image.startswith(SITE_URL + "og/index-")
    fields = report(built.card(image))
    assert fields["title"]["lines"] == ["The short one"]
    assert not fields.get("site", {}).get("lines")  # the default dropped: no site name drawn
    # The bundled templates are still there, after the project's own.
    docs_card = built.card(head_tags(built.html("docs-page.md"))["og:image"][0])
    assert report(docs_card)["product"]["lines"] == ["Acme Docs"]  # a field of the docs template only


def test_a_page_that_has_an_og_image_keeps_it(tmp_path: Path) -> None:
    # A theme override giving the home page its own og:image...
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}{% if page.file.src_uri == "index.md" %}'
        '<meta property="og:image" content="https://elsewhere.example/own.png">{% endif %}{% endblock %}\n'
    )
    # ...and a plugin writing another page's as Material's social plugin does (on_post_page at priority 50).
    (tmp_path / "hooks.py").write_text(
        "from mkdocs.plugins import event_priority\n\n"
        "@event_priority(50)\n"
        "def on_post_page(output, page, config):\n"
        "    if page.file.src_uri != 'social.md':\n"
        "        return output\n"
        "    return output.replace('</head>', '<meta property=\"og:image\" content=\"https://social.example/card.png\" /></head>')\n"
    )
    pages = {"index.md": "# Home\n", "social.md": "# Social\n", "plain.md": "# Plain\n"}
    theme = {"name": "mkdocs", "custom_dir": "overrides"}
    write_site(tmp_path, pages, theme=theme, hooks=["hooks.py"])
    built = build(tmp_path)
    for page, image in (("index.md", "https://elsewhere.example/own.png"), ("social.md", "https://social.example/card.png")):
        tags = head_tags(built.html(page))
        assert tags == {"og:image": [image]}
    assert "svgog: index.md, social.md already had an og:image" in built.log
    assert head_tags(built.html("plain.md"))["og:image"][0].startswith(SITE_URL)


def test_material_theme(tmp_path: Path) -> None:
    import material  # noqa: F401  (the test extra installs mkdocs-material)
    write_site(tmp_path, {"index.md": "# Home\n", "guide.md": "# Guide\n"}, theme={"name": "material"})
    built = build(tmp_path)
    for page in ("index.md", "guide.md"):
        tags = head_tags(built.html(page))
        assert len(tags["og:image"]) == 1 and tags["twitter:card"] == ["summary_large_image"]
        assert png_size(built.card(tags["og:image"][0])) == (1200, 630)


def test_disabled(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": "# Home\n"}, {"enabled": False}, site_url=None)
    built = build(tmp_path)
    assert head_tags(built.html("index.md")) == {}
    assert not (built.site / "assets/images/social").exists()


def test_insert_tags_writes_each_tag_once() -> None:
    tags = '<meta property="og:title" content="B">\n<meta property="og:image" content="x.png">'
    html = '<html><head>\n  <meta property="og:title" content="A">\n  </head><body></body></html>'
    assert insert_tags(html, tags) == (
        '<html><head>\n  <meta property="og:title" content="A">\n'
        '  <meta property="og:image" content="x.png">\n  </head><body></body></html>'
    )
    assert insert_tags("<p>no head</p>", tags) is None
    assert insert_tags("<head><meta name='og:image' content='y'></HEAD>", tags) is None
