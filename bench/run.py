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
import urllib.parse
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
    from svgog import compose

    renderer = svgog.Renderer(templates=HERE)
    results = {}
    for key, title in TITLES.items():
        for i in range(10):
            renderer.render_png("card_a", title=f"{title} {i}")
        totals, fills, draws, encodes = [], [], [], []
        size = 0
        for i in range(iters):
            started = time.perf_counter()
            job = renderer.prepare("card_a", {"title": f"{title} {i}"})
            document, _, layer = job.template.fill_layers(job.values, {})
            filled = time.perf_counter()
            drawn = compose.draw(document, layer, width=1200, height=630, base_dir=HERE)
            painted = time.perf_counter()
            png = compose.encode(drawn, "png")
            done = time.perf_counter()
            totals.append(done - started)
            fills.append(filled - started)
            draws.append(painted - filled)
            encodes.append(done - painted)
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

IMPORT = """
import time
started = time.perf_counter()
import svgog
print(time.perf_counter() - started)
"""


def cold(runs: int) -> dict[str, float]:
    """Fresh processes: import, fonts and the first PNG; and ``import svgog`` alone.

    With bytecode caching on, as an installed package has it (a first process writes it).
    """
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    code = COLD.format(templates=str(HERE), title=TITLES["medium"])
    subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, check=True)
    times, rss, imports = [], [], []
    for _ in range(runs):
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "-c", code],
            env=environment, capture_output=True, text=True, check=True,
        )
        times.append(float(done.stdout.strip()))
        rss.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
        done = subprocess.run([sys.executable, "-c", IMPORT], env=environment, capture_output=True, text=True, check=True)
        imports.append(float(done.stdout.strip()))
    return {
        "median_ms": statistics.median(times) * 1000,
        "import_ms": statistics.median(imports) * 1000,
        "max_rss_mib": max(rss),
    }


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


def peers(directory: Path, rounds: int) -> dict[str, dict[str, float]]:
    """Takumi's median per title, alternating with svgog's in the same run, the ratios, and PNG sizes."""
    import svgog

    renderer = svgog.Renderer(templates=HERE)
    results = {}
    for key, title in TITLES.items():
        takumi, ours, takumi_size = [], [], 0
        for round_ in range(rounds):
            done = subprocess.run(
                ["node", "takumi_median.mjs", title, "100", "--bytes"], cwd=directory, capture_output=True, text=True
            )
            lines = done.stdout.strip().splitlines()
            takumi.append(float(lines[-2]))
            takumi_size = int(lines[-1])
            times = []
            for i in range(100):
                started = time.perf_counter()
                renderer.render_png("card_a", title=f"{title} {round_}.{i}")  # a new title: nothing cached
                times.append(time.perf_counter() - started)
            ours.append(statistics.median(times) * 1000)
        results[key] = {
            "takumi_ms": statistics.median(takumi),
            "svgog_ms": statistics.median(ours),
            "ratio": statistics.median(ours) / statistics.median(takumi),
            "takumi_png_bytes": takumi_size,
            "svgog_png_bytes": len(renderer.render_png("card_a", title=title)),
        }
    return results


PHOTO = HERE / ".cache" / "photo.jpg"
EMOJI_TITLE = "Launch day 🚀🎉✨🔥💯👏🙌❤️😍🤩🥳"  # eleven emoji


def fetch_photo() -> Path:
    """Grace Hopper's portrait (public domain) from matplotlib's sample data on PyPI, fetched once."""
    import zipfile

    if PHOTO.is_file():
        return PHOTO
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "pip", "download", "matplotlib", "--no-deps", "--only-binary=:all:"]
        subprocess.run([*command, "-d", scratch, "-q"], check=True)
        with zipfile.ZipFile(next(Path(scratch).glob("*.whl"))) as wheel:
            PHOTO.parent.mkdir(exist_ok=True)
            PHOTO.write_bytes(wheel.read("matplotlib/mpl-data/sample_data/grace_hopper.jpg"))
            license = next(n for n in wheel.namelist() if n.endswith(".dist-info/LICENSE"))
            (PHOTO.parent / "LICENSE-matplotlib.txt").write_bytes(wheel.read(license))
    return PHOTO


