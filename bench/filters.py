"""What SVG filters cost: corpus cards rendered with and without their filters, run by hand, never in CI.

    .venv/bin/python bench/filters.py [--iters 100] [--uncached] [--only NAME ...]

For each card: the median of ``--iters`` warm renders through
``svgog.Renderer(...).render_png`` with the file as it is and with every
``filter`` attribute and ``filter:`` style property stripped (renders of
the two alternate), and the ratio.
A synthetic card with one full-canvas blur (stdDeviation 20 on a 1200x630
group holding a text, so no static layer keeps it), in linearRGB and in
sRGB, shows the cost of blurring four channels over a whole card.

Leading elements that no text touches are drawn once and kept (static
layers), filters included; ``--uncached`` drops those layers before each
render, so every filter is drawn every time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "design_tools"
FILES = [
    "figma/drop-shadow.svg",
    "figma/inner-shadow.svg",
    "figma/layer-blur.svg",
    "inkscape/drop-shadow-blur.svg",
    "handwritten/fe-drop-shadow.svg",
]

FULL_CANVAS_BLUR = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
  <defs>
    <filter id="blur"{space}><feGaussianBlur stdDeviation="20"/></filter>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#0f172a"/><stop offset="1" stop-color="#1e3a8a"/>
    </linearGradient>
  </defs>
  <g filter="url(#blur)">
    <rect width="1200" height="630" fill="url(#bg)"/>
    <circle cx="300" cy="315" r="200" fill="#38bdf8"/>
    <rect x="600" y="120" width="480" height="390" rx="40" fill="#f472b6"/>
    <text id="title" x="80" y="560" font-family="Inter" font-size="64" font-weight="700" fill="#ffffff">Blurred</text>
  </g>
</svg>
"""

_FILTER_ATTRIBUTE = re.compile(r'\sfilter="[^"]*"')
_FILTER_PROPERTY = re.compile(r";?\s*filter\s*:\s*url\([^)]*\)")


def strip_filters(svg: str) -> str:
    """The card without its filters: ``filter`` attributes and ``filter:`` style properties removed."""
    return _FILTER_PROPERTY.sub("", _FILTER_ATTRIBUTE.sub("", svg))


def medians_ms(directories: list[Path], name: str, iters: int, uncached: bool) -> list[float]:
    """Median render times of the same card in each directory, renders alternating between them.

    Alternating keeps a slow spell on a shared machine from landing on one variant only.
    """
    import svgog

    try:
        from svgog.compose import clear as forget_layers
    except ImportError:  # a tree from before svgog.compose: its static layers were raster's
        from svgog import raster

        forget_layers = raster._LAYERS.clear

    renderers = [svgog.Renderer(templates=[directory], fonts=[ROOT / "tests" / "fonts"]) for directory in directories]
    for renderer in renderers:
        for _ in range(5):
            renderer.render_png(name)
    times: list[list[float]] = [[] for _ in renderers]
    for _ in range(iters):
        for renderer, kept in zip(renderers, times):
            if uncached:
                forget_layers()
            start = time.perf_counter()
            renderer.render_png(name)
            kept.append(time.perf_counter() - start)
    return [statistics.median(kept) * 1000 for kept in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=100)
    parser.add_argument("--uncached", action="store_true", help="draw static layers on every render")
    parser.add_argument("--only", nargs="*", help="substrings of the cards to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        cards: list[tuple[str, str]] = [(path, (CORPUS / path).read_text("utf-8")) for path in FILES]
        # A hand-written filter blurs in linearRGB (the default); design tools write sRGB.
        cards.append(("synthetic/full-canvas-blur.svg", FULL_CANVAS_BLUR.format(space="")))
        srgb = FULL_CANVAS_BLUR.format(space=' color-interpolation-filters="sRGB"')
        cards.append(("synthetic/full-canvas-blur-srgb.svg", srgb))
        print(f"{'card':38} {'filtered':>10} {'stripped':>10} {'ratio':>7}")
        for label, svg in cards:
            if args.only and not any(part in label for part in args.only):
                continue
            name = Path(label).stem
            directories = []
            for variant, text in (("filtered", svg), ("stripped", strip_filters(svg))):
                directory = Path(tmp) / label.replace("/", "_") / variant
                directory.mkdir(parents=True)
                (directory / f"{name}.svg").write_text(text, "utf-8")
                directories.append(directory)
            results = medians_ms(directories, name, args.iters, args.uncached)
            filtered, stripped = results
            print(f"{label:38} {filtered:8.1f} ms {stripped:7.1f} ms {filtered / stripped:6.2f}x", flush=True)


if __name__ == "__main__":
    main()
