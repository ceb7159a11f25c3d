"""The Pelican plugin, through real ``pelican`` runs of small sites."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pelican  # noqa: E402  (the test extra installs it)
import pytest
from helpers import ROOT, png_size

PELICAN = Path(sys.executable).with_name("pelican")
SITE_URL = "https://blog.example.com"
SHIM = ROOT / "svgog" / "_pelican_ns" / "pelican" / "plugins" / "svgog"

SETTINGS = f"""
AUTHOR = "Jane Doe"
SITENAME = "Svgog Test Blog"
SITEURL = {SITE_URL!r}
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%d %B %Y"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""

CONTENT = {
    "content/render.md": (
        "Title: How we render social cards from plain SVG templates\n"
        "Date: 2024-03-01 10:00\nCategory: Engineering\n"
        "Summary: Cards <em>rendered</em> at build time &amp; cached.\n\nBody.\n"
    ),
    "content/japanese.md": (
        "Title: 日本語のタイトル：静的サイトのカード\nDate: 2024-03-02\nCategory: 日本語\nAuthor: 山田太郎\n\n本文です。\n"
    ),
    "content/quiet.md": "Title: An article without a card\nDate: 2024-03-03\nSvgog: false\n\nPlain.\n",
    "content/pages/about.md": "Title: About this blog\n\nWho writes here.\n",
}

# Output file of each content file, and the title its card carries (None: no card).
OUTPUTS = {
    "how-we-render-social-cards-from-plain-svg-templates.html": "How we render social cards from plain SVG templates",
    "ri-ben-yu-notaitorujing-de-saitonoka-do.html": "日本語のタイトル：静的サイトのカード",
    "pages/about-this-blog.html": "About this blog",
    "an-article-without-a-card.html": None,
}


