"""Cards for a static site: ``mkdocs build`` of a generated site, run by hand, never in CI.

    .venv/bin/python bench/static_sites.py [--pages 500] [--keep DIR]

Writes a MkDocs site of ``--pages`` pages (titles and descriptions of
varied length, one in 25 in Japanese, in nested nav sections) into a
temporary folder and times real ``mkdocs build`` runs: without the plugin (the
baseline), with ``concurrency: 1`` and ``concurrency: 2`` from an empty cache,
and a second build whose cards all come from the cache. Prints JSON: each
build's wall time, and the plugin's own count, time and cards per second from
its log line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

MKDOCS = Path(sys.executable).with_name("mkdocs")

WORDS = (
    "configure deploy cache token request response schema plugin theme search index build server client "
    "webhook storage queue worker metrics logging tracing secret policy role migration backup release"
).split()
SECTIONS = ("Guides", "Reference", "Tutorials", "Operations", "API")
JAPANESE = ("設定ファイルの書き方", "キャッシュを使った高速なビルド", "認証トークンの発行と更新", "本番環境へのデプロイ")
SUMMARY = re.compile(r"svgog: (\d+) cards rendered, (\d+) from the cache, (\d+) failed in ([\d.]+) s")


def sentence(rng: random.Random, low: int, high: int) -> str:
    """Some words, capitalized."""
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:]


def write_pages(docs: Path, count: int) -> dict[str, list[dict[str, str]]]:
    """``count`` pages in nav sections; the nav, by section."""
    rng = random.Random(20240601)
    nav: dict[str, list[dict[str, str]]] = {}
    for number in range(count):
        section = SECTIONS[number % len(SECTIONS)]
        title = rng.choice(JAPANESE) + f" {number}" if number % 25 == 7 else f"{sentence(rng, 2, 12)} {number}"
        description = sentence(rng, 6, 30) + "."
        path = Path(section.lower()) / f"page-{number:04d}.md"
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump({"title": title, "description": description}, allow_unicode=True)
        (docs / path).write_text(f"---\n{front}---\n# {title}\n\n{description}\n", encoding="utf-8")
        nav.setdefault(section, []).append({title: path.as_posix()})
    (docs / "index.md").write_text("# Benchmark site\n\nPages with cards.\n", encoding="utf-8")
    return nav


def write_config(project: Path, name: str, nav: dict[str, list[dict[str, str]]], plugin: dict[str, Any]) -> Path:
    """A ``mkdocs.yml`` variant (``<name>.yml``) with these plugin options."""
    config = {
        "site_name": "Benchmark Docs",
        "site_url": "https://docs.example.org/",
        "site_description": "A generated site.",
        "docs_dir": "docs",
        "nav": [{"Home": "index.md"}, *({section: pages} for section, pages in nav.items())],
        "plugins": [{"svgog": plugin}],
    }
    path = project / f"{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def build(project: Path, config: Path, site: str) -> dict[str, Any]:
    """One ``mkdocs build``: its wall time and the plugin's summary."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(MKDOCS), "build", "-f", str(config), "-d", str(project / site)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build -f {config.name} failed:\n{result.stderr}")
    outcome: dict[str, Any] = {"build_s": round(elapsed, 2)}
    match = SUMMARY.search(result.stderr)
    if match:
        rendered, cached, failed, seconds = int(match[1]), int(match[2]), int(match[3]), float(match[4])
        outcome |= {"rendered": rendered, "cached": cached, "failed": failed, "cards_s": seconds}
        outcome["cards_per_s"] = round(rendered / seconds, 1) if rendered and seconds else None
    return outcome


def run(project: Path, pages: int) -> dict[str, Any]:
    """The builds, in order; their results."""
    nav = write_pages(project / "docs", pages)
    baseline = write_config(project, "baseline", nav, {"enabled": False})
    serial = write_config(project, "serial", nav, {"concurrency": 1, "cache_dir": ".cache/serial"})
    parallel = write_config(project, "parallel", nav, {"concurrency": 2, "cache_dir": ".cache/parallel"})
    results: dict[str, Any] = {"pages": pages + 1, "cpus": os.cpu_count()}
    results["baseline_no_plugin"] = build(project, baseline, "site-baseline")
    results["concurrency_1"] = build(project, serial, "site-serial")
    results["concurrency_2"] = build(project, parallel, "site-parallel")
    results["second_build"] = build(project, parallel, "site-second")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500, help="generated pages besides the home page")
    parser.add_argument("--keep", type=Path, help="build here (kept) instead of in a temporary folder")
    options = parser.parse_args()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        results = run(options.keep, options.pages)
    else:
        with tempfile.TemporaryDirectory(prefix="svgog-mkdocs-") as folder:
            results = run(Path(folder), options.pages)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
