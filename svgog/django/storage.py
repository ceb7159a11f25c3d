"""Webhook images kept through Django's storage API (``SVGOG_STORAGE``).

``SVGOG_STORAGE = "default"`` names an alias of Django's ``STORAGES``:
the file system under ``MEDIA_ROOT``, or S3, Google Cloud Storage, Azure
(django-storages) with no svgog code. Images are named by their content hash
(``<key>.<ext>``), so each is written once and never changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.core.files.storage import storages

__all__ = ["StorageStore"]


@contextmanager
def _failures_as_oserror(alias: str) -> Iterator[None]:
    """A backend's own errors (botocore's, Azure's...) as :class:`OSError`, which svgog answers 503."""
    try:
        yield
    except OSError:
        raise
    except Exception as exc:
        raise OSError(f"the storage {alias!r} failed: {type(exc).__name__}: {exc}") from exc


class StorageStore:
    """Stored webhook images in ``django.core.files.storage.storages[alias]``.

    Every method raises :class:`OSError` when the storage fails, whatever
    the backend raised.

    :param alias: A key of Django's ``STORAGES`` setting.
    """

    def __init__(self, alias: str) -> None:
        self.alias = alias

    @property
    def storage(self) -> Any:
        """The Django storage (looked up each time, so that changed ``STORAGES`` in tests apply)."""
        return storages[self.alias]

    def exists(self, filename: str) -> bool:
        """Whether the image is already stored."""
        with _failures_as_oserror(self.alias):
            return bool(self.storage.exists(filename))

    def save(self, filename: str, data: bytes) -> None:
        """Store an image under its own name."""
        with _failures_as_oserror(self.alias):
            storage = self.storage
            saved = storage.save(filename, ContentFile(data))
            if saved != filename:
                # Another request stored the same content meanwhile, and the
                # storage gave this copy a free name: the first file is the one.
                storage.delete(saved)

    def url(self, filename: str) -> str | None:
        """Where the storage serves the image: an absolute URL or a path on this site, or ``None``.

        ``None`` when the storage has no URLs (or only a relative one, as
        with an empty ``MEDIA_URL``): then svgog's ``stored/`` route serves it.
        """
        with _failures_as_oserror(self.alias):
            try:
                url = str(self.storage.url(filename))
            except (NotImplementedError, ValueError):  # Django's "not accessible via a URL"
                return None
        if url.startswith("/") or urlsplit(url).scheme in ("http", "https"):
            return url
        return None

    def read(self, filename: str) -> bytes | None:
        """The image's bytes, or ``None`` when it is not stored."""
        try:
            with _failures_as_oserror(self.alias), self.storage.open(filename, "rb") as file:
                return bytes(file.read())
        except FileNotFoundError:
            return None

    def __repr__(self) -> str:
        return f"StorageStore({self.alias!r})"
