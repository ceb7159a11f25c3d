"""The svgog command line."""

from __future__ import annotations

import ast
import io
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FORTY_WORDS, ROOT, png_size

from svgog.cli import main


def test_render_png(tmp_path: Path) -> None:
    out = tmp_path / "card.png"
    result = CliRunner().invoke(main, ["render", "blog", "--set", "title=From the CLI", "-s", "author=Jane", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert png_size(out.read_bytes()) == (1200, 630)
    assert "wrote" in result.output


def test_render_svg_and_truncation_note(tmp_path: Path) -> None:
    out = tmp_path / "card.svg"
    result = CliRunner().invoke(main, ["render", "blog", "-s", f"title={FORTY_WORDS}", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<svg")
    assert "'title' was set at 40px (designed 64px)" in result.output
    assert "'title' was truncated to 4 line(s)" in result.output


def test_values_may_contain_equals_signs(tmp_path: Path) -> None:
    out = tmp_path / "card.svg"
    result = CliRunner().invoke(main, ["render", "blog", "-s", "title=a=b", "-o", str(out)])
    assert result.exit_code == 0, result.output


def test_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(main, ["render", "nope", "-o", str(tmp_path / "x.png")])
    assert unknown.exit_code == 1 and "no such template 'nope'" in unknown.output
    field = runner.invoke(main, ["render", "blog", "-s", "colour=red", "-o", str(tmp_path / "x.png")])
    assert field.exit_code == 1 and "no such field 'colour'" in field.output
    malformed = runner.invoke(main, ["render", "blog", "-s", "title", "-o", str(tmp_path / "x.png")])
    assert malformed.exit_code == 2 and "FIELD=VALUE" in malformed.output
    suffix = runner.invoke(main, ["render", "blog", "-o", str(tmp_path / "x.gif")])
    assert suffix.exit_code == 2 and ".png, .jpg, .webp or .svg" in suffix.output
    assert not (tmp_path / "x.png").exists()


def test_templates_lists_fields() -> None:
    result = CliRunner().invoke(main, ["templates"])
    assert result.exit_code == 0
    assert "blog  1200x630" in result.output
    for field in ("title", "author", "date"):
        assert f"  {field} " in result.output


def test_custom_template_directory(tmp_path: Path) -> None:
    (tmp_path / "mine.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><text id="name" y="50">x</text></svg>'
    )
    out = tmp_path / "mine.png"
    result = CliRunner().invoke(main, ["render", "mine", "-t", str(tmp_path), "-s", "name=Hi", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert png_size(out.read_bytes()) == (300, 100)


def test_installed_command_writes_png_to_stdout() -> None:
    command = Path(sys.executable).with_name("svgog")
    assert command.exists(), "the console script is installed next to the interpreter"
    done = subprocess.run([command, "render", "blog", "-s", "title=Piped", "-o", "-"], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert png_size(done.stdout) == (1200, 630)
    module = subprocess.run([sys.executable, "-m", "svgog", "templates"], capture_output=True, text=True, timeout=120)
    assert module.returncode == 0 and "blog" in module.stdout


def test_check_reports_problems_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.svg"
    bad.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="100" height="50">\n'
        '<image href="https://example.com/logo.png"/>\n'
        '<text id="title" og:widht="90" font-family="Papyrus">x</text>\n'
        "</svg>"
    )
    result = CliRunner().invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2: error: external reference 'https://example.com/logo.png'" in result.output
    assert f"{bad}:3: error: unknown attribute og:widht" in result.output
    assert f'{bad}:3: warning: text field \'title\': font-family "Papyrus": "Papyrus" is not registered' in result.output
    assert "drawn with Inter; add the font (svgog --fonts DIR" in result.output
    assert "or name a registered family in font-family or og:fallback-fonts" in result.output
    assert f"{bad}:3: warning: text field 'title' has no box" in result.output
    assert f"{bad}:3: warning: text field 'title' runs off the canvas" in result.output
    assert result.output.count("error:") == 2  # every problem, and only the real errors as errors


def test_check_renders_samples_and_passes_good_templates(tmp_path: Path) -> None:
    good = tmp_path / "good.svg"
    good.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="300" height="100">'
        '<metadata><og:template><og:field name="title" sample="A sample that is far too long for this box"/>'
        "</og:template></metadata>"
        '<text id="title" x="10" y="50" og:width="100" og:fit="none" font-family="Inter">x</text></svg>'
    )
    result = CliRunner().invoke(main, ["check", str(good)])
    assert result.exit_code == 0, result.output
    assert "warning: the sample of 'title' does not fit its box" in result.output
    assert CliRunner().invoke(main, ["check", "blog"]).output == "blog: ok\n"
    declared = tmp_path / "declared.svg"
    declared.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="300" height="100">\n'
        '<metadata><og:template><og:field name="ghost"/></og:template></metadata></svg>'
    )
    result = CliRunner().invoke(main, ["check", str(declared)])
    assert result.exit_code == 1 and "field 'ghost' is declared but no element uses it" in result.output


def test_sheet(tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    result = CliRunner().invoke(main, ["sheet", "-o", str(out), "--columns", "2"])
    assert result.exit_code == 0, result.output
    width, height = png_size(out.read_bytes())
    assert width == 48 + 2 * (600 + 48) and height > 630


def test_fonts_lists_what_svgog_draws_with_and_which_font_draws_each_character() -> None:
    listing = CliRunner().invoke(main, ["fonts"])
    assert listing.exit_code == 0, listing.output
    assert "bundled  Inter: Inter Bold, Inter Medium, Inter Regular, Inter Semi Bold" in listing.output
    assert "system   Noto Sans CJK JP" in listing.output  # make test installs fonts-noto-cjk
    assert "system" not in CliRunner().invoke(main, ["fonts", "--no-system"]).output
    shown = CliRunner().invoke(main, ["fonts", "--text", "A日한😀\U0010fffd", "--lang", "zh-TW"])
    assert shown.exit_code == 1  # a character no font draws
    lines = shown.output.splitlines()
    assert "Inter Regular (registered)" in lines[0]
    assert "Noto Sans CJK TC" in lines[1] and "(system)" in lines[1]
    assert "Noto Sans CJK TC" in lines[2]  # the text's language keeps Hangul in its face, as browsers do
    assert "Twemoji" in lines[3]
    assert "missing" in lines[4]


def test_render_and_build_warn_about_characters_no_font_has(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", "blog", "-s", "title=Private \U0010fffd use", "-o", "-"])
    assert result.exit_code == 0
    assert "warning: field 'title': no font has U+10FFFD" in result.stderr
    records = tmp_path / "posts.json"
    records.write_text('[{"slug": "a", "title": "Fine"}, {"slug": "b", "title": "Private \\udbff\\udffd use"}]')
    built = CliRunner().invoke(main, ["build", "blog", str(records), "-o", str(tmp_path / "out"), "-j", "1"])
    assert built.exit_code == 0, built.output
    assert f"warning: {records}:1: field 'title': no font has U+10FFFD" in built.stderr or "no font has U+10FFFD" in built.stderr


def test_log_lines_name_svgog_once(tmp_path: Path) -> None:
    """The logger is named ``svgog``; a message that starts with "svgog:" reads "svgog: svgog: …" in a log."""
    (tmp_path / "remote.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">'
        '<image href="https://example.com/logo.png" width="10" height="10"/></svg>'
    )
    logged = io.StringIO()
    handler = logging.StreamHandler(logged)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.getLogger("svgog").addHandler(handler)
    try:
        result = CliRunner().invoke(main, ["render", "remote", "-t", str(tmp_path), "-o", str(tmp_path / "x.png")])
    finally:
        logging.getLogger("svgog").removeHandler(handler)
    assert result.exit_code == 0, result.output
    assert logged.getvalue().startswith("svgog: not fetching https://example.com/logo.png ("), logged.getvalue()
    assert "svgog: svgog:" not in logged.getvalue()


#: Modules that log into their tool's output (MkDocs, Sphinx, Pelican), whose lines do not name
#: the plugin: there the messages start with "svgog:" themselves.
TOOL_LOGGERS = {"svgog/mkdocs.py", "svgog/sphinx.py", "svgog/pelican.py"}


def test_no_log_message_in_the_package_starts_with_svgog() -> None:
    calls = []
    for source in sorted((ROOT / "svgog").rglob("*.py")):
        if source.relative_to(ROOT).as_posix() in TOOL_LOGGERS:
            continue
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"debug", "info", "warning", "error", "exception", "critical", "log"}
                and node.args
            ):
                message = node.args[1] if node.func.attr == "log" and len(node.args) > 1 else node.args[0]
                if isinstance(message, ast.Constant) and isinstance(message.value, str):
                    calls.append((f"{source.relative_to(ROOT)}:{node.lineno}", message.value))
    assert len(calls) >= 9  # the scan finds the package's log calls
    assert [where for where, text in calls if text.lower().startswith("svgog")] == []
    assert [where for where, text in calls if "\n" in text] == []


def test_render_help_names_every_output_format() -> None:
    shown = " ".join(CliRunner().invoke(main, ["render", "--help"]).output.split())
    assert "its suffix (.png, .jpg, .webp or .svg) picks the format unless --format is given" in shown
    assert "'-' writes to standard output (PNG unless --format)" in shown


def test_a_usage_error_is_one_line() -> None:
    result = CliRunner().invoke(main, ["render", "blog"], prog_name="svgog")
    assert result.exit_code == 2
    assert result.output == "Error: Missing option '--output' / '-o'; see 'svgog render --help'.\n"


README = (ROOT / "README.md").read_text()
README_COMMANDS = re.search(r"## Command line\n.*?```bash\n(.*?)```", README, re.S).group(1).splitlines()  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def readme_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the README's commands name: a .venv, post.json, a content folder, a template and a font folder."""
    assert sys.prefix != sys.base_prefix, "make test runs the suite in the project's .venv, which the README's commands name"
    directory = tmp_path_factory.mktemp("readme")
    (directory / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (directory / "post.json").write_text('{"title": "From a file", "author": "Ana Lima"}')
    (directory / "content").mkdir()
    (directory / "content" / "hello.md").write_text("---\ntitle: Hello\nslug: hello-world\n---\nText.\n")
    (directory / "my_templates").mkdir()
    card = re.search(r"```xml\n(.*?)```", README, re.S).group(1)  # type: ignore[union-attr]
    (directory / "my_templates" / "card.svg").write_text(card)  # the README's own template
    (directory / "brand_fonts").mkdir()
    shutil.copy(ROOT / "tests" / "fonts" / "outfit" / "outfit-latin-wght-normal.woff2", directory / "brand_fonts")
    return directory


def check_readme_result(line: str, directory: Path, stdout: str) -> None:
    """What a README command leaves behind (or prints), to see that it did what the README says."""
    if "-o - > card.png" in line or "-o card.png" in line:
        assert png_size((directory / "card.png").read_bytes()) == (1200, 630)
    elif "-o card.svg" in line:
        assert (directory / "card.svg").read_text().startswith("<svg")
    elif "-o card@2x.png" in line:
        assert png_size((directory / "card@2x.png").read_bytes()) == (2400, 1260)
    elif "-o card.webp" in line:
        assert (directory / "card.webp").read_bytes()[8:12] == b"WEBP"
    elif "svgog build" in line:
        assert png_size((directory / "site" / "og" / "hello-world.png").read_bytes()) == (1200, 630)
        assert (directory / "site" / "og" / "manifest.json").is_file()
    elif "-t my_templates" in line:
        assert stdout.startswith("card  1200x630"), stdout
    elif "svgog templates" in line:
        assert "blog  1200x630" in stdout, stdout
    elif "svgog check" in line:
        assert stdout == "my_templates/card.svg: ok\n", stdout
    elif "svgog sheet" in line:
        assert png_size((directory / "sheet.png").read_bytes())[0] > 1200
    else:
        pytest.fail(f"no check for the README line {line!r}")


@pytest.mark.parametrize("line", [line for line in README_COMMANDS if line.startswith("svgog ")])
def test_readme_command_line_examples_run_as_written(readme_directory: Path, line: str) -> None:
    """Each ``svgog`` line of the README, after the lines that set up the shell, in a shell with a normal PATH."""
    setup = [other for other in README_COMMANDS if not other.startswith("svgog ")]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # where a new user's shell finds commands: svgog is not there
    script = "\n".join(["set -e", *setup, line])
    done = subprocess.run(["bash", "-c", script], cwd=readme_directory, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    check_readme_result(line, readme_directory, done.stdout)
