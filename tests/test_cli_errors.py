"""Every ``svgog`` failure on a path is one line and a non-zero exit, never a traceback.

The installed command runs in a real process (an uncaught exception in
:class:`click.testing.CliRunner` would never print its traceback). Paths that
a normal user cannot write need a normal user: when the tests run as root,
the command runs as root without the capabilities that let root write
anywhere, so file modes apply to it as to anyone else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SVGOG = Path(sys.executable).with_name("svgog")


def unprivileged(argv: list[str]) -> list[str]:
    """``argv`` run so that file permissions apply (root loses DAC override and all other capabilities)."""
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--", *argv]


def can_drop_privileges() -> bool:
    if os.geteuid() != 0:
        return True
    return shutil.which("setpriv") is not None and subprocess.run(unprivileged(["true"]), check=False).returncode == 0


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory of things that cannot be read or written, each named for what it is."""
    root = tmp_path_factory.mktemp("cli-errors")
    (root / "file.txt").write_text("a regular file, not a directory\n")
    (root / "readonly").mkdir()
    (root / "readonly").chmod(0o555)
    (root / "readonly.png").write_bytes(b"")
    (root / "readonly.png").chmod(0o444)
    (root / "unreadable.json").write_text('[{"slug": "a", "title": "A"}]')
    (root / "unreadable.json").chmod(0o000)
    (root / "unreadable.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (root / "unreadable.svg").chmod(0o000)
    (root / "notafont.ttf").write_text("this is not a font\n")
    (root / "records.json").write_text('[{"slug": "a", "title": "A"}]')
    (root / "out").mkdir()
    yield root
    for path in root.iterdir():  # so that pytest can remove the directory, whoever runs it
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture(scope="module", autouse=True)
def _file_modes_apply() -> None:
    """Root ignores file modes: the tests drop its capabilities with util-linux's setpriv (on every Debian)."""
    assert can_drop_privileges(), "setpriv (util-linux) is needed to test permission errors as root"


# (subcommand arguments, words the one line must hold); {p} is the directory above.
CASES = [
    # render
    (
        ["render", "blog", "-o", "/nonexistent/dir/x.png"],
        ["/nonexistent/dir/x.png", "No such file or directory"],
    ),
    (
        ["render", "blog", "-o", "{p}/file.txt/x.png"],
        ["file.txt/x.png", "Not a directory"],
    ),
    pytest.param(
        ["render", "blog", "-o", "{p}/readonly/x.png"],
        ["readonly/x.png", "Permission denied"],
    ),
    pytest.param(
        ["render", "blog", "-o", "{p}/readonly.png"],
        ["readonly.png", "Permission denied"],
    ),
    (["render", "blog", "-o", "{p}/out"], ["out", "is a directory"]),
    (
        ["render", "blog", "--data", "{p}/missing.json", "-o", "{p}/out/x.png"],
        ["missing.json", "does not exist"],
    ),
    pytest.param(
        ["render", "blog", "--data", "{p}/unreadable.json", "-o", "{p}/out/x.png"],
        ["unreadable.json", "is not readable"],
    ),
    (
        ["render", "blog", "-t", "{p}/missing", "-o", "{p}/out/x.png"],
        ["missing", "does not exist"],
    ),
    (
        ["render", "blog", "--assets", "{p}/missing", "-o", "{p}/out/x.png"],
        ["missing", "does not exist"],
    ),
    (
        ["render", "blog", "--fonts", "{p}/notafont.ttf", "-o", "{p}/out/x.png"],
        ["notafont.ttf", "not a font"],
    ),
    (
        ["render", "blog", "--fonts", "{p}/missing.ttf", "-o", "{p}/out/x.png"],
        ["missing.ttf", "does not exist"],
    ),
    # build
    (
        ["build", "blog", "{p}/records.json", "-j", "1", "-o", "{p}/file.txt/site"],
        ["file.txt/site", "Not a directory"],
    ),
    pytest.param(
        ["build", "blog", "{p}/records.json", "-j", "1", "-o", "{p}/readonly/site"],
        ["readonly/site", "Permission denied"],
    ),
    pytest.param(
        ["build", "blog", "{p}/records.json", "-j", "1", "-o", "{p}/readonly"],
        ["readonly", "Permission denied"],
    ),
    (
        ["build", "blog", "{p}/missing.json", "-o", "{p}/out/site"],
        ["missing.json", "does not exist"],
    ),
    (
        [
            "build",
            "blog",
            "{p}/records.json",
            "-o",
            "{p}/out/site",
            "-t",
            "{p}/missing",
        ],
        ["missing", "does not exist"],
    ),
    (
        [
            "build",
            "blog",
            "{p}/records.json",
            "-o",
            "{p}/out/site",
            "--fonts",
            "{p}/notafont.ttf",
        ],
        ["notafont.ttf", "not a font"],
    ),
    # check (a file it cannot read is one line of its report: see the test below)
    (["check", "blog", "-t", "{p}/missing"], ["missing", "does not exist"]),
    (["check", "blog", "--fonts", "{p}/notafont.ttf"], ["notafont.ttf", "not a font"]),
    # templates
    (["templates", "-t", "{p}/missing"], ["missing", "does not exist"]),
    (["templates", "-t", "{p}/file.txt"], ["file.txt", "is a file"]),
    (["templates", "--fonts", "{p}/notafont.ttf"], ["notafont.ttf", "not a font"]),
    # sheet
    (
        ["sheet", "-o", "/nonexistent/dir/sheet.png"],
        ["/nonexistent/dir/sheet.png", "No such file or directory"],
    ),
    (
        ["sheet", "-o", "{p}/file.txt/sheet.png"],
        ["file.txt/sheet.png", "Not a directory"],
    ),
    pytest.param(["sheet", "-o", "{p}/readonly.png"], ["readonly.png", "Permission denied"]),
    (
        ["sheet", "-t", "{p}/missing", "-o", "{p}/out/sheet.png"],
        ["missing", "does not exist"],
    ),
    # fonts
    (["fonts", "--fonts", "{p}/notafont.ttf"], ["notafont.ttf", "not a font"]),
    (["fonts", "--fonts", "{p}/missing"], ["missing", "does not exist"]),
]


def run(paths: Path, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    argv = [str(SVGOG), *(a.format(p=paths) for a in arguments)]
    done = subprocess.run(unprivileged(argv), capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert done.returncode != 0, output
    return done


def case_id(case: Any) -> str:
    arguments = getattr(case, "values", case)[0]  # a pytest.param or a plain tuple
    return " ".join(arguments).replace("{p}/", "")


@pytest.mark.parametrize(("arguments", "words"), CASES, ids=[case_id(c) for c in CASES])
def test_a_failure_is_one_line_and_a_non_zero_exit(paths: Path, arguments: list[str], words: list[str]) -> None:
    done = run(paths, arguments)
    assert done.stdout == "", done.stdout  # nothing half-written to standard output
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    for word in words:
        assert word in lines[0], done.stderr


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("missing.svg", "No such file or directory"),
        pytest.param("unreadable.svg", "Permission denied"),
    ],
)
def test_check_reports_a_file_it_cannot_read_as_one_problem(paths: Path, target: str, reason: str) -> None:
    """``check`` reports like a linter: one line per problem on standard output, the count on standard error."""
    done = run(paths, ["check", f"{{p}}/{target}"])
    assert done.stdout == f"{paths / target}: error: cannot read: {reason}\n"
    assert done.stderr == "1 error(s)\n"
