"""System checks (``manage.py check``, and before ``runserver``): svgog's settings, without rendering anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import conf
from .conf import settings

__all__ = ["check_settings"]


@checks.register()
def check_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """svgog.E001 settings that cannot work; W001 URLs from any host; W002 unknown and W003 unused settings; W004 no MEDIA_URL."""
    messages: list[checks.CheckMessage] = []
    try:
        options = conf.options()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="svgog.E001")]
    if "*" in settings().ALLOWED_HOSTS and not options.debug and not options.config.get("base_url"):
        messages.append(
            checks.Warning(
                "ALLOWED_HOSTS allows any host, so og:image and og:url name whatever Host header a request "
                "carries, and a shared cache serves that page to everyone",
                hint="List the site's host names in ALLOWED_HOSTS, or set SVGOG_BASE_URL.",
                id="svgog.W001",
            )
        )
    if options.storage is not None:
        messages.extend(_check_storage(options.storage))
    for name in sorted(n for n in dir(settings()) if n.startswith(conf.PREFIX)):
        key = name[len(conf.PREFIX) :].lower()
        if key not in conf.KNOWN:
            messages.append(checks.Warning(f"{name} is not a setting of svgog", id="svgog.W002"))
        elif key in conf.NOT_USED:
            messages.append(checks.Warning(f"{name} is not used: {conf.NOT_USED[key]}", id="svgog.W003"))
    return messages


def _check_storage(alias: str) -> list[checks.CheckMessage]:
    """W004: a file-system storage without ``MEDIA_URL`` (or ``base_url``) gives URLs nothing serves."""
    from django.core.files.storage import FileSystemStorage, storages

    try:
        storage = storages[alias]
    except ImproperlyConfigured as exc:
        return [checks.Error(f"svgog: SVGOG_STORAGE = {alias!r}: {exc}", id="svgog.E001")]
    if isinstance(storage, FileSystemStorage) and storage.base_url in (None, "", "/"):
        return [
            checks.Warning(
                f"SVGOG_STORAGE = {alias!r} is a FileSystemStorage without a URL: the webhook would answer "
                "/<hash>.png, which nothing serves",
                hint="Set MEDIA_URL (and serve MEDIA_ROOT there), or give the storage a base_url in STORAGES.",
                id="svgog.W004",
            )
        ]
    return []
