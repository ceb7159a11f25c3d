"""Django's settings as the serving core's configuration, and the one service per process.

Every ``SVGOG_*`` name in ``settings.py`` is passed to
:meth:`~svgog.serving.Service.from_config` without its prefix, in lower
case, as the Flask extension passes its configuration; the signing key is
``SVGOG_SECRET_KEY`` or Django's ``SECRET_KEY`` (so an image URL is the same
from every adapter with the same key), and ``DEBUG`` is the debug mode.
Two settings are Django's own: ``SVGOG_CACHE_ALIAS`` (a key of ``CACHES``)
and ``SVGOG_STORAGE`` (a key of ``STORAGES``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import django.conf
from django.core.exceptions import ImproperlyConfigured

from ..serving.service import Service, base_url_setting
from .cache import DjangoCache
from .storage import StorageStore

__all__ = ["KNOWN", "NOT_USED", "PREFIX", "Options", "build", "options", "reset", "service", "settings"]

PREFIX = "SVGOG_"
#: The settings svgog reads, without the prefix, in lower case.
KNOWN = frozenset(
    {
        "templates", "fonts", "system_fonts", "assets", "allowed_hosts", "max_length", "max_fields",
        "formats", "scales", "url_prefix", "base_url", "site_name", "max_age", "signing", "secret_key",
        "cache", "cache_max_bytes", "cache_max_entries", "cache_ttl", "fallback", "fallback_max_age",
        "failure_ttl", "budget", "gallery", "storage_dir", "store", "webhook_secret", "webhook_max_bytes",
        "max_renders", "render_wait", "cache_url", "cache_stats", "storage_url", "s_maxage",
        "stale_while_revalidate",
        # Django's own:
        "cache_alias", "storage",
    }
)  # fmt: skip
#: Settings of the Flask extension that mean nothing here, and why.
NOT_USED = {
    "url_prefix": "the routes are wherever urls.py includes svgog.django.urls",
    "gallery": "the gallery is served by the Flask extension only",
}


@dataclass(frozen=True)
class Options:
    """What :func:`build` needs, read from Django's settings.

    :param config: The ``SVGOG_*`` settings for :meth:`~svgog.serving.Service.from_config`.
    :param secret_key: Django's ``SECRET_KEY`` (``None`` when it is empty).
    :param debug: Django's ``DEBUG``.
    :param cache_alias: ``SVGOG_CACHE_ALIAS``.
    :param storage: ``SVGOG_STORAGE``.
    """

    config: dict[str, Any] = field(default_factory=dict)
    secret_key: str | None = None
    debug: bool = False
    cache_alias: str | None = None
    storage: str | None = None


def settings() -> Any:
    """Django's settings object.

    Looked up when called, never kept at module level: a module holding
    the lazy settings object cannot even be inspected (by doctest, by
    ``hasattr``) before Django is configured.
    """
    return django.conf.settings


def _secret_key() -> str | None:
    try:
        return str(settings().SECRET_KEY) or None
    except ImproperlyConfigured:  # Django refuses to give an empty SECRET_KEY
        return None


def options() -> Options:
    """The settings, checked.

    :raises ImproperlyConfigured: Settings that cannot work together: an
        alias that is not in ``CACHES`` or ``STORAGES``, both
        ``SVGOG_CACHE`` and ``SVGOG_CACHE_ALIAS``, both ``SVGOG_STORAGE``
        and ``SVGOG_STORAGE_DIR``, signing without a key, a bad ``SVGOG_BASE_URL``.
    """
    found = settings()
    config = {name[len(PREFIX) :].lower(): getattr(found, name) for name in dir(found) if name.startswith(PREFIX)}
    cache_alias = config.pop("cache_alias", None) or None
    storage = config.pop("storage", None) or None
    if cache_alias is not None:
        if "cache" in config:
            raise ImproperlyConfigured("svgog: set SVGOG_CACHE or SVGOG_CACHE_ALIAS, not both")
        if cache_alias not in found.CACHES:
            raise ImproperlyConfigured(f"svgog: SVGOG_CACHE_ALIAS = {cache_alias!r} is not a key of CACHES")
    if storage is not None:
        if config.get("storage_dir") or config.get("store") is not None:
            raise ImproperlyConfigured("svgog: set one of SVGOG_STORAGE, SVGOG_STORE and SVGOG_STORAGE_DIR")
        if storage not in found.STORAGES:
            raise ImproperlyConfigured(f"svgog: SVGOG_STORAGE = {storage!r} is not a key of STORAGES")
    debug = bool(found.DEBUG)
    secret_key = _secret_key()
    if config.get("signing", not debug) and not (config.get("secret_key") or secret_key):
        raise ImproperlyConfigured("svgog: signed URLs need SVGOG_SECRET_KEY or SECRET_KEY (or SVGOG_SIGNING = False)")
    try:
        base_url_setting(config.get("base_url"))
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    return Options(config, secret_key, debug, str(cache_alias) if cache_alias else None, str(storage) if storage else None)


def build() -> Service:
    """A new service from Django's settings.

    :raises ImproperlyConfigured: See :func:`options`; also a setting the
        serving core refuses (a budget it cannot use, ...).
    """
    found = options()
    config = dict(found.config)
    if found.cache_alias is not None:
        config["cache"] = DjangoCache(found.cache_alias)
    if found.storage is not None:
        config["store"] = StorageStore(found.storage)
    try:
        return Service.from_config(config, secret_key=found.secret_key, debug=found.debug)
    except (RuntimeError, ValueError) as exc:
        raise ImproperlyConfigured(str(exc)) from exc


_lock = threading.Lock()
_service: Service | None = None


def service() -> Service:
    """This process's service, built on first use; concurrent first requests build it once."""
    global _service
    current = _service
    if current is None:
        with _lock:
            if _service is None:
                _service = build()
            current = _service
    return current


def reset() -> None:
    """Forget the service: the next :func:`service` builds it from the settings again (tests change them)."""
    global _service
    with _lock:
        _service = None
