"""The ``svgog`` command: render templates and list them from a shell."""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .build import Builder
from .errors import SvgogError
from .fonts import FontFace
from .lint import check_template
from .renderer import Renderer
from .sheet import contact_sheet

__all__ = ["main"]


def _assignments(items: tuple[str, ...], option: str, form: str = "FIELD=VALUE") -> dict[str, str]:
    """``NAME=VALUE`` pairs as a dict (the value may hold ``=``)."""
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected {form}, got {item!r}", param_hint=option)
        pairs[key] = value
    return pairs


def _os_error(exc: OSError) -> str:
    """An operating system error as ``path: reason`` (``[Errno 2]`` and quotes left out)."""
    if exc.filename is None or not exc.strerror:
        return str(exc)
    where = os.fsdecode(exc.filename)
    if exc.filename2 is not None:
        where += f" -> {os.fsdecode(exc.filename2)}"
    return f"{where}: {exc.strerror}"


class _UsageLine(click.UsageError):
    """A usage error shown as one line, without the usage text above it."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", file=file, err=file is None)


_SHOWS_HELP: tuple[type[Exception], ...] = tuple(
    kind for kind in [getattr(click.exceptions, "NoArgsIsHelpError", None)] if kind is not None
)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Turn every failure of a command into one line on standard error and a non-zero exit."""
    try:
        yield
    except _SHOWS_HELP:
        raise  # ``svgog`` alone prints its help
    except click.UsageError as exc:
        message = exc.format_message()
        if exc.ctx is not None and (not isinstance(exc, click.BadParameter) or isinstance(exc, click.MissingParameter)):
            message = f"{message.rstrip('.')}; see '{exc.ctx.command_path} --help'."
        raise _UsageLine(message.replace("\n", " ")) from exc
    except click.ClickException as exc:
        if "\n" not in exc.message:
            raise
        raise click.ClickException(exc.message.replace("\n", " ")) from exc
    except SvgogError as exc:
        raise click.ClickException(str(exc).replace("\n", " ")) from exc
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise  # a closed pipe (``svgog templates | head``) is not a failure worth a message
        raise click.ClickException(_os_error(exc)) from exc


class _Main(click.Group):
    """The ``svgog`` group; no failure in it ends in a traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with _one_line_errors():
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # The commands print what a text could not draw as warnings of their
        # own: the library's log line saying the same is left out.
        text_warnings = _WithoutTextWarnings()
        logger = logging.getLogger("svgog")
        logger.addFilter(text_warnings)
        try:
            with _one_line_errors():
                return super().invoke(ctx)
        finally:
            logger.removeFilter(text_warnings)


class _WithoutTextWarnings(logging.Filter):
    """Drops the renderer's "no font has …" log records (tagged ``svgog_text``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "svgog_text", False)


def _write(output: Path, data: bytes) -> None:
    """Write the output file, or fail with one line naming it."""
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


def _renderer(templates: tuple[Path, ...], fonts: tuple[Path, ...]) -> Renderer:
    return Renderer(templates=templates or None, fonts=fonts)


_templates_option = click.option(
    "--templates",
    "-t",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Template directory (repeatable). Default: the bundled templates.",
)
_assets_option = click.option(
    "--assets",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Directory image fields may name files in (repeatable).",
)
_fonts_option = click.option(
    "--fonts",
    type=click.Path(exists=True, path_type=Path),
    multiple=True,
    help="Extra font file or directory (repeatable).",
)


@click.group(cls=_Main)
@click.version_option(package_name="svgog")
def main() -> None:
    """Open Graph images from SVG templates."""


