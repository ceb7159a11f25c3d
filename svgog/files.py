"""Writing files so that no reader ever sees half of one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _create_temporary(directory: Path, suffix: str) -> tuple[int, Path]:
    """A new file beside the target, created as ``open()`` creates files.

    Mode 0666 is asked for and the kernel applies the umask (and a default
    ACL), so the file ends up as readable as any other the process writes:
    0644 under the usual umask 022. ``tempfile.mkstemp`` creates 0600 files,
    which a web server running as another user cannot read.
    """
    for _ in range(100):
        candidate = directory / f".tmp-{secrets.token_hex(8)}{suffix}"
        try:
            return os.open(candidate, _FLAGS, 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary file name in {directory}")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory.

    The temporary file is flushed to disk, then renamed over ``path`` (an
    atomic step on POSIX file systems): readers see the old file or the whole
    new one. The file gets the permissions of any newly created file
    (``0666`` less the umask). On any failure the temporary file is removed,
    and the error names ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle, temporary = _create_temporary(path.parent, path.suffix)
    except OSError as exc:
        exc.filename = os.fspath(path)  # not the temporary name, which the caller never chose
        raise
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
