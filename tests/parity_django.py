"""A real Django server mounting ``svgog.django.urls`` at ``og/``, for tests that run against every adapter.

``start(settings, secret_key)`` writes a minimal project into a temporary
directory (settings, URLs, a WSGI module and two views for tests), starts
gunicorn on 127.0.0.1 (or ``manage.py runserver --noreload``), and returns
``("http://127.0.0.1:PORT/og", stop)``::

    base, stop = start({"webhook_secret": "w", "storage_dir": "/tmp/x"}, "secret")
    try:
        urllib.request.urlopen(base + "/blog.png?...")
    finally:
        stop()

``settings`` uses the names :meth:`svgog.serving.Service.from_config` takes
(lower case, no prefix), and Django's own ``cache_alias`` and ``storage``;
each becomes ``SVGOG_<NAME>`` in the project's settings. Values cross into
the server as JSON: paths become strings, a dataclass (a ``RenderBudget``)
its dict of limits. The project runs as in production: ``DEBUG = False``,
``ALLOWED_HOSTS = ["127.0.0.1"]`` (as the Flask helper's ``TRUSTED_HOSTS``),
Django's common and CSRF middleware. Besides the svgog routes it serves, for tests only:

- ``GET /_test/renders``: ``{"renders": n, "cache": "...", "store": "..."}``
  of this process's service;
- ``GET /_test/tags?spec=<json>``: ``{"tag": "og_meta" | "og_image_url",
  "args": [...], "kwargs": {...}}`` rendered as a Django template tag with
  this request (``og:url`` is ``http://127.0.0.1:PORT/_test/tags``);
- ``MEDIA_URL`` from ``MEDIA_ROOT``, when the ``django`` settings set both.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["MOUNT", "launch", "start", "write_project"]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: Where the project mounts ``svgog.django.urls``.
MOUNT = "og"

SETTINGS = '''"""Settings of a test project: from settings.json beside this file."""

import json
from pathlib import Path

_SPEC = json.loads((Path(__file__).resolve().parent / "settings.json").read_text("utf-8"))

SECRET_KEY = _SPEC["secret_key"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "svgog_test_urls"
WSGI_APPLICATION = "svgog_test_wsgi.application"
INSTALLED_APPS = ["svgog.django"]
# No SecurityMiddleware: it adds X-Content-Type-Options to every response, and
# the parity suite compares that header as svgog itself sets it.
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {}
USE_TZ = True

for _name, _value in _SPEC["svgog"].items():
    globals()["SVGOG_" + _name.upper()] = _value
globals().update(_SPEC["django"])
'''

URLS = '''"""URLs of a test project: svgog at /og/, two views for tests, and the media files."""

import re

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

import svgog_test_views as views

urlpatterns = [
    path("og/", include("svgog.django.urls")),
    path("_test/renders", views.renders),
    path("_test/tags", views.tags),
]
if getattr(settings, "MEDIA_ROOT", "") and str(getattr(settings, "MEDIA_URL", "")).startswith("/"):
    _prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
'''

VIEWS = '''"""Views of a test project that look inside the server process."""

import json

from django.http import HttpResponse, JsonResponse
from django.template import RequestContext, Template

import svgog.django


def renders(request):
    """How many renders this process's service started, and what it caches and stores with."""
    state = svgog.django.service()
    return JsonResponse({"renders": state.renders, "cache": repr(state.cache), "store": repr(state.store)})


def tags(request):
    """A template tag rendered with this request, from ?spec=<json>."""
    spec = json.loads(request.GET["spec"])
    tag = spec["tag"]
    if tag not in ("og_meta", "og_image_url"):
        return HttpResponse("unknown tag", status=400)
    args, kwargs = spec.get("args", []), spec.get("kwargs", {})
    if not all(str(name).isidentifier() for name in kwargs):
        return HttpResponse("bad keyword", status=400)
    context = {f"arg{i}": value for i, value in enumerate(args)}
    context.update({f"kw_{name}": value for name, value in kwargs.items()})
    bits = [f"arg{i}" for i in range(len(args))] + [f"{name}=kw_{name}" for name in kwargs]
    source = "{% load svgog %}{% " + tag + " " + " ".join(bits) + " %}"
    html = Template(source).render(RequestContext(request, context))
    return HttpResponse(html, content_type="text/plain; charset=utf-8")