class _Head(HTMLParser):
    """The ``<meta>`` tags of a page: property or name to content, and how often each came."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and key:
            self.meta[key] = values.get("content") or ""
            self.counts[key] = self.counts.get(key, 0) + 1


def head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def make_site(root: Path, settings: str, content: dict[str, str]) -> Path:
    for name, text in {"pelicanconf.py": SETTINGS + settings, **content}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def build(site: Path, path: Path | None = None) -> str:
    """Run ``pelican`` on the site (verbose, wide lines) and return what it logged.

    The checkout is on the path (svgog without an install), after ``path`` when given.
    """
    entries = [str(entry) for entry in (path, ROOT) if entry] + [os.environ.get("PYTHONPATH", "")]
    run_env = {**os.environ, "COLUMNS": "400", "PYTHONPATH": os.pathsep.join(entry for entry in entries if entry)}
    done = subprocess.run(
        [str(PELICAN), "content", "-o", "output", "-s", "pelicanconf.py", "--verbose"],
        cwd=site,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-4000:]
    return log


def card_of(site: Path, meta: dict[str, str]) -> Path:
    """The card file an ``og:image`` URL names, in the site's output."""
    return site / "output" / urlsplit(meta["og:image"]).path.lstrip("/")


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The small blog built once with the plugin listed in PLUGINS, and its log."""
    site = make_site(tmp_path_factory.mktemp("blog"), 'PLUGINS = ["svgog.pelican"]\n', CONTENT)
    return site, build(site)


def test_every_article_and_page_gets_its_card_and_tags(blog: tuple[Path, str]) -> None:
    site, log = blog
    assert "svgog: 3 cards rendered, 0 from the cache, 0 failed" in log
    for name, title in OUTPUTS.items():
        page = head(site / "output" / name)
        if title is None:
            assert not any(key.startswith(("og:", "twitter:")) for key in page.meta), name
            continue
        meta = page.meta
        assert meta["og:image"].startswith(f"{SITE_URL}/images/social/"), meta
        assert meta["twitter:image"] == meta["og:image"]
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:title"] == title
        assert meta["og:url"] == f"{SITE_URL}/{name}"
        assert meta["og:type"] == ("website" if name.startswith("pages/") else "article")
        assert page.counts["og:image"] == 1
        card = card_of(site, meta)
        assert png_size(card.read_bytes()) == (int(meta["og:image:width"]), int(meta["og:image:height"])) == (1200, 630)
        report = json.loads(Path(f"{card}.json").read_text())
        lines = next(fit["lines"] for fit in report["report"] if fit["field"] == "title")
        assert "".join(lines).replace(" ", "") == title.replace(" ", "")


def test_fields_come_from_the_article(blog: tuple[Path, str]) -> None:
    site, _ = blog
    meta = head(site / "output" / "ri-ben-yu-notaitorujing-de-saitonoka-do.html").meta
    report = json.loads(Path(f"{card_of(site, meta)}.json").read_text())["report"]
    fields = {fit["field"]: " ".join(fit["lines"]) for fit in report}
    assert fields["author"] == "山田太郎"
    assert fields["date"] == "02 March 2024"
    assert fields["site"] == "Svgog Test Blog"
    assert fields["domain"] == "blog.example.com"
    assert all(not fit["missing"] for fit in report), report
    meta = head(site / "output" / "pages" / "about-this-blog.html").meta
    report = json.loads(Path(f"{card_of(site, meta)}.json").read_text())["report"]
    fields = {fit["field"]: " ".join(fit["lines"]) for fit in report}
    assert fields["author"] == "Jane Doe" and not fields.get("category") and not fields["date"]
    # The summary's HTML is stripped and its entities decoded before escaping for the tag.
    meta = head(site / "output" / "how-we-render-social-cards-from-plain-svg-templates.html").meta
    assert meta["og:description"] == "Cards rendered at build time & cached."


def test_a_second_build_renders_nothing(blog: tuple[Path, str]) -> None:
    site, _ = blog
    log = build(site)
    assert "svgog: 0 cards rendered, 3 from the cache, 0 failed" in log
    # Pelican deletes its output before publishing (DELETE_OUTPUT_DIRECTORY): the cache outside it still serves.
    shutil.rmtree(site / "output")
    log = build(site)
    assert "svgog: 0 cards rendered, 3 from the cache, 0 failed" in log
    meta = head(site / "output" / "pages" / "about-this-blog.html").meta
    assert card_of(site, meta).is_file()


def test_found_in_pelicans_plugin_namespace(tmp_path: Path) -> None:
    """Without PLUGINS, Pelican loads ``pelican.plugins.svgog``, as a wheel installs it beside Pelican.

    Pelican is a regular package, so a second ``pelican/plugins`` folder on
    the path is not searched: the test lays Pelican out again (links to its
    files) with the plugin's folder inside, as pip does.
    """
    installed = Path(pelican.__file__).parent
    overlay = tmp_path / "site-packages" / "pelican"
    overlay.mkdir(parents=True)
    for entry in installed.iterdir():
        if entry.name not in ("plugins", "__pycache__"):
            (overlay / entry.name).symlink_to(entry)
    (overlay / "plugins").mkdir()
    for entry in (installed / "plugins").iterdir():
        if entry.name != "__pycache__":
            (overlay / "plugins" / entry.name).symlink_to(entry)
    shutil.copytree(SHIM, overlay / "plugins" / "svgog", ignore=shutil.ignore_patterns("__pycache__"))
    # The theme prints the tags itself: the plugin then adds none.
    theme = (
        '{% extends "!theme/article.html" %}\n'
        "{% block extra_head %}{{ super() }}\n{{ article.svgog_meta }}\n"
        '<meta name="test:card" content="{{ article.og_image }} '
        '{{ article.og_image_width }}x{{ article.og_image_height }}">\n{% endblock %}\n'
    )
    content = {"content/render.md": CONTENT["content/render.md"], "overrides/article.html": theme}
    site = make_site(tmp_path / "site", 'THEME_TEMPLATES_OVERRIDES = ["overrides"]\n', content)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site-packages"), str(ROOT)])}
    plugins = PELICAN.with_name("pelican-plugins")
    listed = subprocess.run([plugins], env=env, capture_output=True, text=True, timeout=60)
    assert "pelican.plugins.svgog" in listed.stdout + listed.stderr
    log = build(site, path=tmp_path / "site-packages")
    assert "svgog: 1 cards rendered" in log
    page = head(site / "output" / "how-we-render-social-cards-from-plain-svg-templates.html")
    assert page.counts["og:image"] == page.counts["twitter:card"] == 1
    assert page.meta["test:card"] == f"{page.meta['og:image']} 1200x630"
    assert card_of(site, page.meta).is_file()


def test_settings_and_metadata(tmp_path: Path) -> None:
    """A relative SITEURL is warned about; fields, per-article templates and SVGOG_INSERT_TAGS apply."""
    settings = (
        'SITEURL = ""\nPLUGINS = ["svgog.pelican"]\nSVGOG_INSERT_TAGS = False\nSVGOG_CACHE_DIR = None\n'
        'SVGOG_CARDS_DIR = "cards"\n'
        'SVGOG_FIELDS = {"site": "{sitename} · {date:%Y}", "author": "", "domain": "{nosuch}"}\n'
    )
    content = {
        "content/minimal.md": (
            "Title: A minimal card\nDate: 2023-05-06\nSvgog_template: minimal\n"
            "Svgog_title: Set by its metadata\n\nText.\n"
        ),
        "content/blog.md": "Title: A blog card\nDate: 2023-05-07\nSvgog_subtitle: Not a field\n\nText.\n",
        "content/pages/broken.md": "Title: Broken\nSvgog_template: no-such-template\n\nText.\n",
        # An image of its own: the author's choice stands.
        "content/own.md": "Title: Its own image\nDate: 2023-05-08\nOg_image: images/mine.png\n\nText.\n",
    }
    site = make_site(tmp_path, settings, content)
    log = build(site)
    assert re.search(r"SITEURL '' is not an absolute URL", log), log
    assert re.search(r"no card for \S*broken\.md: .*no-such-template", log), log
    assert "svgog: 2 cards rendered" in log
    assert "template 'minimal' has no field 'domain' (set in SVGOG_FIELDS)" in log
    assert "SVGOG_FIELDS['domain'] uses {nosuch}" in log
    assert re.search(r"template 'blog' has no field 'subtitle' \(svgog_subtitle in \S*blog\.md\)", log), log
    for name in ("a-minimal-card.html", "a-blog-card.html", "pages/broken.html"):
        assert "og:image" not in (site / "output" / name).read_text(encoding="utf-8")
    cards = {path.name.rsplit("-", 1)[0]: path for path in (site / "output" / "cards").glob("*.png")}
    assert set(cards) == {"a-minimal-card", "a-blog-card"}
    report = json.loads(Path(f"{cards['a-minimal-card']}.json").read_text())["report"]
    fields = {fit["field"]: fit["lines"] for fit in report}
    assert fields["site"] == ["Svgog Test Blog · 2023"]
    assert fields["title"] == ["Set by its metadata"]
    blog_report = json.loads(Path(f"{cards['a-blog-card']}.json").read_text())["report"]
    assert {fit["field"]: fit["lines"] for fit in blog_report}["author"] == []
    assert {fit["field"]: fit["lines"] for fit in blog_report}["domain"] == []
    assert not (site / "cache").exists()
