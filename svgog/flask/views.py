"""The blueprint's views: Flask requests handed to the serving core, its responses sent back.

- ``GET <prefix>/<name>.<png|jpg|webp|svg>?field=value…``: the image.
- ``POST <prefix>/<name>``: the webhook; stores the image and answers its URL.
- ``GET <prefix>/stored/<file>``: images the webhook stored.
- ``GET <prefix>/``: the gallery (when enabled), see :mod:`.gallery`.

What each does, and every status it answers, is :mod:`svgog.serving.service`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, request, url_for
from flask import Response as FlaskResponse

from ..cache import CachedImage
from ..renderer import RenderJob
from ..serving import responses
from ..serving.responses import read_limited
from ..serving.service import (
    EXTENSIONS,
    MAX_PARAMETERS,
    RESERVED_PARAMETERS,
    Busy,
    Refusal,
    is_version_of,
    version_of,
)
from .hosts import request_host_is_trusted
from .state import Settings, settings

__all__ = [
    "EXTENSIONS",
    "MAX_PARAMETERS",
    "RESERVED_PARAMETERS",
    "Busy",
    "Refusal",
    "blueprint",
    "cached",
    "fallback",
    "is_version_of",
    "plain",
    "protect",
    "query_fields",
    "query_pairs",
    "read_body",
    "render_cached",
    "to_flask",
    "version_of",
]

blueprint = Blueprint("svgog", __name__)


def to_flask(response: responses.Response) -> FlaskResponse:
    """The serving core's response as Flask's."""
    result = FlaskResponse(response.body, status=response.status, content_type=response.media_type)
    result.headers.update(response.headers)
    if response.status == 304:
        result.headers.pop("Content-Type", None)
    return result


def plain(message: str, status: int, **headers: str) -> FlaskResponse:
    """A one-line ``text/plain`` response; control characters never reach the client."""
    return to_flask(responses.plain(message, status, **headers))


def protect(response: FlaskResponse) -> FlaskResponse:
    """The headers every image response carries: no sniffing, and no scripts in an SVG."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = responses.SVG_POLICY
    return response


def query_pairs() -> list[tuple[str, str]]:
    """This request's query pairs, decoded strictly (see :meth:`~svgog.serving.Service.query_pairs`)."""
    return settings().query_pairs(request.query_string)


def query_fields(pairs: list[tuple[str, str]], state: Settings) -> tuple[dict[str, str], float]:
    """The fields and scale of a query (see :meth:`~svgog.serving.Service.query_fields`)."""
    return state.query_fields(pairs)


def cached(state: Settings, key: str, produce: Callable[[], CachedImage]) -> CachedImage:
    """The cache's entry for ``key``, or ``produce()`` run once (see :meth:`~svgog.serving.Service.cached`)."""
    return state.cached(key, produce)


def render_cached(state: Settings, job: RenderJob) -> CachedImage:
    """The image from the cache, or rendered once however many requests want it."""
    return state.render_cached(job)


def fallback(state: Settings, name: str) -> FlaskResponse:
    """The image served when rendering fails: never a broken preview."""
    return to_flask(state.fallback_image(name))


def read_body(limit: int) -> bytes:
    """At most ``limit + 1`` bytes of this request's body, however it is sent."""
    return read_limited(request.stream.read, limit)


@blueprint.route("/<name>.<ext>", methods=["GET"])
def image(name: str, ext: str) -> FlaskResponse:
    """Render template ``name`` as ``ext`` from the query string."""
    return to_flask(settings().image(name, ext, request.query_string, if_none_match=request.headers.get("If-None-Match")))


@blueprint.route("/stored/<path:filename>", methods=["GET"])
def stored(filename: str) -> FlaskResponse:
    """An image the webhook stored; its name is its content hash, so it never changes."""
    return to_flask(settings().stored(filename, if_none_match=request.headers.get("If-None-Match")))


@blueprint.route("/<name>", methods=["POST"])
def webhook(name: str) -> FlaskResponse:
    """Render from a signed JSON body, store the image, answer where it is."""
    state = settings()
    length = request.content_length
    too_large = length is not None and length > state.webhook_max_bytes
    body = b"" if too_large or "." in name else read_body(state.webhook_max_bytes)

    def stored_url(filename: str) -> str:
        # An absolute URL only from a trusted host; else the path, which the
        # caller resolves against the URL it posted to.
        return url_for("svgog.stored", filename=filename, _external=request_host_is_trusted())

    response = state.webhook(
        name,
        query=request.query_string,
        body=body,
        signature=request.headers.get("X-Svgog-Signature"),
        content_length=length,
        stored_url=stored_url,
    )
    return to_flask(response)
