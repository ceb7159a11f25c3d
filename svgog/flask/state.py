"""Per-application state of the extension."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from ..cache import Cache, SingleFlight
from ..renderer import FORMATS, Renderer, RenderJob
from .signing import UrlSigner

__all__ = ["Settings", "settings"]


@dataclass
class Settings:
    """What the extension keeps per application, in ``app.extensions["svgog"]``."""

    renderer: Renderer
    cache: Cache | None
    signer: UrlSigner | None
    max_age: int = 86400
    fallback_max_age: int = 60
    max_fields: int = 20
    formats: frozenset[str] = frozenset(FORMATS)
    scales: frozenset[float] = frozenset({1.0, 2.0})
    fallback: Path | None = None
    gallery: bool = False
    storage_dir: Path | None = None
    webhook_secret: bytes | None = None
    webhook_max_bytes: int = 64 * 1024
    #: Where absolute image URLs start instead of this request's host and
    #: prefix (``https://cdn.example.com/og``), without a trailing slash.
    base_url: str | None = None
    #: ``og:site_name`` when :func:`~svgog.flask.og_meta` is not given one.
    site_name: str | None = None
    #: Renders that may run at once in this process, and how long a request
    #: waits for a turn before it is answered 503.
    max_renders: int = 4
    render_wait: float = 10.0
    flights: SingleFlight = field(default_factory=SingleFlight)
    #: How many renders this application started (for monitoring and tests).
    renders: int = 0
    _count_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _slots: threading.BoundedSemaphore | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(max(1, self.max_renders))

    def prepare(self, name: str, fields: Mapping[str, object], *, format: str = "png", scale: float = 1.0) -> RenderJob:
        """Validate a request for an image; images the template itself declares are read from its directory."""
        values = self.renderer.images.declared(self.renderer.template(name), fields)
        return self.renderer.prepare(name, values, format=format, scale=scale)

    def scale_message(self) -> str:
        """Why a scale is refused."""
        return "scale must be one of " + ", ".join(f"{s:g}" for s in sorted(self.scales))

    def acquire_render_slot(self) -> bool:
        """Wait up to :attr:`render_wait` seconds for a free render slot."""
        assert self._slots is not None
        return self._slots.acquire(timeout=self.render_wait)

    def release_render_slot(self) -> None:
        """Give a render slot back."""
        assert self._slots is not None
        self._slots.release()

    def count_render(self) -> None:
        """Count one render (thread-safe)."""
        with self._count_lock:
            self.renders += 1


def settings() -> Settings:
    """The current application's svgog settings."""
    state: Settings = current_app.extensions["svgog"]
    return state
