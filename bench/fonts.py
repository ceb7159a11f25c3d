"""svgog's font benchmark, run by hand, never in CI.

    .venv/bin/python bench/fonts.py [--fonts /usr/share/fonts] [--runs 3]

Every figure comes from a fresh process (the median of ``--runs``), printed as JSON:

- ``register``: ``FontRegistry(...)`` over the system's font directory (the
  bundled fonts included) and over the bundled fonts alone: milliseconds, and
  the growth of the resident set (RSS) it causes, after ``import svgog``;
- ``first_render_ja`` / ``first_render_latin``: a renderer with the system's
  fonts, then its first render of a Japanese or a Latin title (bench/card_a.svg's
  layout, the bundled blog template): milliseconds for the import, the
  renderer, the first render and a second one, and the peak RSS. The first
  render includes CairoSVG's own first import (cairocffi compiles its
  bindings); ``first_render_*_cairo_loaded`` has imported CairoSVG beforehand,
  leaving what text layout and drawing cost;
- ``latin_warm``: the median of 50 warm renders of a Latin title by a renderer
  with and without the system's fonts registered: a Latin title should pay
  nothing for fonts it never uses;
- ``instances``: a variable font (tests/fonts/outfit) at 100 weights: the
  microseconds per instance, matched and shaped once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

JAPANESE = "東京で開かれた会議の記録：日本語のタイトルを三行まで描く"
LATIN = "How to Generate OG Images Dynamically with an API in 2026"
OUTFIT = ROOT / "tests" / "fonts" / "outfit" / "outfit-latin-wght-normal.woff2"


def rss_mb() -> float:
    """The resident set size of this process, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_register(fonts: str, bundled_only: str) -> dict[str, float]:
    import svgog  # noqa: F401  (the import is not what is measured)
    from svgog.fonts import FontRegistry

    before = rss_mb()
    started = time.perf_counter()
    registry = FontRegistry([] if bundled_only == "1" else [fonts])
    elapsed = time.perf_counter() - started
    return {"ms": elapsed * 1000, "rss_growth_mb": rss_mb() - before, "faces": len(registry._faces)}


def child_first_render(fonts: str, title: str, cairo_loaded: str) -> dict[str, float]:
    started = time.perf_counter()
    import svgog

    if cairo_loaded == "1":
        import cairosvg  # noqa: F401
    imported = time.perf_counter()
    renderer = svgog.Renderer(fonts=[fonts])
    made = time.perf_counter()
    renderer.render_png("blog", title=title)
    first = time.perf_counter()
    renderer.render_png("blog", title=title + " 2")
    second = time.perf_counter()
    return {
        "import_ms": (imported - started) * 1000,
        "renderer_ms": (made - imported) * 1000,
        "first_render_ms": (first - made) * 1000,
        "second_render_ms": (second - first) * 1000,
        "peak_rss_mb": peak_mb(),
    }


def child_latin_warm(fonts: str) -> dict[str, float]:
    import svgog

    renderer = svgog.Renderer(templates=HERE, fonts=[fonts] if fonts else None)
    for i in range(10):
        renderer.render_png("card_a", title=f"{LATIN} {i}")
    times = []
    for _ in range(50):
        started = time.perf_counter()
        renderer.render_png("card_a", title=LATIN)
        times.append(time.perf_counter() - started)
    return {"median_ms": statistics.median(times) * 1000, "peak_rss_mb": peak_mb()}


def child_instances() -> dict[str, float]:
    from svgog.fonts import FontRegistry
    from svgog.text.shaping import shape

    registry = FontRegistry([OUTFIT], bundled=False)
    shape(registry.match("Outfit", 400), "Hamburg")  # the file decompressed and described once
    started = time.perf_counter()
    for weight in range(101, 901, 8):
        shape(registry.match("Outfit", weight), "Hamburg")
    return {"us_per_instance": (time.perf_counter() - started) / 100 * 1e6}


CHILDREN = {
    "register": child_register,
    "first_render": child_first_render,
    "latin_warm": child_latin_warm,
    "instances": child_instances,
}


def run_child(name: str, *args: str, runs: int) -> dict[str, float]:
    """Run a measurement in ``runs`` fresh processes; the median of each figure."""
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--child", name, *args], check=True, capture_output=True, text=True
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    return {key: round(statistics.median(r[key] for r in results), 2) for key in results[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fonts", default="/usr/share/fonts", help="the system's font directory")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        name, *args = arguments.child
        print(json.dumps(CHILDREN[name](*args)))
        return
    fonts, runs = arguments.fonts, arguments.runs
    report = {
        "register": {
            fonts: run_child("register", fonts, "0", runs=runs),
            "bundled": run_child("register", fonts, "1", runs=runs),
        },
        "first_render_ja": run_child("first_render", fonts, JAPANESE, "0", runs=runs),
        "first_render_ja_cairo_loaded": run_child("first_render", fonts, JAPANESE, "1", runs=runs),
        "first_render_latin": run_child("first_render", fonts, LATIN, "0", runs=runs),
        "first_render_latin_cairo_loaded": run_child("first_render", fonts, LATIN, "1", runs=runs),
        "latin_warm": {
            "with_system_fonts": run_child("latin_warm", fonts, runs=runs),
            "bundled_only": run_child("latin_warm", "", runs=runs),
        },
        "instances": run_child("instances", runs=runs),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
