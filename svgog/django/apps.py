"""The ``svgog.django`` application: ``INSTALLED_APPS = [..., "svgog.django"]`` (label ``svgog``)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed

__all__ = ["SvgogConfig"]

#: Django settings the service is built from, besides the ``SVGOG_*`` ones.
_DEPENDS_ON = frozenset({"SECRET_KEY", "DEBUG", "CACHES", "STORAGES"})


def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    # override_settings() in a project's tests: build the service again from the new settings.
    if setting.startswith("SVGOG_") or setting in _DEPENDS_ON:
        from . import conf

        conf.reset()


class SvgogConfig(AppConfig):
    """Template tags (``{% load svgog %}``) and system checks; the routes are in :mod:`svgog.django.urls`."""

    name = "svgog.django"
    label = "svgog"
    verbose_name = "svgog (Open Graph images)"
    default = True

    def ready(self) -> None:
        """Register the system checks and follow changes of the settings."""
        from . import checks  # noqa: F401  (registers them)

        setting_changed.connect(_settings_changed, dispatch_uid="svgog.django.settings_changed")
