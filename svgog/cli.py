"""The ``svgog`` command: render templates and list them from a shell."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from .build import Builder
from .errors import SvgogError
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


@click.group()
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
    help="Output file; .png or .svg decides the format ('-' writes PNG to stdout).",
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
    output.write_bytes(result.data)
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


@main.command()
@click.argument("template")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--output", "-o", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output directory."
)
@click.option("--map", "mappings", multiple=True, metavar="KEY=FIELD", help="Read field FIELD from input key KEY.")
@click.option("--set", "-s", "assignments", multiple=True, metavar="FIELD=VALUE", help="A field for every record.")
@click.option("--name", "pattern", help="Output file pattern, e.g. '{slug}.png' (default) or 'og/{slug}.webp'.")
@click.option("--format", "format_", type=click.Choice(["png", "jpg", "webp"]), default="png", show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="cores")
@click.option("--force", is_flag=True, help="Render every record, even unchanged ones.")
@_assets_option
@_templates_option
@_fonts_option
def build(
    template: str,
    inputs: tuple[Path, ...],
    output: Path,
    mappings: tuple[str, ...],
    assignments: tuple[str, ...],
    pattern: str | None,
    format_: str,
    jobs: int,
    force: bool,
    assets: tuple[Path, ...],
    templates: tuple[Path, ...],
    fonts: tuple[Path, ...],
) -> None:
    """Render TEMPLATE once per record of INPUTS into an output directory.

    INPUTS are JSON arrays, JSON Lines, CSV files, or directories of Markdown
    files with YAML front matter. Unchanged records are skipped (see the
    manifest.json written beside the images); a failing record is reported
    with its file and line and the others are still built.
    """
    options = {
        "templates": [str(t.resolve()) for t in templates] or None,
        "fonts": [str(f.resolve()) for f in fonts],
        "assets": [str(a.resolve()) for a in assets],
    }
    mapping = {key: field for key, field in _assignments(mappings, "--map", "KEY=FIELD").items()}
    try:
        builder = Builder(
            options, template, output, mapping=mapping, constants=_assignments(assignments, "--set"),
            name=pattern, format=format_,
        )  # fmt: skip
    except SvgogError as exc:
        raise click.ClickException(str(exc)) from exc
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label=f"rendering {template}", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        result = builder.build(inputs, jobs=jobs, force=force, progress=progress)
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
                families.setdefault(font.family, []).append(f"{font.weight}{' ' + font.style if font.style != 'normal' else ''}")
            for name, faces in sorted(families.items()):
                click.echo(f"system   {name}: {', '.join(dict.fromkeys(faces))}")
        return
    style = "italic" if italic else "normal"
    requested = family_list(family) or ["sans-serif"]
    info = registry.find(requested, weight, style)
    primary = registry.match(info.family if info else (registry.default_family or "sans-serif"), weight, style)
    chain = FontChain(
        [primary, *(registry.match(f, weight, style) for f in registry.fallback_families())],
        bundled_emoji(),
        lambda cluster: registry.fallback_face(cluster, weight, style, lang=lang),
    )
    missing = 0
    for cluster in clusters(text):
        kind, source, _ = chain.source(cluster)
        codes = " ".join(f"U+{ord(c):04X}" for c in cluster)
        if kind == FACE and source is not None:
            where = "system" if source.info.path and not any(source.info.path == i.path for i in registry.faces) else "registered"
            drawn = f"{source.info.full_name} ({where})"
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
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
