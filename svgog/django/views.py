"""The views: Django requests handed to the serving core, its responses sent back unchanged.

- ``GET|HEAD <name>.<ext>?field=value…``: the image (:func:`image`).
- ``GET|HEAD stored/<file>``: an image the webhook stored (:func:`stored`).
- ``POST <name>``: the webhook (:func:`webhook`).

Other methods get 405 with ``Allow``. Every view is exempt from CSRF: none
reads a cookie or a session, and the webhook is authenticated by its HMAC
signature (a ``POST`` to an image gets the same 405 as from Flask, not
Django's CSRF page). What each route answers, and every
status, is :mod:`svgog.serving.service`'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from ..serving import responses
from ..serving.responses import read_limited
from .conf import service

__all__ = ["image", "raw_query", "read_body", "stored", "to_django", "webhook"]

_READ = ("GET", "HEAD")


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # an async generator that yields nothing


def to_django(response: responses.Response, *, asynchronous: bool = False) -> HttpResponseBase:
    """The serving core's response as Django's: status, body and headers as they are.

    :param asynchronous: The request came through ASGI (a 304 is streamed
        from an async iterator there, from a sync one under WSGI, each as
        Django serves it without a warning).
    """
    result: HttpResponseBase
    if response.status == 304:
        # Streamed (with nothing in it) so that CommonMiddleware adds no
        # "Content-Length: 0": a 304 may only repeat the 200's length.
        result = StreamingHttpResponse(_nothing() if asynchronous else iter(()), status=304)
    else:
        result = HttpResponse(response.body, status=response.status)
    if response.media_type is None:
        del result["Content-Type"]  # Django would say text/html
    for name, value in response.header_items():
        if not (name == "Content-Length" and response.status == 304):
            result[name] = value
    return result


def _not_allowed(allow: str) -> HttpResponseBase:
    return to_django(responses.plain(f"method not allowed (allowed: {allow})", 405, Allow=allow))


def _is_asgi(request: HttpRequest) -> bool:
    return getattr(request, "scope", None) is not None


def raw_query(request: HttpRequest) -> bytes:
    """The query string's bytes as the client sent them, for the core's strict UTF-8 decoding.

    WSGI gives them as Latin-1 text (PEP 3333), so they are exact; an ASGI
    request keeps them in its scope.
    """
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict) and isinstance(scope.get("query_string"), bytes):
        return scope["query_string"]
    query = str(request.META.get("QUERY_STRING", ""))
    try:
        return query.encode("latin-1")
    except UnicodeEncodeError:
        return query.encode("utf-8", "surrogateescape")


def content_length(request: HttpRequest) -> int | None:
    """The ``Content-Length`` header as a number, or ``None`` (absent or not a number)."""
    value = request.META.get("CONTENT_LENGTH")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def read_body(request: HttpRequest, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the body, read from the stream, however it is sent.

    Never ``request.body``, which would read it all first. Django reads as
    many bytes as ``Content-Length`` says, and none without one; a chunked
    body (no ``Content-Length``) is read from the WSGI input when the server
    says that input ends with the body (``wsgi.input_terminated``, as
    gunicorn does), as Werkzeug does for Flask.
    """
    environ = getattr(request, "environ", None)
    if (
        content_length(request) is None
        and isinstance(environ, dict)
        and environ.get("wsgi.input_terminated")
        and "wsgi.input" in environ
    ):
        return read_limited(environ["wsgi.input"].read, limit)
    return read_limited(request.read, limit)


@csrf_exempt
def image(request: HttpRequest, name: str, ext: str) -> HttpResponseBase:
    """``GET|HEAD <name>.<ext>``: the template's image for the query's fields (a ``POST`` gets 405)."""
    if request.method == "POST":
        return webhook(request, f"{name}.{ext}")  # the core answers 405: images are fetched with GET
    if request.method not in _READ:
        return _not_allowed("GET, HEAD")
    answer = service().image(name, ext, raw_query(request), if_none_match=request.headers.get("If-None-Match"))
    return to_django(answer, asynchronous=_is_asgi(request))


@csrf_exempt
def stored(request: HttpRequest, filename: str) -> HttpResponseBase:
    """``GET|HEAD stored/<filename>``: an image the webhook stored."""
    if request.method not in _READ:
        return _not_allowed("GET, HEAD")
    answer = service().stored(filename, if_none_match=request.headers.get("If-None-Match"))
    return to_django(answer, asynchronous=_is_asgi(request))


@csrf_exempt
def webhook(request: HttpRequest, name: str) -> HttpResponseBase:
    """``POST <name>``: render from a signed JSON body, store the image, answer where it is."""
    if request.method != "POST":
        return _not_allowed("POST")
    # An unknown Host header is refused (DisallowedHost, 400) before anything is
    # rendered: the answer's URL may be built from it.
    request.get_host()
    state = service()
    length = content_length(request)
    too_large = length is not None and length > state.webhook_max_bytes
    # Refused before a byte of the body is read: no more than the limit is ever held.
    body = b"" if too_large or "." in name else read_body(request, state.webhook_max_bytes)
    namespace = request.resolver_match.namespace if request.resolver_match else "svgog"

    def stored_url(filename: str) -> str:
        path = reverse(f"{namespace}:stored", kwargs={"filename": filename})
        return request.build_absolute_uri(path)

    answer = state.webhook(
        name,
        query=raw_query(request),
        body=body,
        signature=request.headers.get("X-Svgog-Signature"),
        content_length=length,
        stored_url=stored_url,
        absolute=request.build_absolute_uri,
    )
    return to_django(answer)

