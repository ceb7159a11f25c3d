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
    done = subprocess.run(["bash", "-c", block("bash")], cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the page without front matter is reported
    assert "notes.md:1: no front matter" in done.stderr and "rendered 2" in done.stderr
    out = tmp_path / "site" / "assets" / "og"
    manifest = json.loads((out / "manifest.json").read_text())["images"]
    assert set(manifest) == {"home.png", "guide/install.png"}
    assert png_size((out / "guide" / "install.png").read_bytes()) == (1200, 630)


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