'''

WSGI = '''"""The WSGI application of a test project."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svgog_test_settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
'''


def _json_default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"a setting for the Django test server must be JSON (or a path, a dataclass): {value!r}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(log: Path) -> str:
    try:
        return log.read_text("utf-8", "replace")[-4000:]
    except OSError:
        return ""


def write_project(directory: Path, settings: Mapping[str, Any], secret_key: str, django: Mapping[str, Any]) -> None:
    """The test project's files in ``directory``."""
    spec = {"secret_key": secret_key, "svgog": dict(settings), "django": dict(django)}
    (directory / "settings.json").write_text(json.dumps(spec, default=_json_default), "utf-8")
    (directory / "svgog_test_settings.py").write_text(SETTINGS, "utf-8")
    (directory / "svgog_test_urls.py").write_text(URLS, "utf-8")
    (directory / "svgog_test_views.py").write_text(VIEWS, "utf-8")
    (directory / "svgog_test_wsgi.py").write_text(WSGI, "utf-8")


def launch(
    command: list[str],
    directory: Path,
    env: Mapping[str, str],
    *,
    port: int | None,
    timeout: float = 60.0,
    ready: str = "/_test/renders",
) -> tuple[str, Callable[[], None]]:
    """Start ``command`` in ``directory``; wait until it answers on 127.0.0.1 (``port``, or the one gunicorn logs).

    :param ready: A path that answers 200 once the server is ready.

    :returns: ``http://127.0.0.1:PORT`` and a function that stops the server
        (SIGTERM to the process started here, SIGKILL after 15 s).
    """
    log = directory / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=directory, env=dict(env), stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if stopped:
            return
        stopped = True
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    atexit.register(stop)
    deadline = time.monotonic() + timeout
    try:
        while port is None:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", _tail(log))
            if found:
                port = int(found[1])
            elif process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Django test server did not start:\n{_tail(log)}")
            else:
                time.sleep(0.05)
        origin = f"http://127.0.0.1:{port}"
        while True:
            # /_test/renders builds the service too, so that the first test does not wait for it.
            try:
                with urllib.request.urlopen(origin + ready, timeout=10) as response:
                    response.read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Django test server does not answer ({exc}):\n{_tail(log)}") from exc
                time.sleep(0.1)
    except BaseException:
        stop()
        raise
    return origin, stop


def start(
    settings: Mapping[str, Any],
    secret_key: str,
    *,
    django: Mapping[str, Any] | None = None,
    server: str = "gunicorn",
    timeout: float = 60.0,
) -> tuple[str, Callable[[], None]]:
    """Start a real Django server with these svgog settings; answer where its routes are and how to stop it.

    :param settings: svgog's settings as :meth:`~svgog.serving.Service.from_config`
        names them (``{"signing": False, "webhook_secret": "…"}``), plus
        ``cache_alias`` and ``storage``.
    :param secret_key: Django's ``SECRET_KEY`` (which signs the image URLs
        unless ``settings`` has a ``secret_key``).
    :param django: More Django settings by their own names (``CACHES``,
        ``STORAGES``, ``MEDIA_ROOT``, ``MEDIA_URL``, ``ALLOWED_HOSTS``…).
    :param server: ``"gunicorn"`` (one worker, four threads) or ``"runserver"``.
    :returns: ``("http://127.0.0.1:PORT/og", stop)``; ``stop()`` also removes the project.
    """
    directory = Path(tempfile.mkdtemp(prefix="svgog-django-"))
    write_project(directory, settings, secret_key, django or {})
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "svgog_test_settings",
        "PYTHONPATH": os.pathsep.join([str(directory), str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "PYTHONUNBUFFERED": "1",
    }
    port: int | None
    if server == "gunicorn":
        port = None  # gunicorn binds a free port and logs it: no race for it
        command = [
            str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "--workers", "1", "--threads", "4",
            "--worker-class", "gthread", "--timeout", "120", "--graceful-timeout", "5",
            "--no-control-socket", "svgog_test_wsgi:application",
        ]  # fmt: skip
    elif server == "runserver":
        port = _free_port()
        command = [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"]
    else:
        raise ValueError(f"server must be 'gunicorn' or 'runserver', not {server!r}")
    try:
        origin, stop_server = launch(command, directory, env, port=port, timeout=timeout)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise

    def stop() -> None:
        stop_server()
        shutil.rmtree(directory, ignore_errors=True)

    return f"{origin}/{MOUNT}", stop
