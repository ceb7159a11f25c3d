"""The blueprint's views.

- ``GET <prefix>/<name>.<png|jpg|webp|svg>?field=value…``: the image. Every
  parameter is hostile: errors are short ``text/plain`` messages (404 unknown
  template or format, 400 a parameter svgog cannot use, 403 a missing or
  wrong signature), never a 500; a render that fails for another reason
  serves the fallback image.
- ``POST <prefix>/<name>``: the webhook; stores the image and answers its URL.
- ``GET <prefix>/stored/<file>``: images the webhook stored.
- ``GET <prefix>/``: the gallery (when enabled), see :mod:`.gallery`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
from pathlib import Path
from urllib.parse import parse_qsl

from flask import Blueprint, Response, request, send_from_directory, url_for

from ..cache import CachedImage, pack, unpack
from ..errors import InvalidInput, SvgogError, TemplateNotFound
from ..files import write_atomically
from ..renderer import FORMATS, RenderJob
from .signing import SIGNATURE_PARAMETER, VERSION_PARAMETER
from .state import Settings, settings

__all__ = ["MAX_PARAMETERS", "RESERVED_PARAMETERS", "blueprint", "is_version_of", "version_of"]

log = logging.getLogger("svgog")

#: Query names that are never fields: ``v`` (the version: people append or
#: replace ``?v=2`` so platforms re-fetch a preview; svgog's own URLs put the
#: content hash there; not signed, may repeat), ``sig`` (the signature) and
#: ``scale`` (signed). Names starting with ``_`` are ignored as well (signed).
RESERVED_PARAMETERS = frozenset({VERSION_PARAMETER, SIGNATURE_PARAMETER, "scale"})
#: The most query parameters a request may carry.
MAX_PARAMETERS = 100
_EXTENSIONS = {"jpeg": "jpg"}

blueprint = Blueprint("svgog", __name__)


class _Busy(Exception):
    """Every render slot stayed taken for the whole wait."""


class Refusal(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def plain(message: str, status: int, **headers: str) -> Response:
    """A one-line ``text/plain`` response; control characters never reach the client."""
    line = "".join(ch if ch.isprintable() else "?" for ch in " ".join(message.split()))
    if len(line) > 300:
        line = line[:300] + "…"
    response = Response(line + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers)
    return response


def query_pairs() -> list[tuple[str, str]]:
    """The query's pairs, decoded strictly.

    Werkzeug's ``request.args`` replaces bytes that are not UTF-8 with U+FFFD,
    which would render a silently wrong image; here they are an error.
    """
    try:
        return parse_qsl(
            request.query_string.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_PARAMETERS,
        )
    except UnicodeDecodeError as exc:
        raise Refusal("the query string is not valid UTF-8", 400) from exc
    except ValueError as exc:
        raise Refusal(f"too many parameters (at most {MAX_PARAMETERS})", 400) from exc


def query_fields(pairs: list[tuple[str, str]], state: Settings) -> tuple[dict[str, str], float]:
    fields: dict[str, str] = {}
    seen: set[str] = set()
    scale = 1.0
    for key, value in pairs:
        if key in seen and key != VERSION_PARAMETER:  # ``&v=2`` appended to a URL that has a ``v``
            raise Refusal(f"parameter {key[:40]!r} is given more than once", 400)
        seen.add(key)
        if key == "scale":
            try:
                scale = float(value)
            except ValueError:
                scale = math.nan
            if scale not in state.scales:
                raise Refusal(state.scale_message(), 400)
        elif key not in RESERVED_PARAMETERS and not key.startswith("_"):
            fields[key] = value
    if len(fields) > state.max_fields:
        raise Refusal(f"too many fields (at most {state.max_fields})", 400)
    return fields, scale


@blueprint.route("/<name>.<ext>", methods=["GET"])
def image(name: str, ext: str) -> Response:
    """Render template ``name`` as ``ext`` from the query string."""
    state = settings()
    ext = _EXTENSIONS.get(ext, ext)
    if ext not in FORMATS or ext not in state.formats:
        served = ", ".join(f for f in FORMATS if f in state.formats)
        return plain(f"unknown format {ext[:20]!r} (formats: {served})", 404)
    try:
        pairs = query_pairs()
        if state.signer is not None:
            signature = next((v for k, v in pairs if k == SIGNATURE_PARAMETER), None)
            if not state.signer.verify(f"{name}.{ext}", pairs, signature):
                raise Refusal("missing or invalid signature", 403)
        fields, scale = query_fields(pairs, state)
        job = state.prepare(name, fields, format=ext, scale=scale)
    except Refusal as exc:
        return plain(str(exc), exc.status)
    except TemplateNotFound as exc:
        return plain(str(exc), 404)
    except InvalidInput as exc:
        return plain(str(exc), 400)
    except SvgogError as exc:
        log.error("template %r cannot be used: %s", name, exc)
        return _fallback(state, name)
    versioned = any(is_version_of(value, job.key) for key, value in pairs if key == VERSION_PARAMETER)
    if request.if_none_match.contains(job.key):
        return _cached_response(None, job.key, state, versioned, status=304)
    try:
        entry = _cached_render(state, job)
    except _Busy:
        return plain("too many renders at once; try again shortly", 503, **{"Retry-After": "2"})
    except InvalidInput as exc:  # e.g. an image URL that cannot be fetched
        return plain(str(exc), 400)
    except Exception:
        log.exception("rendering %r failed (fields: %r)", name, {k: v[:100] for k, v in fields.items()})
        return _fallback(state, name)
    return _cached_response(entry, job.key, state, versioned)


def version_of(key: str, version: object = None) -> str:
    """The ``v`` of svgog's URLs: the image's content hash, then the caller's own version, if any."""
    return key[:16] if version is None or version == "" else f"{key[:16]}-{version}"


