"""svgog's benchmark: card A (bench/card_a.svg), run by hand, never in CI.

    .venv/bin/python bench/run.py [--iters 200] [--peers DIR]

Prints, per title: median and p95 of warm uncached renders, the PNG size and
the split (fill and layout, CairoSVG parse and draw, PNG encoding); cold
starts in fresh processes; peak RSS; cached renders through the Flask test
client and a real server; batch images per second with 1 and 2 jobs. With
``--peers DIR`` (a copy of the peer benchmarks with ``npm install`` done), it
also times Takumi on the same card, alternating with svgog, and prints the
ratio measured in that run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TITLES = {
    "short": "Hello world",
    "medium": "How to Generate OG Images Dynamically with an API in 2026",
    "long": (
        "Every social network crops, scales and caches the preview image of a shared link, so the title on it "
        "has to survive being read at a glance on a small phone screen by someone scrolling past hundreds of "
        "other posts"
    ),
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def warm(iters: int) -> dict[str, dict[str, float]]:
    import svgog
    from svgog import raster

    renderer = svgog.Renderer(templates=HERE)
    results = {}
    for key, title in TITLES.items():
        for i in range(10):
            renderer.render_png("card_a", title=f"{title} {i}")
        totals, fills, draws, encodes = [], [], [], []
        size = 0
        for i in range(iters):
            fields = {"title": title}
            started = time.perf_counter()
            job = renderer.prepare("card_a", fields)
            svg, _, layer = job.template.fill_layers(job.values, {})
            filled = time.perf_counter()
            base = raster.static_pixels(layer, width=1200, height=630, base_dir=HERE) if layer else None
            surface = raster.draw(svg, width=1200, height=630, base_dir=HERE, base=base)
            drawn = time.perf_counter()
            png = raster.encode_png(surface)
            done = time.perf_counter()
            totals.append(done - started)
            fills.append(filled - started)
            draws.append(drawn - filled)
            encodes.append(done - drawn)
            size = len(png)
        results[key] = {
            "median_ms": statistics.median(totals) * 1000,
            "p95_ms": percentile(totals, 0.95) * 1000,
            "fill_ms": statistics.median(fills) * 1000,
            "draw_ms": statistics.median(draws) * 1000,
            "encode_ms": statistics.median(encodes) * 1000,
            "png_bytes": size,
        }
    return results


COLD = """
import time
started = time.perf_counter()
import svgog
renderer = svgog.Renderer(templates={templates!r})
png = renderer.render_png("card_a", title={title!r})
print(time.perf_counter() - started)
"""


def cold(runs: int) -> dict[str, float]:
    times, rss = [], []
    for _ in range(runs):
        code = COLD.format(templates=str(HERE), title=TITLES["medium"])
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout.strip()))
        rss.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
    return {"median_ms": statistics.median(times) * 1000, "max_rss_mib": max(rss)}


def cached(iters: int) -> dict[str, float]:
    from flask import Flask
    from werkzeug.serving import make_server

    from svgog.flask import SvgOg

    app = Flask(__name__)
    app.config.update(SVGOG_TEMPLATES=str(HERE), SVGOG_SIGNING=False)
    SvgOg(app)
    client = app.test_client()
    url = "/og/card_a.png?title=Cached+title"
    client.get(url)
    times = []
    for _ in range(iters):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    urllib.request.urlopen(base + url).read()
    http = []
    for _ in range(iters):
        started = time.perf_counter()
        urllib.request.urlopen(base + url).read()
        http.append(time.perf_counter() - started)
    server.shutdown()
    return {"test_client_ms": statistics.median(times) * 1000, "http_ms": statistics.median(http) * 1000}


def batch(records: int) -> dict[str, float]:
    from svgog.build import Builder

    rates = {}
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "records.json"
        data.write_text(json.dumps([{"slug": f"r{i}", "title": f"{TITLES['medium']} #{i}"} for i in range(records)]))
        for jobs in (1, 2):
            builder = Builder({"templates": [str(HERE)]}, "card_a", Path(scratch) / f"out{jobs}")
            result = builder.build([data], jobs=jobs, force=True)
            rates[f"jobs_{jobs}_images_per_s"] = result.rate
    return rates


def peers(directory: Path, rounds: int) -> dict[str, float]:
    """Takumi's median on the medium title, alternating with svgog's, and the ratio."""
    import svgog

    renderer = svgog.Renderer(templates=HERE)
    takumi, ours = [], []
    for _ in range(rounds):
        done = subprocess.run(
            ["node", "takumi_median.mjs", TITLES["medium"], "100"], cwd=directory, capture_output=True, text=True
        )
        takumi.append(float(done.stdout.strip().splitlines()[-1]))
        times = []
        for i in range(100):
            started = time.perf_counter()
            renderer.render_png("card_a", title=f"{TITLES['medium']}")
            times.append(time.perf_counter() - started)
        ours.append(statistics.median(times) * 1000)
    return {
        "takumi_ms": statistics.median(takumi),
        "svgog_ms": statistics.median(ours),
        "ratio": statistics.median(ours) / statistics.median(takumi),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=200)
    parser.add_argument("--peers", type=Path, help="peer benchmark directory with node_modules installed")
    arguments = parser.parse_args()
    report = {
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "warm": warm(arguments.iters),
        "cold": cold(5),
        "cached": cached(arguments.iters),
        "batch": batch(200),
    }
    report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if arguments.peers:
        report["peers"] = peers(arguments.peers, 3)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
