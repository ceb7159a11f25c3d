"""Helpers for tests: PNG inspection, golden-image comparison, output files."""

from __future__ import annotations

import socket
import struct
import zlib
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "tests" / "output"
GOLDEN = ROOT / "tests" / "golden"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

FORTY_WORDS = (
    "Every social network crops, scales and caches the preview image of a shared link, so the "
    "title on it has to survive being read at a glance on a small phone screen by someone "
    "scrolling past hundreds of other posts"
)
assert len(FORTY_WORDS.split()) == 40


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, checking the signature and CRC."""
    assert data[:8] == PNG_MAGIC, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pixels(data: bytes) -> np.ndarray:
    """Decode a PNG into an RGBA array of shape (height, width, 4)."""
    with Image.open(BytesIO(data)) as image:
        return np.asarray(image.convert("RGBA"))


def save_output(name: str, data: bytes) -> Path:
    """Keep an image under tests/output/ for a person to look at."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / name
    path.write_bytes(data)
    return path


def rms_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square difference of two RGBA images, on a 0-255 scale."""
    assert a.shape == b.shape, f"sizes differ: {a.shape} vs {b.shape}"
    return float(np.sqrt(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)))


def compare_golden(name: str, data: bytes, *, tolerance: float = 2.0) -> None:
    """Compare a rendered PNG with ``tests/golden/<name>.png``.

    Exact equality would break across cairo and FreeType versions, so the
    images may differ by an RMS of ``tolerance``. On failure the render and an
    amplified difference image are written to ``tests/output/``. A missing
    baseline is written (and the test fails) so it can be reviewed and committed.
    """
    golden = GOLDEN / f"{name}.png"
    if not golden.exists():
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
        raise AssertionError(f"no baseline; wrote {golden} — look at it and commit it")
    expected, actual = pixels(golden.read_bytes()), pixels(data)
    rms = rms_difference(expected, actual)
    if rms > tolerance:
        save_output(f"{name}-actual.png", data)
        diff = np.abs(expected.astype(np.int16) - actual.astype(np.int16)).astype(np.uint8)
        diff[..., 3] = 255
        amplified = np.clip(diff.astype(np.int32) * 8, 0, 255).astype(np.uint8)
        buffer = BytesIO()
        Image.fromarray(amplified, "RGBA").save(buffer, "PNG")
        path = save_output(f"{name}-diff.png", buffer.getvalue())
        raise AssertionError(f"{name}: RMS difference {rms:.2f} > {tolerance}; see {path}")


def free_ports(count: int) -> list[int]:
    """``count`` different ports free on 127.0.0.1."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()
