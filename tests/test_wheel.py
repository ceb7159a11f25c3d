"""The wheel carries the bundled templates and fonts: svgog works after a plain install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from helpers import ROOT, png_size

SOURCES = ["svgog", "templates_svg", "fonts", "setup.cfg", "pyproject.toml", "README.md", "LICENSE"]


def run(*args: object, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return done


def test_wheel_installs_and_renders_outside_the_checkout(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", ".", cwd=source)
    (wheel,) = (tmp_path / "dist").glob("svgog-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "svgog/bundled_templates/blog.svg" in names
    assert "svgog/bundled_fonts/inter/Inter-Bold.otf" in names
    assert "svgog/bundled_fonts/inter/OFL.txt" in names

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    # Dependencies come from the test environment, added after the new
    # environment's own site-packages, so the wheel's svgog is the one imported.
    new_site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).stdout.decode().strip())
    (new_site / "zz_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = (
        "import svgog, sys\n"
        "from svgog.resources import bundled_fonts_dir, bundled_templates_dir\n"
        f"assert svgog.__file__.startswith({str(venv)!r}), svgog.__file__\n"
        f"assert str(bundled_templates_dir()).startswith({str(venv)!r})\n"
        f"assert str(bundled_fonts_dir()).startswith({str(venv)!r})\n"
        "sys.stdout.buffer.write(svgog.render_png('blog', title='Rendered from an installed wheel'))\n"
    )
    done = run(python, "-c", script, cwd=tmp_path, env=env)
    assert png_size(done.stdout) == (1200, 630)
    cli = run(venv / "bin" / "svgog", "render", "blog", "-s", "title=CLI", "-o", "-", cwd=tmp_path, env=env)
    assert png_size(cli.stdout) == (1200, 630)
