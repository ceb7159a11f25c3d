"""Reading build records: JSON, JSON Lines, CSV, and Markdown front matter.

Every record keeps where it came from (file and line, or row) so that a
build can say exactly which input failed. A malformed record is reported
as a :class:`RecordError` and the others are still read.

A Markdown page's front matter is YAML (``---``) or, as Hugo writes it,
TOML (``+++``). A page whose front matter has no title takes the text of
its first ``# heading``. Front matter values and headings are HTML text
(static site generators copy them into pages as they are), so character
references such as ``&amp;`` or ``I&sup2;C`` are decoded unless
``decode_entities`` is off.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Record", "RecordError", "decode_references", "first_heading", "read_records"]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")


@dataclass(frozen=True)
class Record:
    """One input record: its values and where it was read."""

    values: dict[str, str]
    source: str
    #: A default output name: the Markdown file's stem, or the row number.
    stem: str
    #: The Markdown file the record is (as it was named to :func:`read_records`);
    #: empty for a row of a JSON, JSON Lines or CSV file.
    file: str = ""


@dataclass(frozen=True)
class RecordError:
    """An input that could not be read as a record."""

    source: str
    message: str


def _text(value: Any) -> str | None:
    """A front-matter or JSON value as field text (lists joined, dates in ISO form)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        parts = [_text(v) for v in value]
        return ", ".join(p for p in parts if p)
    if isinstance(value, dict):
        return None  # nested mappings are not fields
    return str(value)


def _record(data: Any, source: str, stem: str) -> Record | RecordError:
    if not isinstance(data, dict):
        return RecordError(source, f"expected an object, got {type(data).__name__}")
    values = {str(k): t for k, v in data.items() if (t := _text(v)) is not None}
    return Record(values, source, stem)


def read_records(path: Path, *, decode_entities: bool = True) -> Iterator[Record | RecordError]:
    """The records of a JSON, JSON Lines or CSV file, or of a directory of Markdown files.

    :param decode_entities: Decode HTML character references (``&amp;``,
        ``&sup2;``, ``&#8212;``) in Markdown front matter and headings.
    """
    if path.is_dir():
        yield from _markdown_directory(path, decode_entities)
        return
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield RecordError(str(path), f"cannot read: {exc}")
        return
    if suffix in (".jsonl", ".ndjson"):
        yield from _json_lines(path, text)
    elif suffix == ".json":
        yield from _json(path, text)
    elif suffix == ".csv":
        yield from _csv(path, text)
    else:
        yield RecordError(str(path), "unknown input format (use .json, .jsonl, .csv or a directory of Markdown files)")


def _json(path: Path, text: str) -> Iterator[Record | RecordError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield RecordError(f"{path}:{exc.lineno}:{exc.colno}", f"invalid JSON: {exc.msg}")
        return
    if not isinstance(data, list):
        yield RecordError(str(path), "expected a JSON array of objects")
        return
    for index, item in enumerate(data):
        yield _record(item, f"{path}[{index}]", str(index + 1))


def _json_lines(path: Path, text: str) -> Iterator[Record | RecordError]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            yield _record(json.loads(line), source, str(number))
        except json.JSONDecodeError as exc:
            yield RecordError(source, f"invalid JSON: {exc.msg}")


def _csv(path: Path, text: str) -> Iterator[Record | RecordError]:
    reader = csv.DictReader(text.splitlines(keepends=True), restkey="\0extra")
    if not reader.fieldnames:
        yield RecordError(str(path), "the CSV file has no header row")
        return
    for row in reader:
        source = f"{path}:{reader.line_num}"
        missing = [key for key, value in row.items() if value is None]
        if missing:
            yield RecordError(source, f"row has no value for column {missing[0]!r}")
        elif "\0extra" in row:
            yield RecordError(source, "row has more values than the header has columns")
        else:
            yield Record({k: v for k, v in row.items() if v != ""}, source, str(reader.line_num))


# -- Markdown pages -------------------------------------------------------------

#: Front matter fences: YAML (``---``, closed by ``---`` or ``...``) and TOML (``+++``).
_FENCES = {"---": ("---", "..."), "+++": ("+++",)}
#: Only references closed by ``;``: ``html.unescape`` alone would also turn the
#: ``&copy`` of ``?a=1&copy=2`` into ``©``, as a browser does in body text.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
#: Inline Markdown a title should not show: images and links keep their text,
#: code spans and emphasis lose their marks, a ``{#id}`` attribute goes.
_INLINE = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"`+([^`]*)`+"), r"\1"),
    (re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)"), r"\1"),
    (re.compile(r"[ \t]*\{#[^}]*\}$"), ""),
)


def decode_references(text: str) -> str:
    """Decode the HTML character references of ``text`` that end with ``;``.

    >>> decode_references("I&sup2;C &amp; SPI, AT&T")
    'I²C & SPI, AT&T'
    """
    return _REFERENCE.sub(lambda match: html.unescape(match.group()), text)


def first_heading(lines: Iterable[str]) -> str | None:
    """The text of the first level-one ATX heading (``# Title``) outside code blocks.

    >>> first_heading(["```", "# not this", "```", "Intro", "# Using `grep` *well* {#grep}"])
    'Using grep well'
    """
    fence = ""
    for line in lines:
        opening = _CODE_FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            text = heading.group(1) or ""
            for pattern, replacement in _INLINE:
                text = pattern.sub(replacement, text)
            return text.strip() or None
    return None


def _front_matter(file: Path, lines: list[str]) -> tuple[Any, int] | RecordError:
    """The parsed front matter of a page's lines, and the index of the first body line."""
    source = f"{file}:1"
    opening = lines[0].strip() if lines else ""
    if opening not in _FENCES:
        return RecordError(source, "no front matter (the file must start with a --- or +++ line)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in _FENCES[opening])
    except StopIteration:
        return RecordError(source, f"front matter is not closed by a {opening} line")
    text = "\n".join(lines[1:end])
    parsed = _toml(file, text) if opening == "+++" else _yaml(file, text)
    return parsed if isinstance(parsed, RecordError) else (parsed, end + 1)


def _yaml(file: Path, text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 2}" if mark is not None else f"{file}:1"
        return RecordError(where, f"invalid front matter: {getattr(exc, 'problem', exc)}")


def _toml(file: Path, text: str) -> Any:
    try:
        import tomllib
    except ImportError:  # Python 3.10: the same parser, as a package
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return RecordError(f"{file}:1", "TOML front matter needs Python 3.11 or the tomli package")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return RecordError(f"{file}:1", f"invalid front matter: {exc}")


def _page(file: Path, directory: Path, decode_entities: bool) -> Record | RecordError:
    """One Markdown page as a record: its front matter, titled by its first heading if need be."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return RecordError(str(file), f"cannot read: {exc}")
    lines = text.splitlines()
    front = _front_matter(file, lines)
    if isinstance(front, RecordError):
        return front
    data, body = front
    record = _record(data, f"{file}:1", file.relative_to(directory).with_suffix("").as_posix())
    if isinstance(record, RecordError):
        return record
    values = dict(record.values)
    if not values.get("title"):
        heading = first_heading(lines[body:])
        if heading:
            values["title"] = heading
    if decode_entities:
        values = {key: decode_references(value) for key, value in values.items()}
    return Record(values, record.source, record.stem, file.as_posix())


def _markdown_directory(directory: Path, decode_entities: bool) -> Iterator[Record | RecordError]:
    files = sorted(p for p in directory.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file())
    for file in files:
        yield _page(file, directory, decode_entities)
