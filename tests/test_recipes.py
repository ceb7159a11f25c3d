"""The recipes in docs/recipes.md, run as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import serve
from helpers import ROOT, png_size

from app import create_app

RECIPES = (ROOT / "docs" / "recipes.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", RECIPES, re.S)
BIN = Path(sys.executable).parent


def block(language: str, index: int = 0) -> str:
    return [code for lang, code in BLOCKS if lang == language][index]


def section(title: str) -> list[tuple[str, str]]:
    """The (language, code) blocks of one ``###`` section of the page."""
    text = re.split(r"\n#{2,3} ", RECIPES.split(f"\n### {title}\n", 1)[1])[0]
    return re.findall(r"```(\w+)\n(.*?)```", text, re.S)


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def test_content_folder_to_images(tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "guide"
    docs.mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("---\ntitle: Acme Docs\nslug: home\n---\nWelcome.\n")
    (docs / "install.md").write_text("---\ntitle: Installing Acme\ndescription: Setup\nauthor: Ana\n---\nText.\n")
    (docs / "notes.md").write_text("No front matter here.\n")
    done = subprocess.run(["bash", "-c", block("bash", 0)], cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the page without front matter is reported
    assert "notes.md:1: no front matter" in done.stderr and "rendered 2" in done.stderr
    out = tmp_path / "site" / "assets" / "og"
    manifest = json.loads((out / "manifest.json").read_text())["images"]
    assert set(manifest) == {"home.png", "guide/install.png"}
    assert png_size((out / "guide" / "install.png").read_bytes()) == (1200, 630)


# Each generator's sample tree: a page with a title, and one (with a character reference) that takes
# its title from its first heading. The key is what the generator's template looks the page up by.
GENERATORS = {
    "Hugo": {
        "content/posts/hello.md": '+++\ntitle = "Hello from Hugo"\ndate = 2026-01-15\n+++\nText.\n',
        "content/posts/i2c.md": "---\ndraft: false\n---\n# I&sup2;C &amp; SPI\n",
    },
    "Jekyll": {
        "_posts/2026-01-15-hello.md": "---\nlayout: post\ntitle: Hello from Jekyll\n---\nText.\n",
        "_posts/2026-01-16-i2c.md": "---\nlayout: post\n---\n# I&sup2;C &amp; SPI\n",
    },
    "Eleventy": {
        "src/posts/hello.md": "---\ntitle: Hello from Eleventy\ntags: posts\n---\nText.\n",
        "src/posts/i2c.md": "---\ntags: posts\n---\n# I&sup2;C &amp; SPI\n",
    },
    "Astro": {
        "src/content/blog/hello.md": "---\ntitle: Hello from Astro\npubDate: 2026-01-15\n---\nText.\n",
        "src/content/blog/i2c.mdx": "---\npubDate: 2026-01-16\n---\nimport Chart from '../../components/Chart.astro';\n\n# I&sup2;C &amp; SPI\n",
    },
}
#: Where each recipe writes its cards and its manifest, and how its template names the manifest.
LAYOUT = {
    "Hugo": ("static/og", "data/og.json", "site.Data.og.pages"),
    "Jekyll": ("assets/og", "_data/og.json", "site.data.og.pages[page.path]"),
    "Eleventy": ("src/og", "src/_data/og.json", "og.pages[source]"),
    "Astro": ("public/og", "src/data/og.json", 'import og from "../data/og.json"'),
}
SIZES = {"blog": (1200, 630), "square": (1080, 1080)}


@pytest.mark.parametrize("generator", list(GENERATORS))
def test_static_site_generator(tmp_path: Path, generator: str) -> None:
    blocks = section(generator)
    command = next(code for lang, code in blocks if lang == "bash")
    snippet = next(code for lang, code in blocks if lang != "bash")
    output, data, lookup = LAYOUT[generator]
    assert f"-o {output} " in command and f"--manifest {data}" in command and lookup in snippet
    for name, text in GENERATORS[generator].items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    def run() -> str:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stderr

    templates = re.findall(r"--template (\w+)", command) or [command.split()[2]]
    assert f"rendered {2 * len(templates)}, skipped 0" in run()
    document = json.loads((tmp_path / data).read_text())
    assert set(document["pages"]) == set(GENERATORS[generator])
    for page, cards in document["pages"].items():
        assert set(cards) == set(templates)
        for template, card in cards.items():
            entry = document["images"][card]
            assert entry["page"] == page and entry["template"] == template
            assert re.search(rf"-{entry['hash'][:12]}\.png$", card)  # --name "...{hash}.png"
            assert png_size((tmp_path / output / card).read_bytes()) == SIZES[template]
    assert f"rendered 0, skipped {2 * len(templates)}" in run()


def test_makefile_rule(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "templates").mkdir()
    shutil.copy(ROOT / "templates_svg" / "blog.svg", tmp_path / "templates" / "blog.svg")
    for i in range(3):
        (tmp_path / "content" / f"post-{i}.md").write_text(f"---\ntitle: Post {i}\n---\n")
    (tmp_path / "Makefile").write_text(block("make"))

    def make() -> str:
        done = subprocess.run(["make", "site"], cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    assert "rendered 3, skipped 0" in make()
    assert "Nothing to be done" in make() or "is up to date" in make()
    post = tmp_path / "content" / "post-1.md"
    post.write_text("---\ntitle: Post 1, edited\n---\n")
    assert "rendered 1, skipped 2" in make()
    template = tmp_path / "templates" / "blog.svg"
    template.write_text(template.read_text().replace("</svg>", "<!-- v2 --></svg>"))
    assert "rendered 3, skipped 0" in make()


@pytest.fixture()
def webhook_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    storage = tmp_path / "storage"
    app = create_app({"SVGOG_WEBHOOK_SECRET": "publish-secret", "SVGOG_STORAGE_DIR": str(storage)})
    server = serve(app)
    yield next(server), storage
    server.close()


def test_cms_webhook(webhook_server: tuple[str, Path], tmp_path: Path) -> None:
    url, storage = webhook_server
    env = environment(SVGOG_URL=url, SVGOG_WEBHOOK_SECRET="publish-secret")
    done = subprocess.run([sys.executable, "-c", block("python", 0)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    image_url, width, height = done.stdout.split()
    assert image_url.startswith(f"{url}/og/stored/") and (width, height) == ("1200", "630")
    assert len(list(storage.glob("*.png"))) == 1


def test_library_on_publish(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", block("python", 1)], cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert png_size((tmp_path / "we-are-hiring.png").read_bytes()) == (1200, 630)