def is_version_of(value: str, key: str) -> bool:
    """Whether a ``v`` holds this image's content hash (its response may then be cached as immutable)."""
    return value == key[:16] or value.startswith(key[:16] + "-")


def _cached_render(state: Settings, job: RenderJob) -> CachedImage:
    """The image from the cache, or rendered once however many requests want it."""
    cache = state.cache
    if cache is not None:
        hit = cache.get(job.key)
        entry = unpack(hit) if hit is not None else None
        if entry is not None:
            return entry

    def render() -> CachedImage:
        if cache is not None:  # another request may have just finished it
            hit = cache.get(job.key)
            entry = unpack(hit) if hit is not None else None
            if entry is not None:
                return entry
        if not state.acquire_render_slot():
            raise _Busy
        try:
            state.count_render()
            result = job.run()
        finally:
            state.release_render_slot()
        entry = CachedImage(result.data, result.media_type, result.width, result.height)
        if cache is not None:
            cache.set(job.key, pack(entry))
        return entry

    return state.flights.do(job.key, render)


def _cached_response(
    entry: CachedImage | None, key: str, state: Settings, versioned: bool, *, status: int = 200
) -> Response:
    response = Response(entry.data if entry else b"", status=status, mimetype=entry.media_type if entry else None)
    response.set_etag(key)
    if versioned:
        # The URL holds the content hash: what it names can never change.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = f"public, max-age={state.max_age}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if entry is not None and entry.media_type == "image/svg+xml":
        # The SVG preview is opened directly in browsers: no scripts, no fetches.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


_LAST_RESORT = Path(__file__).resolve().parent / "fallback.png"