@main.command()
@click.argument("name")
@click.option("--set", "-s", "assignments", multiple=True, metavar="FIELD=VALUE", help="Set a field (repeatable).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file; its suffix (.png, .jpg, .webp or .svg) picks the format unless --format is given. "
    "'-' writes to standard output (PNG unless --format).",
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON object of field values (--set values override it).",
)
@click.option(
    "--format", "format_", type=click.Choice(["png", "jpg", "webp", "svg"]), help="Output format (default: from -o)."
)
@click.option("--scale", type=float, default=1.0, show_default=True, help="Output pixels per template unit.")
@_assets_option
@_templates_option
@_fonts_option
def render(
    name: str,
    assignments: tuple[str, ...],
    output: Path,
    data: Path | None,
    format_: str | None,
    scale: float,
    assets: tuple[Path, ...],
    templates: tuple[Path, ...],
    fonts: tuple[Path, ...],
) -> None:
    """Render template NAME to an image file."""
    fields: dict[str, object] = {}
    if data is not None:
        try:
            loaded = json.loads(data.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise click.BadParameter(f"{data}: {exc}", param_hint="--data") from exc
        if not isinstance(loaded, dict):
            raise click.BadParameter(f"{data}: expected a JSON object", param_hint="--data")
        fields.update(loaded)
    fields.update(_assignments(assignments, "--set"))
    to_stdout = str(output) == "-"
    suffix = format_ or ("png" if to_stdout else output.suffix.lower().lstrip(".").replace("jpeg", "jpg"))
    if suffix not in ("png", "jpg", "webp", "svg"):
        raise click.BadParameter(
            "the output file must end in .png, .jpg, .webp or .svg (or use --format)", param_hint="--output"
        )
    try:
        renderer = Renderer(templates=templates or None, fonts=fonts, assets=assets)
        result = renderer.render(name, fields, format=suffix, scale=scale)
    except SvgogError as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if to_stdout:
        sys.stdout.buffer.write(result.data)
        return
    _write(output, result.data)
    for report in result.reports:
        if report.field and report.shrunk:
            click.echo(
                f"note: {report.field!r} was set at {report.size:g}px (designed {report.designed_size:g}px)", err=True
            )
        if report.truncated and report.field:
            click.echo(f"note: {report.field!r} was truncated to {len(report.lines)} line(s)", err=True)
    click.echo(f"wrote {output} ({result.width}x{result.height}, {len(result.data)} bytes)", err=True)


@main.command("templates")
@_templates_option
@_fonts_option
def list_templates(templates: tuple[Path, ...], fonts: tuple[Path, ...]) -> None:
    """List the templates and their fields."""
    renderer = _renderer(templates, fonts)
    failed = False
    for name in renderer.names():
        try:
            template = renderer.template(name)
        except SvgogError as exc:
            click.echo(f"{name}: error: {exc}", err=True)
            failed = True
            continue
        description = f"  {template.description}" if template.description else ""
        click.echo(f"{name}  {template.width}x{template.height}{description}")
        for field in template.fields.values():
            notes = []
            if field.required:
                notes.append("required")
            if field.allowed:
                notes.append("|".join(field.allowed))
            shown = field.sample if field.sample is not None else field.default
            if shown:
                shown = shown.replace("\n", " / ")
                notes.append(repr(shown if len(shown) <= 50 else shown[:49] + "…"))
            click.echo(f"  {field.name:<12} {field.kind:<6} {'  '.join(notes)}".rstrip())
    if failed:
        sys.exit(1)


def _build_arguments(arguments: tuple[str, ...], template_names: tuple[str, ...]) -> tuple[list[str], list[Path]]:
    """``svgog build``'s templates and inputs: ``TEMPLATE INPUTS...``, or ``--template`` and ``INPUTS...``."""
    if template_names:
        names, paths = list(template_names), arguments
    else:
        names, paths = [arguments[0]], arguments[1:]
        if not paths:
            raise click.UsageError("Missing argument 'INPUTS...'.")
    inputs = [Path(path) for path in paths]
    for path in inputs:
        if not path.exists():
            hint = " (with --template, every argument is an input)" if template_names else ""
            raise click.BadParameter(f"Path {str(path)!r} does not exist{hint}.", param_hint="'INPUTS...'")
    return names, inputs


@main.command()
@click.argument("arguments", nargs=-1, required=True, metavar="[TEMPLATE] INPUTS...")
@click.option(
    "--template",
    "template_names",
    multiple=True,
    metavar="NAME",
    help="A template to render each record with (repeatable: one image per template). "
    "Without it, the first argument is the template.",
)
@click.option(
    "--output", "-o", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output directory."
)
@click.option("--map", "mappings", multiple=True, metavar="KEY=FIELD", help="Read field FIELD from input key KEY.")
@click.option("--set", "-s", "assignments", multiple=True, metavar="FIELD=VALUE", help="A field for every record.")
@click.option(
    "--name",
    "pattern",
    help="Output file pattern with {slug}, {template}, {format}, {hash} (12 hex digits of the content hash) "
    "or a record key, e.g. '{slug}-{hash}.png'. Default: '{slug}.{format}', or "
    "'{template}/{slug}.{format}' with several templates.",
)
@click.option("--format", "format_", type=click.Choice(["png", "jpg", "webp"]), default="png", show_default=True)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the manifest (e.g. a site's data folder). Default: OUTPUT/manifest.json.",
)
@click.option(
    "--decode-entities/--no-decode-entities",
    default=True,
    show_default=True,
    help="Decode HTML character references (&amp;, &sup2;) in Markdown front matter and headings.",
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="cores")
@click.option("--force", is_flag=True, help="Render every record, even unchanged ones.")
@click.option(
    "--upload",
    metavar="URL",
    help="Also upload the images the store lacks, named by content hash, and give each one's 'url' in the "
    "manifest: s3://bucket/prefix?endpoint=...&public=...&region=... (needs boto3).",
)
@_assets_option
@_templates_option
@_fonts_option
def build(
    arguments: tuple[str, ...],
    template_names: tuple[str, ...],
    output: Path,
    mappings: tuple[str, ...],
    assignments: tuple[str, ...],
    pattern: str | None,
    format_: str,
    manifest_path: Path | None,
    decode_entities: bool,
    jobs: int,
    force: bool,
    upload: str | None,
    assets: tuple[Path, ...],
    templates: tuple[Path, ...],
    fonts: tuple[Path, ...],
) -> None:
    """Render TEMPLATE (or each --template) once per record of INPUTS into an output directory.

    INPUTS are JSON arrays, JSON Lines, CSV files, or directories of Markdown
    files with YAML or TOML front matter (a page without a title takes its
    first '# heading'). Unchanged records are skipped (see the manifest.json
    written beside the images); a failing record is reported with its file
    and line and the others are still built.
    """
    names, inputs = _build_arguments(arguments, template_names)
    options = {
        "templates": [str(t.resolve()) for t in templates] or None,
        "fonts": [str(f.resolve()) for f in fonts],
        "assets": [str(a.resolve()) for a in assets],
    }
    mapping = {key: field for key, field in _assignments(mappings, "--map", "KEY=FIELD").items()}
    try:
        builder = Builder(
            options, names, output, mapping=mapping, constants=_assignments(assignments, "--set"),
            name=pattern, format=format_, manifest=manifest_path, decode_entities=decode_entities,
        )  # fmt: skip
    except SvgogError as exc:
        raise click.ClickException(str(exc)) from exc
    # An output or manifest directory that cannot be written fails now, before any rendering.
    for directory in dict.fromkeys([output, builder.manifest_path.parent]):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=directory):
                pass
        except OSError as exc:
            raise click.ClickException(f"cannot write to {directory}: {exc.strerror or exc}") from exc
    store = None
    if upload:
        # The serving code (and boto3) only when uploading.
        from .serving.service import storage_url_setting

        try:
            store = storage_url_setting(upload)
        except (ValueError, RuntimeError) as exc:
            raise click.BadParameter(str(exc), param_hint="'--upload'") from exc
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label=f"rendering {', '.join(names)}", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        result = builder.build(inputs, jobs=jobs, force=force, progress=progress, store=store)
    except SvgogError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    click.echo(result.summary(), err=True)
    if result.failures:
        sys.exit(1)


