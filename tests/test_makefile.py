"""The Makefile's setup: what `make run` and `make test` install, and the system packages.

`make -n` shows what a target would run without running it; the venv is
pointed at a directory that does not exist, so every step is shown.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT

MAKEFILE = ROOT / "Makefile"
# A normal user's PATH: /usr/sbin and /sbin (where ldconfig lives) are not on it.
NORMAL_PATH = "/usr/local/bin:/usr/bin:/bin"


def dry_run(target: str, tmp_path: Path) -> str:
    done = subprocess.run(
        ["make", "-n", "-f", str(MAKEFILE), target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_run_installs_the_package_without_the_test_extras(tmp_path: Path) -> None:
    run = dry_run("run", tmp_path)
    assert "pip install --quiet -e '.[serve]'" in run
    assert "[test]" not in run and "chromium" not in run
    assert f"touch {tmp_path / 'venv' / '.installed'}\n" in run
    assert "pip install --quiet -e '.[serve]'" in dry_run("serve-prod", tmp_path)


def test_make_test_installs_the_test_extras_fonts_and_chromium_under_its_own_stamp(
    tmp_path: Path,
) -> None:
    test = dry_run("test", tmp_path)
    assert "pip install --quiet -e '.[test]'" in test
    assert f"touch {tmp_path / 'venv' / '.installed-test'}\n" in test
    assert "apt-get install -y -qq --no-install-recommends chromium" in test
    assert "fonts-noto-cjk fonts-noto-core" in test and "libcairo2" in test


def test_every_apt_install_skips_recommended_packages() -> None:
    text = MAKEFILE.read_text()
    installs = re.findall(r"apt-get install[^;\"\n]*", text)
    assert len(installs) >= 6  # three installs, and the three commands printed for a normal user
    assert [line for line in installs if "--no-install-recommends" not in line] == []


@pytest.fixture()
def readable_makefile() -> Iterator[Path]:
    """A copy of the Makefile in a directory any user can read (the checkout may be in /root)."""
    directory = Path(tempfile.mkdtemp(prefix="svgog-make-"))
    try:
        directory.chmod(0o755)
        shutil.copy(MAKEFILE, directory / "Makefile")
        (directory / "Makefile").chmod(0o644)
        yield directory
    finally:
        shutil.rmtree(directory)


def as_normal_user(argv: list[str]) -> tuple[list[str], str]:
    """``argv`` run as a user who is not root, and a Python that user can run."""
    if os.geteuid() != 0:
        return argv, sys.executable
    runuser = shutil.which("runuser")
    assert runuser is not None, "runuser (util-linux, on every Debian) runs the Makefile as a normal user"
    prefix = [runuser, "-u", "nobody", "--"]
    for python in (shutil.which("python3", path=NORMAL_PATH), sys.executable):
        if python and subprocess.run([*prefix, python, "-c", ""], capture_output=True, timeout=60).returncode == 0:
            return [*prefix, *argv], python
    raise AssertionError("no Python that the user nobody can run")


def test_make_sysdeps_finds_cairo_as_a_normal_user(readable_makefile: Path) -> None:
    import cairosvg  # noqa: F401  (cairo is installed: the renderer could not work without it)

    argv, python = as_normal_user(["env", f"PATH={NORMAL_PATH}", "make", "--no-print-directory", "sysdeps"])
    done = subprocess.run(
        [*argv, f"PYTHON={python}"],
        cwd=readable_makefile,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""


def test_make_sysdeps_without_cairo_tells_a_normal_user_the_command(
    readable_makefile: Path,
) -> None:
    # PYTHON=false: loading the library fails, as it does where cairo is not installed.
    argv, _ = as_normal_user(
        [
            "env",
            f"PATH={NORMAL_PATH}",
            "make",
            "--no-print-directory",
            "sysdeps",
            "PYTHON=false",
        ]
    )
    done = subprocess.run(argv, cwd=readable_makefile, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "svgog needs the cairo library: sudo apt-get install --no-install-recommends libcairo2" in done.stderr