def variants(iters: int) -> dict[str, float]:
    """Medians of uncached renders that differ from card A's: emoji, a photo, JPEG and WebP (alternating)."""
    import svgog

    fetch_photo()
    renderer = svgog.Renderer(templates=HERE)
    cases = {
        "plain": ("card_a", TITLES["medium"], "png"),
        "emoji": ("card_a", EMOJI_TITLE, "png"),
        "photo": ("photo", TITLES["medium"], "png"),
        "jpg": ("card_a", TITLES["medium"], "jpg"),
        "webp": ("card_a", TITLES["medium"], "webp"),
    }
    times: dict[str, list[float]] = {key: [] for key in cases}
    for i in range(iters + 10):
        for key, (name, title, format) in cases.items():
            started = time.perf_counter()
            renderer.render(name, title=f"{title} {i}", format=format)
            if i >= 10:
                times[key].append(time.perf_counter() - started)
    return {f"{key}_ms": statistics.median(values) * 1000 for key, values in times.items()}


def memory(titles: int) -> dict[str, float]:
    """RSS of a gunicorn worker (bench/memory_app.py: card A, unsigned): after start, after the
    first card, and after ``titles`` distinct titles."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "memory_app:create_app()"],
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/og/card_a.png?title="
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        worker = _worker(server.pid)
        report = {"after_start_mib": _rss(worker)}
        urllib.request.urlopen(base + "First").read()
        report["after_first_card_mib"] = _rss(worker)
        for i in range(titles):
            urllib.request.urlopen(base + urllib.parse.quote(f"{TITLES['medium']} {i}")).read()
        report[f"after_{titles}_titles_mib"] = _rss(worker)
        return report
    finally:
        server.terminate()
        server.wait()


def _worker(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children")
        found = children.read_text().split() if children.exists() else []
        if found:
            return int(found[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


#: The goals (docs/performance.md) and how each is read from the report.
GOALS = (
    ("uncached card A, short title, vs Takumi", "≤ 0.5×", lambda r: r["peers"]["short"]["ratio"], 0.5),
    ("uncached card A, medium title, vs Takumi", "≤ 0.5×", lambda r: r["peers"]["medium"]["ratio"], 0.5),
    ("uncached card A, long title, vs Takumi", "≤ 0.5×", lambda r: r["peers"]["long"]["ratio"], 0.5),
    (
        "PNG bytes of card A (medium) vs Takumi's",
        "≤ 1.0×",
        lambda r: r["peers"]["medium"]["svgog_png_bytes"] / r["peers"]["medium"]["takumi_png_bytes"],
        1.0,
    ),
    ("cold start: import, fonts, first PNG (ms)", "≤ 150", lambda r: r["cold"]["median_ms"], 150),
    ("import svgog (ms)", "≤ 50", lambda r: r["cold"]["import_ms"], 50),
    ("worker RSS after start (MiB)", "≤ 80", lambda r: r["memory"]["after_start_mib"], 80),
    ("worker RSS after 10,000 titles (MiB)", "≤ 120", lambda r: r["memory"]["after_10000_titles_mib"], 120),
    ("11-emoji title vs plain title", "≤ 1.5×", lambda r: r["variants"]["emoji_ms"] / r["variants"]["plain_ms"], 1.5),
    ("photo template vs card A", "≤ 2.0×", lambda r: r["variants"]["photo_ms"] / r["variants"]["plain_ms"], 2.0),
    ("JPEG vs PNG", "≤ 1.0×", lambda r: r["variants"]["jpg_ms"] / r["variants"]["plain_ms"], 1.0),
    ("WebP vs PNG", "≤ 1.0×", lambda r: r["variants"]["webp_ms"] / r["variants"]["plain_ms"], 1.0),
)


def goals(report: dict) -> list[dict[str, object]]:
    """Each goal with its measured value and whether it is met (goals whose parts were not run are left out)."""
    rows = []
    for name, target, read, limit in GOALS:
        try:
            value = read(report)
        except KeyError:
            continue
        rows.append({"goal": name, "target": target, "measured": round(value, 3), "met": value <= limit})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=200)
    parser.add_argument("--peers", type=Path, help="peer benchmark directory with node_modules installed")
    parser.add_argument("--titles", type=int, default=10000, help="distinct titles for the memory measure")
    arguments = parser.parse_args()
    report: dict[str, object] = {
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "warm": warm(arguments.iters),
        "variants": variants(arguments.iters),
        "cold": cold(5),
        "cached": cached(arguments.iters),
        "batch": batch(200),
        "memory": memory(arguments.titles),
    }
    report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if arguments.peers:
        report["peers"] = peers(arguments.peers, 3)
    report["goals"] = goals(report)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
