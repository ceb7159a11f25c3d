"""The ASGI application: requests handed to the serving core in worker threads, its responses sent back."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from ..renderer import Renderer
from ..serving.responses import Response, plain
from ..serving.service import Service
from .hosts import UNTRUSTED_MESSAGE, UntrustedHost, request_origin
from .protocol import (
    ClientDisconnected,
    Receive,
    Scope,
    Send,
    content_length,
    header,
    read_body,
    send_response,
)
from .routing import Route, relative_path, resolve
from .threads import Offloader, default_threads
from .urls import Site

__all__ = ["SvgogASGI", "create_app"]

log = logging.getLogger("svgog")


class SvgogASGI:
    """svgog's routes as an ASGI 3 application, to mount at ``/og`` (or anywhere).

    - ``GET|HEAD <mount>/<name>.<png|jpg|webp|svg>?field=value…``: the image.
    - ``POST <mount>/<name>``: the webhook; stores the image and answers its URL.
    - ``GET|HEAD <mount>/stored/<file>``: images the webhook stored.

    Every answer is the serving core's (:class:`~svgog.serving.Service`),
    as from the Flask blueprint. The core's calls run in at most
    ``threads`` worker threads, never on the event loop.

    :param service: The serving core.
    :param trusted_hosts: Host names absolute URLs may name (``.example.com``
        for a domain and its subdomains); see :mod:`svgog.asgi.hosts`.
    :param debug: Trust any host when ``trusted_hosts`` is empty.
    :param threads: Worker threads (twice ``service.max_renders`` by default).
    """

    def __init__(
        self,
        service: Service,
        *,
        trusted_hosts: Iterable[str] = (),
        debug: bool = False,
        threads: int | None = None,
    ) -> None:
        self.service = service
        self.trusted_hosts = tuple(trusted_hosts)
        self.debug = debug
        self.offloader = Offloader(threads if threads is not None else default_threads(service.max_renders))

    def site(self, mount: str = "/og") -> Site:
        """URLs and meta tags for pages of the site that mounts this application at ``mount``."""
        return Site(self.service, mount, self.trusted_hosts, self.debug)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI 3 entry point."""
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1000})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        # Only reached when svgog's application is the server's own: mounts do not forward lifespan.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.offloader.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = str(scope.get("method", "GET")).upper()
        route = resolve(method, relative_path(scope))
        close = False
        try:
            if route.kind == "image":
                response = await self.offloader.run(
                    self.service.image, route.name, route.ext, bytes(scope.get("query_string", b"")),
                    if_none_match=header(scope, "if-none-match"),
                )  # fmt: skip
            elif route.kind == "stored":
                response = await self.offloader.run(
                    self.service.stored, route.name, if_none_match=header(scope, "if-none-match")
                )
            elif route.kind == "webhook":
                response, close = await self._webhook(route, scope, receive)
            elif route.kind == "not_allowed":
                response = plain(f"method not allowed (allowed: {route.allow})", 405, Allow=route.allow)
            else:
                response = plain("not found", 404)
        except ClientDisconnected:
            return  # nobody to answer, nothing rendered
        except Exception:
            # The core answers every bad request itself: this is a bug, logged, answered in one line.
            log.exception("%s %s failed", method, scope.get("path"))
            response = plain("internal error", 500)
        await send_response(send, response, head=method == "HEAD", close=close)

    async def _webhook(self, route: Route, scope: Scope, receive: Receive) -> tuple[Response, bool]:
        """The webhook's response, and whether the connection must close (its body was not all read)."""
        limit = self.service.webhook_max_bytes
        length = content_length(scope)
        if (length is not None and length > limit) or "." in route.name:
            # Refused before a byte is read (413, or 405 for an image's path): the core needs no body.
            body, complete = b"", length == 0
        else:
            body, complete = await read_body(receive, limit)
        root = str(scope.get("root_path") or "").rstrip("/")

        def stored_url(filename: str) -> str:
            # An absolute URL only from a trusted host; else the path, which the
            # caller resolves against the URL it posted to.
            path = f"{root}/stored/{filename}"
            try:
                return request_origin(scope, self.trusted_hosts, self.debug, what="the stored image's URL") + path
            except UntrustedHost:
                return path

        response = await self.offloader.run(
            self.service.webhook, route.name, query=bytes(scope.get("query_string", b"")), body=body,
            signature=header(scope, "x-svgog-signature"), content_length=length, stored_url=stored_url,
        )  # fmt: skip
        return response, not complete


def create_app(
    renderer: Renderer | None = None,
    *,
    secret_key: str | bytes | None = None,
    debug: bool = False,
    trusted_hosts: Iterable[str] | str = (),
    threads: int | None = None,
    **settings: Any,
) -> SvgogASGI:
    """svgog's ASGI application, from settings named as ``SVGOG_*`` without the prefix, in lower case.

    ``create_app(secret_key=..., templates="cards/", base_url="https://cdn.example.com/og")``;
    ``docs/serving.md`` explains each setting.

    :param renderer: A renderer to use instead of building one from the settings.
    :param secret_key: The site's secret key: signs image URLs unless the
        ``secret_key`` setting is given.
    :param debug: Signing is off unless ``signing=True``, and any host may
        start absolute URLs unless ``trusted_hosts`` is set.
    :param trusted_hosts: The site's host names (a list, or comma-separated text).
    :param threads: Worker threads for rendering (twice ``max_renders`` by default).
    :raises RuntimeError: A setting that cannot work (signing without a key).
    """
    if isinstance(trusted_hosts, str):
        trusted_hosts = [host.strip() for host in trusted_hosts.split(",") if host.strip()]
    service = Service.from_config(settings, renderer=renderer, secret_key=secret_key, debug=debug)
    hosts = tuple(trusted_hosts)
    if service.base_url is None and not hosts and not debug:
        # Said at start-up; og_meta and og_image_url raise UntrustedHost when used.
        log.warning(UNTRUSTED_MESSAGE.format(what="absolute URLs (og_meta, og_image_url, the webhook's answers)"))
    return SvgogASGI(service, trusted_hosts=hosts, debug=debug, threads=threads)
