"""The ``svgog`` command: render templates and list them from a shell."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import SvgogError
from .renderer import Renderer

__all__ = ["main"]


def _renderer(templates: tuple[Path, ...], fonts: tuple[Path, ...]) -> Renderer:
    return Renderer(templates=templates or None, fonts=fonts)


_templates_option = click.option(
    "--templates",
    "-t",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Template directory (repeatable). Default: the bundled templates.",
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
@_templates_option
@_fonts_option
def render(
    name: str, assignments: tuple[str, ...], output: Path, templates: tuple[Path, ...], fonts: tuple[Path, ...]
) -> None:
    """Render template NAME to an image file."""
    fields: dict[str, str] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected FIELD=VALUE, got {assignment!r}", param_hint="--set")
        fields[key] = value
    to_stdout = str(output) == "-"
    suffix = "png" if to_stdout else output.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg"):
        raise click.BadParameter("the output file must end in .png or .svg", param_hint="--output")
    try:
        result = _renderer(templates, fonts).render(name, fields, format=suffix)
    except SvgogError as exc:
        raise click.ClickException(str(exc)) from exc
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
        if report.missing:
            click.echo(f"warning: no font has {''.join(report.missing)!r} ({report.field})", err=True)
        if report.unshaped:
            click.echo(
                f"warning: {''.join(report.unshaped)!r} needs pip install 'svgog[shaping]' ({report.field})", err=True
            )
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
        click.echo(f"{name}  {template.width}x{template.height}")
        for field in template.fields.values():
            default = field.default.replace("\n", " / ")
            if len(default) > 60:
                default = default[:59] + "…"
            click.echo(f"  {field.name:<12} {field.kind:<5} {default}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
