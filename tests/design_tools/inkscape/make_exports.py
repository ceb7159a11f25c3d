"""Have Inkscape write the files of this directory from the documents in ``sources/``.

Run it where Inkscape 1.2 is installed (Debian's ``inkscape`` package; CI does not
have it and uses the committed files)::

    .venv/bin/python tests/design_tools/inkscape/make_exports.py [name ...]

Inkscape lays text out with the fonts fontconfig gives it, and it writes the
result of that layout into the file: the SVG 1.1 fallback lines of a
``shape-inside`` or ``inline-size`` text. It runs here with the same private
fontconfig configuration as the browser tests (``tests/browser.py``: svgog's
fonts only, unknown families mean Inter), so those lines are measured with the
fonts svgog and Chromium use.

Each export is ``inkscape sources/NAME.svg --actions="...;export-do"``: the
actions (selecting objects, clipping, masking) are Inkscape's own, and the file
is written by Inkscape's SVG output (``plain`` drops the Inkscape and Sodipodi
namespaces, as File > Save As > Plain SVG does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
TESTS = HERE.parents[1]
INKSCAPE = shutil.which("inkscape") or "/usr/bin/inkscape"


@dataclass(frozen=True)
class Export:
    """How one source becomes one exported file."""

    #: Inkscape actions run before the export, e.g. ``select-by-id:a,b;object-set-clip``.
    actions: str = ""
    #: Write plain SVG (no ``inkscape:`` or ``sodipodi:`` attributes).
    plain: bool = False


EXPORTS = {
    "tspan-styles": Export(),
    "shape-inside": Export(),
    "inline-size": Export(),
    "mm-frames": Export(),
    "drop-shadow-blur": Export(),
    # The clip and the mask are made by Inkscape (Object > Clip > Set Clip,
    # Object > Mask > Set Mask): the topmost selected object becomes the clip path.
    "clip-mask-gradient": Export(
        actions="select-by-id:photo,photo-clip;object-set-clip;select-clear;select-by-id:stripes,stripes-mask;object-set-mask"
    ),
    "image-link": Export(),
    "decoration-opacity": Export(),
    "plain-letter-spacing": Export(plain=True),
}


def export(name: str, spec: Export, env: dict[str, str]) -> Path:
    source = SOURCES / f"{name}.svg"
    target = HERE / f"{name}.svg"
    actions = [spec.actions] if spec.actions else []
    actions += [f"export-filename:{target}", "export-overwrite"]
    if spec.plain:
        actions.append("export-plain-svg")
    actions.append("export-do")
    target.unlink(missing_ok=True)
    run = subprocess.run(
        [INKSCAPE, str(source), f"--actions={';'.join(actions)}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
    )
    if run.returncode or not target.is_file():
        raise SystemExit(f"Inkscape did not write {target}:\n{run.stderr}")
    return target


def main(names: list[str]) -> None:
    sys.path.insert(0, str(TESTS))
    from browser import _fontconfig

    unknown = set(names) - set(EXPORTS)
    if unknown:
        raise SystemExit(f"no such source: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(Path(scratch))), "HOME": scratch}
        for name, spec in EXPORTS.items():
            if not names or name in names:
                print(export(name, spec, env).relative_to(TESTS.parent))


if __name__ == "__main__":
    main(sys.argv[1:])
