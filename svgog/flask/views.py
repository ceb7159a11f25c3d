"""The blueprint's views: ``GET <prefix>/<name>.png`` and ``GET <prefix>/<name>.svg``.

Every field comes from the query string and is treated as hostile. Errors are
short ``text/plain`` messages: 404 for an unknown template or format, 400 for a
parameter svgog cannot use. A few query names are reserved and never taken as
fields: see :data:`RESERVED_PARAMETERS`.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request

from ..errors import InvalidInput, SvgogError, TemplateNotFound
from ..renderer import FORMATS

__all__ = ["RESERVED_PARAMETERS", "blueprint"]

log = logging.getLogger("svgog")

#: Query names that are never fields. ``v`` is the usual cache-buster people
#: append (``?v=2``) so that platforms re-fetch a preview; names starting with
#: ``_`` are ignored as well.
RESERVED_PARAMETERS = frozenset({"v"})

blueprint = Blueprint("svgog", __name__)


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
    fields: dict[str, str] = {}
    for key, values in request.args.lists():
        if key in RESERVED_PARAMETERS or key.startswith("_"):
            continue
        if len(values) > 1:
            return _plain(f"parameter {key[:40]!r} is given more than once", 400)
        fields[key] = values[0]
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
