"""Where the webhook keeps the images it renders: a directory, or any store with four methods.

Images are named by their content hash (``<key>.<ext>``): a store writes
each once and never changes it. An adapter may plug in its framework's
storage (:class:`svgog.django.storage.StorageStore` keeps them in a Django
storage); :class:`DirectoryStore` is ``SVGOG_STORAGE_DIR``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..files import write_atomically

__all__ = ["DirectoryStore", "ImageStore"]


class ImageStore(Protocol):
    """Stored webhook images by file name; every method raises :class:`OSError` when the store fails."""

    def exists(self, filename: str) -> bool:
        """Whether the image is stored."""

    def save(self, filename: str, data: bytes) -> None:
        """Store the image (called only when it is not stored yet)."""

    def url(self, filename: str) -> str | None:
        """Where the store serves the image (a URL, or a path on this site), or ``None``: the ``stored/`` route serves it."""

    def read(self, filename: str) -> bytes | None:
        """The image's bytes, or ``None`` when it is not stored."""


class DirectoryStore:
    """Images in a local directory, written atomically; served by the ``stored/`` route.

    :param directory: ``SVGOG_STORAGE_DIR``.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def exists(self, filename: str) -> bool:
        return (self.directory / filename).is_file()

    def save(self, filename: str, data: bytes) -> None:
        write_atomically(self.directory / filename, data)

    def url(self, filename: str) -> str | None:
        return None

    def read(self, filename: str) -> bytes | None:
        try:
            return (self.directory / filename).read_bytes()
        except OSError:
            return None
