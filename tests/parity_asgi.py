"""svgog's ASGI application behind a real uvicorn, for tests that speak HTTP to it.

``start(settings, secret_key)`` serves the bare application mounted at
``/og`` in a minimal Starlette site and answers ``(base URL ending in /og,
stop)``; the settings are the lower-case names
:meth:`svgog.serving.Service.from_config` takes. The site trusts the hosts
``127.0.0.1`` and ``localhost`` (as the Flask and Django helpers do) and
serves, for tests only, the same two routes as ``parity_django``:

- ``GET /_test/renders``: ``{"renders": n, "cache": "...", "store": "..."}``
  of the application's service;
- ``GET /_test/tags?spec=<json>``: ``{"tag": "og_meta" | "og_image_url",
  "args": [...], "kwargs": {...}}`` rendered by the Jinja2 helpers with this
  request (``og:url`` is ``http://127.0.0.1:PORT/_test/tags``).

:func:`serve` runs any ASGI application the same way.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route

import svgog.asgi

__all__ = ["LOCAL_HOSTS", "serve", "start", "mounted_site"]

#: Settings of :func:`start` that are the application's, not the service's.
_APP_OPTIONS = ("debug", "trusted_hosts", "threads", "renderer")
#: The hosts the site trusts unless the settings name others.
LOCAL_HOSTS = ["127.0.0.1", "localhost"]


def serve(app: Any, *, timeout: float = 10.0) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` with uvicorn on 127.0.0.1 on a free port, in a thread.

    :returns: ``http://127.0.0.1:<port>`` and a function that stops the
        server and waits for its thread.
    """
    # Bound here, handed to uvicorn: the port is known before the server starts, and no other process can take it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="auto", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    # uvicorn installs signal handlers on the main thread only: this one leaves the test runner's alone.
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout)
        sock.close()

    return f"http://127.0.0.1:{port}", stop


def start(settings: dict[str, Any], secret_key: str) -> tuple[str, Callable[[], None]]:
    """svgog's ASGI application with these settings, mounted at ``/og`` in a Starlette site under uvicorn.

    ``settings`` may also hold ``debug``, ``trusted_hosts``, ``threads`` and
    ``renderer``, which :func:`svgog.asgi.create_app` takes besides the
    service's settings.

    :returns: ``http://127.0.0.1:<port>/og`` and a function that stops the server.
    """
    settings = dict(settings)
    options: dict[str, Any] = {"trusted_hosts": LOCAL_HOSTS}
    options.update({name: settings.pop(name) for name in _APP_OPTIONS if name in settings})
    og = svgog.asgi.create_app(secret_key=secret_key, **options, **settings)
    url, stop = serve(mounted_site(og))
    return url + "/og", stop


def mounted_site(og: svgog.asgi.SvgogASGI) -> Starlette:
    """A Starlette site mounting ``og`` at ``/og``, with the two routes for tests."""
    environment = jinja2.Environment(autoescape=True)
    environment.globals.update(svgog.asgi.jinja_globals(og, mount="/og"))

    def renders(request: Request) -> Response:
        service = og.service
        return JSONResponse({"renders": service.renders, "cache": repr(service.cache), "store": repr(service.storage_dir)})

    def tags(request: Request) -> Response:
        spec = json.loads(request.query_params["spec"])
        tag = spec["tag"]
        if tag not in ("og_meta", "og_image_url"):
            return PlainTextResponse("unknown tag", status_code=400)
        args, kwargs = spec.get("args", []), spec.get("kwargs", {})
        if not all(str(name).isidentifier() for name in kwargs):
            return PlainTextResponse("bad keyword", status_code=400)
        context: dict[str, Any] = {f"arg{i}": value for i, value in enumerate(args)}
        context.update({f"kw_{name}": value for name, value in kwargs.items()})
        bits = [f"arg{i}" for i in range(len(args))] + [f"{name}=kw_{name}" for name in kwargs]
        source = "{{ " + tag + "(" + ", ".join(bits) + ") }}"
        html = environment.from_string(source).render(request=request, **context)
        return PlainTextResponse(html)

    # Plain functions: Starlette runs them in its thread pool, off the event loop.
    return Starlette(routes=[Route("/_test/renders", renders), Route("/_test/tags", tags), Mount("/og", app=og)])
