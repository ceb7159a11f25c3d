"""Settings of the example site.

From the environment:

- ``SECRET_KEY``: Django's key, which also signs the image URLs; the same in
  every worker and on every start. Required unless ``DJANGO_DEBUG=1``.
- ``DJANGO_DEBUG=1``: debug mode (a random key per start when ``SECRET_KEY``
  is not set: image URLs then change with each start).
- ``ALLOWED_HOSTS``: the site's host names, comma-separated
  (``127.0.0.1,localhost``). Django answers other ``Host`` headers with 400,
  and absolute URLs (``og:image``, ``og:url``) name only these.
- ``SVGOG_BASE_URL``: where image URLs start instead (a CDN), optional.
- ``SVGOG_WEBHOOK_SECRET``: turns the webhook on (``POST /og/<template>``);
  its images go to ``MEDIA_ROOT/og/`` through the ``svgog`` storage.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))') "
            "(it signs the og:image URLs, so every worker needs the same one), or DJANGO_DEBUG=1 for development"
        )
    SECRET_KEY = secrets.token_hex(32)

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = ["svgog.django", "blog"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "django_site.urls"
WSGI_APPLICATION = "django_site.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True

# Rendered images are kept in a Django cache: Redis or Memcached in production, e.g.
# {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379"}.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 24 * 3600}}

MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The webhook's images, in a folder of their own (S3 and others work the same way).
    "svgog": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "og", "base_url": MEDIA_URL + "og/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SVGOG_SITE_NAME = "svgog Django example"
SVGOG_CACHE_ALIAS = "default"
SVGOG_STORAGE = "svgog"
SVGOG_BASE_URL = os.environ.get("SVGOG_BASE_URL") or None
SVGOG_WEBHOOK_SECRET = os.environ.get("SVGOG_WEBHOOK_SECRET") or None