def _fallback(state: Settings, name: str) -> Response:
    """The image served when rendering fails: never a broken preview."""
    data: bytes | None = None
    if state.fallback is not None:
        try:
            data = state.fallback.read_bytes()
        except OSError:
            log.exception("the fallback image %s cannot be read", state.fallback)
    if data is None:
        try:
            # Through the cache: a broken field must not cost a second render per request.
            template = state.renderer.template(name)
            samples = {f: spec.sample for f, spec in template.fields.items() if spec.sample is not None}
            data = _cached_render(state, state.prepare(name, samples)).data
        except Exception:
            log.exception("the sample rendering of %r failed too; serving the static fallback", name)
            data = _LAST_RESORT.read_bytes()
    return Response(
        data,
        mimetype="image/png",
        headers={"Cache-Control": f"public, max-age={state.fallback_max_age}", "X-Svgog-Fallback": "1"},
    )


@blueprint.route("/stored/<path:filename>", methods=["GET"])
def stored(filename: str) -> Response:
    """An image the webhook stored; its name is its content hash, so it never changes."""
    state = settings()
    if state.storage_dir is None:
        return plain("no storage directory is configured", 404)
    if "/" in filename or filename.startswith("."):
        return plain("no such image", 404)
    path = state.storage_dir / filename
    if not path.is_file():
        return plain("no such image", 404)
    response = send_from_directory(state.storage_dir, filename, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@blueprint.route("/<name>", methods=["POST"])
def webhook(name: str) -> Response:
    """Render from a JSON body, store the image, answer where it is.

    The body must be signed: ``X-Svgog-Signature: sha256=<hex HMAC-SHA256 of
    the body with SVGOG_WEBHOOK_SECRET>``. Posting the same content again
    answers the same URL without rendering.
    """
    state = settings()
    if "." in name:  # an image path: those are GET only
        return plain("method not allowed: images are fetched with GET", 405, Allow="GET, HEAD")
    if state.webhook_secret is None or state.storage_dir is None:
        return plain("the webhook is not enabled", 404)
    if request.content_length is not None and request.content_length > state.webhook_max_bytes:
        return plain(f"body larger than {state.webhook_max_bytes} bytes", 413)
    body = request.get_data(cache=False)[: state.webhook_max_bytes + 1]
    if len(body) > state.webhook_max_bytes:
        return plain(f"body larger than {state.webhook_max_bytes} bytes", 413)
    expected = "sha256=" + hmac.new(state.webhook_secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Svgog-Signature", "")):
        return plain("missing or invalid X-Svgog-Signature", 403)
    try:
        fields = json.loads(body)
    except (ValueError, RecursionError):
        return plain("the body is not JSON", 400)
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        return plain("the body must be a JSON object of strings", 400)
    ext = _EXTENSIONS.get(request.args.get("format", "png"), request.args.get("format", "png"))
    if ext not in state.formats or ext == "svg":
        return plain(f"format {ext[:20]!r} cannot be stored", 400)
    if len(fields) > state.max_fields:
        return plain(f"too many fields (at most {state.max_fields})", 400)
    try:
        job = state.prepare(name, fields, format=ext)
        filename = f"{job.key}.{ext}"
        path = state.storage_dir / filename
        if not path.exists():
            if not state.acquire_render_slot():
                return plain("too many renders at once; try again shortly", 503, **{"Retry-After": "2"})
            try:
                state.count_render()
                result = job.run()
            finally:
                state.release_render_slot()
            write_atomically(path, result.data)
        width = round(job.template.width * job.scale)
        height = round(job.template.height * job.scale)
    except TemplateNotFound as exc:
        return plain(str(exc), 404)
    except InvalidInput as exc:
        return plain(str(exc), 400)
    except OSError:
        log.exception("cannot store the image for %r", name)
        return plain("the image could not be stored", 503, **{"Retry-After": "30"})
    except Exception:
        log.exception("webhook rendering of %r failed", name)
        return plain("the image could not be rendered", 503, **{"Retry-After": "30"})
    if state.base_url is not None:
        url = f"{state.base_url}/stored/{filename}"
    else:
        url = url_for("svgog.stored", filename=filename, _external=True)
    return Response(
        json.dumps({"url": url, "width": width, "height": height, "etag": job.key}),
        mimetype="application/json",
    )
