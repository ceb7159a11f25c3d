"""Reading build records: JSON, JSON Lines, CSV, and Markdown front matter.

Every record keeps where it came from (file and line, or row) so that a
build can say exactly which input failed. A malformed record is reported
as a :class:`RecordError` and the others are still read.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Record", "RecordError", "read_records"]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")


@dataclass(frozen=True)
class Record:
    """One input record: its values and where it was read."""

    values: dict[str, str]
    source: str
    #: A default output name: the Markdown file's stem, or the row number.
    stem: str


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


def read_records(path: Path) -> Iterator[Record | RecordError]:
    """The records of a JSON, JSON Lines or CSV file, or of a directory of Markdown files."""
    if path.is_dir():
        yield from _markdown_directory(path)
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


def _markdown_directory(directory: Path) -> Iterator[Record | RecordError]:
    import yaml

    files = sorted(p for p in directory.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file())
    for file in files:
        source = f"{file}:1"
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            yield RecordError(str(file), f"cannot read: {exc}")
            continue
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            yield RecordError(source, "no front matter (the file must start with a --- line)")
            continue
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        except StopIteration:
            yield RecordError(source, "front matter is not closed by a --- line")
            continue
        try:
            data = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{file}:{mark.line + 2}" if mark is not None else source
            yield RecordError(where, f"invalid front matter: {getattr(exc, 'problem', exc)}")
            continue
        relative = file.relative_to(directory).with_suffix("")
        yield _record(data, source, relative.as_posix())