@main.command()
@click.argument("targets", nargs=-1, required=True)
@_templates_option
@_fonts_option
def check(targets: tuple[str, ...], templates: tuple[Path, ...], fonts: tuple[Path, ...]) -> None:
    """Check templates: TARGETS are .svg files or template names.

    Reports problems with file and line, renders each template's sample
    values, and exits with status 1 if any error was found.
    """
    renderer = _renderer(templates, fonts)
    errors = 0
    for target in targets:
        path = Path(target)
        try:
            problems = check_template(path, renderer) if path.suffix == ".svg" else renderer.check(target)
        except SvgogError as exc:
            click.echo(f"{target}: error: {exc}")
            errors += 1
            continue
        for problem in problems:
            click.echo(str(problem))
        errors += sum(problem.level == "error" for problem in problems)
        if not problems:
            click.echo(f"{target}: ok")
    if errors:
        click.echo(f"{errors} error(s)", err=True)
        sys.exit(1)


@main.command("fonts")
@click.option("--text", help="Show which font draws each character of TEXT.")
@click.option("--family", default="sans-serif", show_default=True, help="The font-family the text asks for.")
@click.option("--weight", type=click.IntRange(1, 1000), default=400, show_default=True)
@click.option("--italic", is_flag=True, help="Ask for an italic face.")
@click.option("--lang", help="The text's language (ja, ko, zh-CN, zh-TW…): it picks among fallback fonts.")
@click.option("--system/--no-system", "system", default=True, show_default=True, help="Use the system's fonts.")
@_fonts_option
def list_fonts(
    text: str | None,
    family: str,
    weight: int,
    italic: bool,
    lang: str | None,
    system: bool,
    fonts: tuple[Path, ...],
) -> None:
    """List the fonts svgog draws with, or which of them draws each character of --text."""
    from .css import family_list
    from .text.emoji import bundled_emoji
    from .text.runs import EMOJI, FACE, INVISIBLE, FontChain
    from .text.segment import clusters

    try:
        renderer = Renderer(fonts=fonts, system_fonts=system)
    except SvgogError as exc:
        raise click.ClickException(str(exc)) from exc
    registry = renderer.fonts
    if text is None:
        bundled = set(registry.bundled_families)
        by_family: dict[str, list[str]] = {}
        for info in registry.faces:
            kind = "bundled" if info.family in bundled else "added"
            by_family.setdefault(f"{kind:8} {info.family}", []).append(info.full_name)
        for name, faces in by_family.items():
            click.echo(f"{name}: {', '.join(faces)}")
        if system:
            from .systemfonts import SystemFonts

            families: dict[str, list[str]] = {}
            for font in SystemFonts.discover().fonts:
                shown = f"{font.weight}{' ' + font.style if font.style != 'normal' else ''}"
                families.setdefault(font.family, []).append(shown)
            for name, faces in sorted(families.items()):
                click.echo(f"system   {name}: {', '.join(dict.fromkeys(faces))}")
        return
    style = "italic" if italic else "normal"
    requested = family_list(family) or ["sans-serif"]
    found = registry.find(requested, weight, style)
    primary = registry.match(found.family if found else (registry.default_family or "sans-serif"), weight, style)
    chain = FontChain(
        [primary, *(registry.match(f, weight, style) for f in registry.fallback_families())],
        bundled_emoji(),
        lambda cluster: registry.fallback_face(cluster, weight, style, lang=lang),
    )
    missing = 0
    for cluster in clusters(text):
        kind, source, _ = chain.source(cluster)
        codes = " ".join(f"U+{ord(c):04X}" for c in cluster)
        if kind == FACE and isinstance(source, FontFace):
            registered = any(source.info.path == info.path for info in registry.faces)
            drawn = f"{source.info.full_name} ({'registered' if registered else 'system'})"
        elif kind == EMOJI:
            drawn = "Twemoji (bundled emoji)"
        elif kind == INVISIBLE:
            drawn = "(nothing to draw)"
        else:
            drawn = "missing: no font has it"
            missing += 1
        click.echo(f"{cluster!r:8} {codes:24} {drawn}")
    if missing:
        click.echo(f"{missing} character(s) no font draws", err=True)
        sys.exit(1)


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PNG file.")
@click.option("--columns", type=click.IntRange(1, 8), default=3, show_default=True)
@_templates_option
@_fonts_option
def sheet(output: Path, columns: int, templates: tuple[Path, ...], fonts: tuple[Path, ...]) -> None:
    """Render every template with its sample values into one contact sheet PNG."""
    try:
        data = contact_sheet(_renderer(templates, fonts), columns=columns)
    except SvgogError as exc:
        raise click.ClickException(str(exc)) from exc
    _write(output, data)
    click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
