"""The blueprint's views: ``GET <prefix>/<name>.png`` and ``GET <prefix>/<name>.svg``.

Every field comes from the query string and is treated as hostile. Errors are
short ``text/plain`` messages: 404 for an unknown template or format, 400 for a
parameter svgog cannot use. A few query names are reserved and never taken as
fields: see :data:`RESERVED_PARAMETERS`.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, request

from ..errors import InvalidInput, SvgogError, TemplateNotFound
from ..renderer import FORMATS

__all__ = ["RESERVED_PARAMETERS", "blueprint"]

log = logging.getLogger("svgog")

#: Query names that are never fields. ``v`` is the usual cache-buster people
#: append (``?v=2``) so that platforms re-fetch a preview; names starting with
#: ``_`` are ignored as well.
RESERVED_PARAMETERS = frozenset({"v"})

#: The most query parameters a request may carry.
MAX_PARAMETERS = 100

blueprint = Blueprint("svgog", __name__)


class _BadQuery(ValueError):
    pass


def _query_fields() -> dict[str, str]:
    """The request's fields, decoded strictly.

    Werkzeug's ``request.args`` replaces bytes that are not UTF-8 with U+FFFD,
    which would render a silently wrong image; here they are an error, and so
    are repeated names and more than :data:`MAX_PARAMETERS` parameters.
    """
    try:
        query = request.query_string.decode("utf-8")
        pairs = parse_qsl(
            query, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_PARAMETERS
        )
    except UnicodeDecodeError as exc:
        raise _BadQuery("the query string is not valid UTF-8") from exc
    except ValueError as exc:
        raise _BadQuery(f"too many parameters (at most {MAX_PARAMETERS})") from exc
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in RESERVED_PARAMETERS or key.startswith("_"):
            continue
        if key in fields:
            raise _BadQuery(f"parameter {key[:40]!r} is given more than once")
        fields[key] = value
    return fields


def _plain(message: str, status: int) -> Response:
    line = "".join(ch if ch.isprintable() else "?" for ch in " ".join(message.split()))
    if len(line) > 300:
        line = line[:300] + "…"
    return Response(line + "\n", status=status, mimetype="text/plain")


@blueprint.route("/<name>.<ext>", methods=["GET"])
def image(name: str, ext: str) -> Response:
    """Render template ``name`` as ``ext`` (png or svg) from the query string."""
    state = current_app.extensions["svgog"]
    if ext not in FORMATS:
        return _plain(f"unknown format {ext[:20]!r} (formats: {', '.join(FORMATS)})", 404)
    try:
        fields = _query_fields()
    except _BadQuery as exc:
        return _plain(str(exc), 400)
    try:
        result = state.renderer.render(name, fields, format=ext)
    except TemplateNotFound as exc:
        return _plain(str(exc), 404)
    except InvalidInput as exc:
        return _plain(str(exc), 400)
    except SvgogError:
        log.exception("svgog: rendering %r failed (fields: %r)", name, sorted(fields))
        return _plain("the image could not be rendered", 500)
    response = Response(result.data, mimetype=result.media_type)
    response.headers["Cache-Control"] = f"public, max-age={state.max_age}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if ext == "svg":
        # The SVG preview is opened directly in browsers: no scripts, no fetches.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
