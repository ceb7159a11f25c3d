"""Files svgog writes are readable as any other new file is: 0666 less the umask.

A static web server running as another user serves ``svgog build``'s images,
its ``manifest.json`` and the webhook's stored images; files created 0600
would be answered with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from svgog.files import write_atomically
from svgog.flask import SvgOg

SVGOG = Path(sys.executable).with_name("svgog")
UMASKS = [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)]


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), UMASKS, ids=[f"umask {m:03o}" for m, _ in UMASKS])
def test_a_written_file_gets_0666_less_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    target = tmp_path / "new" / "card.png"
    with umask(mask):
        write_atomically(target, b"first")
        assert mode(target) == expected
        target.chmod(0o600)
        write_atomically(target, b"second")  # a replaced file is a new file
    assert mode(target) == expected and target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["card.png"]  # no temporary file left


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_atomically(tmp_path / "card.png", "not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("mask", "expected"), UMASKS[:2], ids=[f"umask {m:03o}" for m, _ in UMASKS[:2]])
def test_build_writes_images_and_manifest_with_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    records = tmp_path / "posts.json"
    records.write_text(json.dumps([{"slug": "a", "title": "A"}, {"slug": "b", "title": "B"}]))
    site = tmp_path / "site"
    # A real process with a real umask; two jobs, so that worker processes write the images.
    command = f'umask {mask:03o} && exec "$0" build blog "$1" -o "$2" --jobs 2'
    done = subprocess.run(["sh", "-c", command, SVGOG, records, site], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in site.iterdir())
    assert written == ["a.png", "b.png", "manifest.json"]
    assert {name: mode(site / name) for name in written} == dict.fromkeys(written, expected)


def test_webhook_stores_images_with_the_umask(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    app = Flask(__name__)
    app.config.update(SECRET_KEY="k", SVGOG_SIGNING=False, SVGOG_WEBHOOK_SECRET="hook", SVGOG_STORAGE_DIR=str(storage))
    SvgOg(app)
    body = json.dumps({"title": "Published"}).encode()
    signature = "sha256=" + hmac.new(b"hook", body, hashlib.sha256).hexdigest()
    with umask(0o022):
        answer = app.test_client().post("/og/blog", data=body, headers={"X-Svgog-Signature": signature})
    assert answer.status_code == 200, answer.data
    (stored,) = storage.iterdir()
    assert mode(stored) == 0o644
