"""The serving core: every route's behaviour, with no web framework in it.

An adapter (:mod:`svgog.flask`, :mod:`svgog.asgi`, :mod:`svgog.django`)
hands a :class:`Service` what a request holds — the path's template name and
extension, the raw query string, ``If-None-Match``, a webhook's body and
signature header — and sends back the :class:`~svgog.serving.responses.Response`
it gets, unchanged. The routes, relative to where the adapter mounts them:

- ``GET <name>.<png|jpg|webp|svg>?field=value…``: the image
  (:meth:`Service.image`). Every parameter is hostile: errors are short
  ``text/plain`` messages (404 unknown template or format, 400 a parameter
  svgog cannot use, 403 a missing or wrong signature), never a 500; a render
  that fails for another reason serves the fallback image.
- ``POST <name>``: the webhook (:meth:`Service.webhook`); stores the image
  and answers its URL.
- ``GET stored/<file>``: images the webhook stored (:meth:`Service.stored`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from cachetools import TTLCache

from ..budget import DEFAULT_BUDGET, RenderBudget
from ..cache import Cache, CachedImage, MemoryCache, SingleFlight, pack, unpack
from ..errors import InvalidInput, SvgogError, TemplateNotFound
from ..renderer import FORMATS, Renderer, RenderJob
from ..validation import DEFAULT_MAX_LENGTH
from .responses import Response, etag_matches, plain, protect
from .signing import SIGNATURE_PARAMETER, VERSION_PARAMETER, UrlSigner
from .stores import DirectoryStore, ImageStore
from .tags import meta_tags

__all__ = [
    "EXTENSIONS",
    "MAX_PARAMETERS",
    "RESERVED_PARAMETERS",
    "Busy",
    "Refusal",
    "Service",
    "is_version_of",
    "version_of",
]

log = logging.getLogger("svgog")

#: Query names that are never fields: ``v`` (the version: people append or
#: replace ``?v=2`` so platforms re-fetch a preview; svgog's own URLs put the
#: content hash there; not signed, may repeat), ``sig`` (the signature) and
#: ``scale`` (signed). Names starting with ``_`` are ignored as well (signed).
RESERVED_PARAMETERS = frozenset({VERSION_PARAMETER, SIGNATURE_PARAMETER, "scale"})
#: The most query parameters a request may carry.
MAX_PARAMETERS = 100
#: Other names of formats in URLs.
EXTENSIONS = {"jpeg": "jpg"}
#: Failures remembered at most (each is an exception of a few hundred bytes).
_REMEMBERED_FAILURES = 4096
_LAST_RESORT = Path(__file__).resolve().parent / "fallback.png"
_STORED_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}
_BUSY = ("too many renders at once; try again shortly", 503, {"Retry-After": "2"})


class Busy(Exception):
    """Every render slot stayed taken for the whole wait."""


class Refusal(Exception):
    """A request refused with a status and a message."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def version_of(key: str, version: object = None) -> str:
    """The ``v`` of svgog's URLs: the image's content hash, then the caller's own version, if any."""
    return key[:16] if version is None or version == "" else f"{key[:16]}-{version}"


def is_version_of(value: str, key: str) -> bool:
    """Whether a ``v`` holds this image's content hash (its response may then be cached as immutable)."""
    return value == key[:16] or value.startswith(key[:16] + "-")


def _flag(value: object) -> bool:
    """A setting that may come from the environment as text ("0", "false", "off")."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def _budget(value: object) -> RenderBudget:
    """``SVGOG_BUDGET``: a budget, or a dict of the limits that differ from the defaults."""
    if value is None:
        return DEFAULT_BUDGET
    if isinstance(value, RenderBudget):
        return value
    if isinstance(value, Mapping):
        try:
            return RenderBudget(**value)
        except (TypeError, ValueError) as exc:
            raise RuntimeError(f"svgog: SVGOG_BUDGET: {exc}") from exc
    raise RuntimeError(f"svgog: SVGOG_BUDGET must be a RenderBudget or a dict, not {type(value).__name__}")


def base_url_setting(value: object) -> str | None:
    """``SVGOG_BASE_URL``, checked: an absolute http(s) URL, without its trailing slash.

    :raises ValueError: Not an absolute http(s) URL, or one with a query.
    """
    if not value:
        return None
    text = str(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"svgog: SVGOG_BASE_URL must be an absolute http(s) URL without a query, "
            f"such as https://cdn.example.com/og (got {text[:100]!r})"
        )
    return text.rstrip("/")


def storage_url_setting(value: object) -> ImageStore | None:
    """``SVGOG_STORAGE_URL``: the store it names (``s3://bucket/prefix?endpoint=…&public=…``), or ``None``.

    :raises ValueError: Not an ``s3://`` URL, or one with a setting it does not know.
    """
    if not value:
        return None
    from ..s3store import S3Store  # boto3 only when it is used

    return S3Store.from_url(str(value))


def _seconds(value: object) -> int | None:
    """A number of seconds that may be off (``None`` or empty); never negative."""
    if value is None or value == "":
        return None
    seconds = int(str(value))
    if seconds < 0:
        raise ValueError(f"svgog: a number of seconds cannot be negative (got {seconds})")
    return seconds


@dataclass
class Service:
    """What the routes share: the renderer, the cache, the signer and the limits.

    Build one with :meth:`from_config` from ``SVGOG_*`` settings, or directly.
    Thread-safe; one per application.
    """

    renderer: Renderer
    cache: Cache | None
    signer: UrlSigner | None
    max_age: int = 86400
    #: Seconds a shared cache (a CDN) may keep an unversioned image, and may
    #: serve it stale while it fetches a new one: ``s-maxage`` and
    #: ``stale-while-revalidate`` in its ``Cache-Control`` (``None``: not sent).
    s_maxage: int | None = None
    stale_while_revalidate: int | None = None
    fallback_max_age: int = 60
    max_fields: int = 20
    formats: frozenset[str] = frozenset(FORMATS)
    scales: frozenset[float] = frozenset({1.0, 2.0})
    fallback: Path | None = None
    gallery: bool = False
    storage_dir: Path | None = None
    #: Where the webhook keeps images: ``SVGOG_STORE``, else a
    #: :class:`~.stores.DirectoryStore` of :attr:`storage_dir` when that is set.
    store: ImageStore | None = None
    webhook_secret: bytes | None = None
    webhook_max_bytes: int = 64 * 1024
    #: Where absolute image URLs start instead of this request's host and
    #: prefix (``https://cdn.example.com/og``), without a trailing slash.
    base_url: str | None = None
    #: ``og:site_name`` when :meth:`meta` is not given one.
    site_name: str | None = None
    #: Renders that may run at once in this process, and how long a request
    #: waits for a turn before it is answered 503.
    max_renders: int = 4
    render_wait: float = 10.0
    #: Seconds a render's failure is remembered for its key: a repeated bad
    #: URL is answered from memory, not rendered again (0 turns that off).
    failure_ttl: float = 60.0
    flights: SingleFlight = field(default_factory=SingleFlight)
    #: How many renders this application started (for monitoring and tests).
    renders: int = 0
    _count_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _slots: threading.BoundedSemaphore | None = field(default=None, repr=False)
    _failures: TTLCache[str, Exception] | None = field(default=None, repr=False)
    _failures_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(max(1, self.max_renders))
        if self.store is None and self.storage_dir is not None:
            self.store = DirectoryStore(self.storage_dir)
        if self.failure_ttl > 0:
            self._failures = TTLCache(maxsize=_REMEMBERED_FAILURES, ttl=self.failure_ttl)

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        renderer: Renderer | None = None,
        secret_key: str | bytes | None = None,
        debug: bool = False,
    ) -> Service:
        """A service from settings named as ``SVGOG_*`` without the prefix, in lower case.

        ``{"templates": ..., "signing": True, "max_age": 86400, ...}``; see
        ``docs/serving.md`` for each.

        :param renderer: A renderer to use instead of building one from the settings.
        :param secret_key: The framework's own secret key, used for signing
            when ``secret_key`` is not among the settings.
        :param debug: The application runs in debug mode: signing and the
            gallery are off unless the settings turn them on.
        :raises RuntimeError: A setting that cannot work (signing without a key).
        """
        renderer = renderer or Renderer(
            templates=config.get("templates"),
            fonts=config.get("fonts"),
            system_fonts=_flag(config.get("system_fonts", True)),
            max_length=int(config.get("max_length", DEFAULT_MAX_LENGTH)),
            assets=config.get("assets"),
            allowed_hosts=config.get("allowed_hosts", ()),
            budget=_budget(config.get("budget")),
        )
        signer = None
        if config.get("signing", not debug):
            secret = config.get("secret_key") or secret_key
            if not secret:
                raise RuntimeError("svgog: signed URLs need SVGOG_SECRET_KEY or SECRET_KEY (or SVGOG_SIGNING=False)")
            signer = UrlSigner(secret)
        cache: Any = config.get("cache", _DEFAULT)
        if cache is _DEFAULT and config.get("cache_url"):
            from ..rediscache import redis_cache  # redis-py is needed only then

            cache = redis_cache(config)
        if cache is _DEFAULT:
            cache = MemoryCache(
                int(config.get("cache_max_bytes", 24 * 1024 * 1024)),
                max_entries=config.get("cache_max_entries"),
                ttl=config.get("cache_ttl"),
            )
        webhook_secret = config.get("webhook_secret")
        return cls(
            renderer=renderer,
            cache=cache,
            signer=signer,
            max_age=int(config.get("max_age", 86400)),
            s_maxage=_seconds(config.get("s_maxage")),
            stale_while_revalidate=_seconds(config.get("stale_while_revalidate")),
            fallback_max_age=int(config.get("fallback_max_age", 60)),
            max_fields=int(config.get("max_fields", 20)),
            formats=frozenset(config.get("formats", FORMATS)) & frozenset(FORMATS),
            scales=frozenset(float(s) for s in config.get("scales", (1, 2))),
            fallback=Path(config["fallback"]) if config.get("fallback") else None,
            gallery=_flag(config.get("gallery", debug)),
            storage_dir=Path(config["storage_dir"]) if config.get("storage_dir") else None,
            store=config.get("store") or storage_url_setting(config.get("storage_url")),
            webhook_secret=webhook_secret.encode() if isinstance(webhook_secret, str) else webhook_secret,
            webhook_max_bytes=int(config.get("webhook_max_bytes", 64 * 1024)),
            max_renders=int(config.get("max_renders", 2 * (os.cpu_count() or 1))),
            render_wait=float(config.get("render_wait", 10.0)),
            failure_ttl=float(config.get("failure_ttl", 60.0)),
            base_url=base_url_setting(config.get("base_url")),
            site_name=config.get("site_name") or None,
        )

    # -- limits ----------------------------------------------------------------------------

    def prepare(self, name: str, fields: Mapping[str, object], *, format: str = "png", scale: float = 1.0) -> RenderJob:
        """Validate a request for an image; images the template itself declares are read from its directory."""
        values = self.renderer.images.declared(self.renderer.template(name), fields)
        return self.renderer.prepare(name, values, format=format, scale=scale)

    def scale_message(self) -> str:
        """Why a scale is refused."""
        return "scale must be one of " + ", ".join(f"{s:g}" for s in sorted(self.scales))

    def acquire_render_slot(self) -> bool:
        """Wait up to :attr:`render_wait` seconds for a free render slot."""
        assert self._slots is not None
        return self._slots.acquire(timeout=self.render_wait)

    def release_render_slot(self) -> None:
        """Give a render slot back."""
        assert self._slots is not None
        self._slots.release()

    def count_render(self) -> None:
        """Count one render (thread-safe)."""
        with self._count_lock:
            self.renders += 1

    def remember_failure(self, key: str, error: Exception) -> None:
        """Keep a render's failure for :attr:`failure_ttl` seconds."""
        if self._failures is not None:
            with self._failures_lock:
                self._failures[key] = error

    def remembered_failure(self, key: str) -> Exception | None:
        """The failure of a recent render of ``key``, if any."""
        if self._failures is None:
            return None
        with self._failures_lock:
            return self._failures.get(key)

    # -- the query ---------------------------------------------------------------------------

    @staticmethod
    def query_pairs(query: bytes | str) -> list[tuple[str, str]]:
        """The query's pairs, decoded strictly: bytes that are not UTF-8 are refused, never replaced.

        :raises Refusal: Not UTF-8, or more than :data:`MAX_PARAMETERS` parameters.
        """
        try:
            text = query.decode("utf-8") if isinstance(query, bytes) else query
            return parse_qsl(
                text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_PARAMETERS
            )
        except UnicodeDecodeError as exc:
            raise Refusal("the query string is not valid UTF-8", 400) from exc
        except ValueError as exc:
            raise Refusal(f"too many parameters (at most {MAX_PARAMETERS})", 400) from exc

    def query_fields(self, pairs: list[tuple[str, str]]) -> tuple[dict[str, str], float]:
        """The fields and the scale a query asks for.

        :raises Refusal: A repeated parameter, a scale not served, too many fields.
        """
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
                if scale not in self.scales:
                    raise Refusal(self.scale_message(), 400)
            elif key not in RESERVED_PARAMETERS and not key.startswith("_"):
                fields[key] = value
        if len(fields) > self.max_fields:
            raise Refusal(f"too many fields (at most {self.max_fields})", 400)
        return fields, scale

    # -- rendering through the cache -----------------------------------------------------------

    def render_cached(self, job: RenderJob) -> CachedImage:
        """The image from the cache, or rendered once however many requests want it."""

        def render() -> CachedImage:
            result = job.run()
            return CachedImage(result.data, result.media_type, result.width, result.height)

        return self.cached(job.key, render)

    def cached(self, key: str, produce: Callable[[], CachedImage]) -> CachedImage:
        """The cache's entry for ``key``, or ``produce()`` run once, in a render slot, and kept.

        Every render a GET can cause goes through here: the cache, one
        render per key at a time, at most :attr:`max_renders` at once,
        :class:`Busy` after :attr:`render_wait` seconds, and failures
        remembered for :attr:`failure_ttl` seconds.
        """
        cache = self.cache
        if cache is not None:
            hit = cache.get(key)
            entry = unpack(hit) if hit is not None else None
            if entry is not None:
                return entry
        failure = self.remembered_failure(key)
        if failure is not None:
            # The same error again, at no cost: a bad URL repeated by a crawler or an attacker.
            raise failure.with_traceback(None)

        def render() -> CachedImage:
            if cache is not None:  # another request may have just finished it
                hit = cache.get(key)
                entry = unpack(hit) if hit is not None else None
                if entry is not None:
                    return entry
            if not self.acquire_render_slot():
                raise Busy
            try:
                self.count_render()
                entry = produce()
            except Exception as exc:
                self.remember_failure(key, exc)
                raise
            finally:
                self.release_render_slot()
            if cache is not None:
                cache.set(key, pack(entry))
            return entry

        # A cache shared by several nodes (Redis) also renders each key once
        # across them; the in-process single flight in front asks it once per process.
        render_once = getattr(cache, "render_once", None)
        if render_once is not None:

            def ready() -> CachedImage | None:
                hit = cache.get(key) if cache is not None else None
                return unpack(hit) if hit is not None else None

            return self.flights.do(key, lambda: render_once(key, render, ready, self.render_wait))
        return self.flights.do(key, render)

    # -- routes ----------------------------------------------------------------------------------

    def image(self, name: str, ext: str, query: bytes | str, *, if_none_match: str | None = None) -> Response:
        """``GET <name>.<ext>?<query>``: the image, 304, an error message or the fallback image."""
        ext = EXTENSIONS.get(ext, ext)
        if ext not in FORMATS or ext not in self.formats:
            served = ", ".join(f for f in FORMATS if f in self.formats)
            return plain(f"unknown format {ext[:20]!r} (formats: {served})", 404)
        try:
            pairs = self.query_pairs(query)
            if self.signer is not None:
                signature = next((v for k, v in pairs if k == SIGNATURE_PARAMETER), None)
                if not self.signer.verify(f"{name}.{ext}", pairs, signature):
                    raise Refusal("missing or invalid signature", 403)
            fields, scale = self.query_fields(pairs)
            job = self.prepare(name, fields, format=ext, scale=scale)
        except Refusal as exc:
            return plain(str(exc), exc.status)
        except TemplateNotFound as exc:
            return plain(str(exc), 404)
        except InvalidInput as exc:
            return plain(str(exc), 400)
        except SvgogError as exc:
            log.error("template %r cannot be used: %s", name, exc)
            return self.fallback_image(name)
        versioned = any(is_version_of(value, job.key) for key, value in pairs if key == VERSION_PARAMETER)
        if etag_matches(if_none_match, job.key):
            return self._image_response(None, job.key, versioned, status=304)
        try:
            entry = self.render_cached(job)
        except Busy:
            return plain(_BUSY[0], _BUSY[1], **_BUSY[2])
        except InvalidInput as exc:  # e.g. an image URL that cannot be fetched
            return plain(str(exc), 400)
        except Exception:
            log.exception("rendering %r failed (fields: %r)", name, {k: v[:100] for k, v in fields.items()})
            return self.fallback_image(name)
        return self._image_response(entry, job.key, versioned)

    def _image_response(self, entry: CachedImage | None, key: str, versioned: bool, *, status: int = 200) -> Response:
        response = Response(status, entry.data if entry else b"", entry.media_type if entry else None)
        response.headers["ETag"] = f'"{key}"'
        if versioned:
            # The URL holds the content hash: what it names can never change.
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            # The same URL may show another image tomorrow (a new template or
            # font): a CDN keeps it for s-maxage, then serves its stale copy
            # while it asks again, so no visitor waits for a render.
            directives = [f"public, max-age={self.max_age}"]
            if self.s_maxage is not None:
                directives.append(f"s-maxage={self.s_maxage}")
            if self.stale_while_revalidate is not None:
                directives.append(f"stale-while-revalidate={self.stale_while_revalidate}")
            response.headers["Cache-Control"] = ", ".join(directives)
        return protect(response)

    def fallback_image(self, name: str) -> Response:
        """The image served when rendering fails: never a broken preview."""
        data: bytes | None = None
        if self.fallback is not None:
            try:
                data = self.fallback.read_bytes()
            except OSError:
                log.exception("the fallback image %s cannot be read", self.fallback)
        if data is None:
            try:
                # Through the cache: a broken field must not cost a second render per request.
                template = self.renderer.template(name)
                samples = {f: spec.sample for f, spec in template.fields.items() if spec.sample is not None}
                data = self.render_cached(self.prepare(name, samples)).data
            except Exception:
                log.exception("the sample rendering of %r failed too; serving the static fallback", name)
                data = _LAST_RESORT.read_bytes()
        headers = {"Cache-Control": f"public, max-age={self.fallback_max_age}", "X-Svgog-Fallback": "1"}
        return protect(Response(200, data, "image/png", headers))

    def stored(self, filename: str, *, if_none_match: str | None = None) -> Response:
        """``GET stored/<filename>``: an image the webhook stored; named by its content hash, it never changes.

        A redirect (302) when the store serves its files itself (:meth:`~.stores.ImageStore.url`).
        """
        store = self.store
        if store is None:
            return plain("no storage directory is configured", 404)
        suffix = Path(filename).suffix
        if "/" in filename or "\\" in filename or filename.startswith(".") or suffix not in _STORED_TYPES:
            return plain("no such image", 404)
        tag = filename
        headers = {"Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{tag}"'}
        try:
            url = store.url(filename)
            if url is not None:
                if not store.exists(filename):
                    return plain("no such image", 404)
                # Not cached: a store's URL may expire (S3's signed URLs do).
                return Response(302, b"", None, {"Location": url})
            if etag_matches(if_none_match, tag) and store.exists(filename):
                return protect(Response(304, b"", None, headers))
            data = store.read(filename)
        except OSError:
            log.exception("the stored image %r cannot be read", filename)
            return plain("the image storage cannot be read", 503, **{"Retry-After": "30"})
        if data is None:
            return plain("no such image", 404)
        return protect(Response(200, data, _STORED_TYPES[suffix], headers))

    def webhook(
        self,
        name: str,
        *,
        query: bytes | str,
        body: bytes,
        signature: str | None,
        content_length: int | None = None,
        stored_url: Callable[[str], str],
        absolute: Callable[[str], str] | None = None,
    ) -> Response:
        """``POST <name>``: render from a JSON body, store the image, answer where it is.

        The body must be signed: ``X-Svgog-Signature: sha256=<hex HMAC-SHA256
        of the body with SVGOG_WEBHOOK_SECRET>``. Posting the same content
        again answers the same URL without rendering.

        :param body: At most :attr:`webhook_max_bytes` + 1 bytes of the body
            (see :func:`~svgog.serving.responses.read_limited`).
        :param signature: The ``X-Svgog-Signature`` header.
        :param content_length: The ``Content-Length`` header, when there is one.
        :param stored_url: The URL of a stored file by name, where the
            adapter serves :meth:`stored` (used when :attr:`base_url` is not set).
        :param absolute: Makes a path the store answers (``/media/...``)
            absolute for this request; without it, the path is answered.
        """
        if "." in name:  # an image path: those are GET only
            return plain("method not allowed: images are fetched with GET", 405, Allow="GET, HEAD")
        store = self.store
        if self.webhook_secret is None or store is None:
            return plain("the webhook is not enabled", 404)
        too_large = plain(f"body larger than {self.webhook_max_bytes} bytes", 413)
        if (content_length is not None and content_length > self.webhook_max_bytes) or len(body) > self.webhook_max_bytes:
            return too_large
        expected = "sha256=" + hmac.new(self.webhook_secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), (signature or "").encode("utf-8", "replace")):
            return plain("missing or invalid X-Svgog-Signature", 403)
        try:
            fields = json.loads(body)
        except (ValueError, RecursionError):
            return plain("the body is not JSON", 400)
        if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
            return plain("the body must be a JSON object of strings", 400)
        try:
            requested = dict(self.query_pairs(query)).get("format", "png")
        except Refusal as exc:
            return plain(str(exc), exc.status)
        ext = EXTENSIONS.get(requested, requested)
        if ext not in self.formats or ext == "svg":
            return plain(f"format {ext[:20]!r} cannot be stored", 400)
        if len(fields) > self.max_fields:
            return plain(f"too many fields (at most {self.max_fields})", 400)
        try:
            job = self.prepare(name, fields, format=ext)
            filename = f"{job.key}.{ext}"
            if not store.exists(filename):
                if not self.acquire_render_slot():
                    return plain(_BUSY[0], _BUSY[1], **_BUSY[2])
                try:
                    self.count_render()
                    result = job.run()
                finally:
                    self.release_render_slot()
                store.save(filename, result.data)
            width = round(job.template.width * job.scale)
            height = round(job.template.height * job.scale)
            url = store.url(filename)
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
        if url is None:  # served by the stored/ route
            url = f"{self.base_url}/stored/{filename}" if self.base_url is not None else stored_url(filename)
        elif absolute is not None and url.startswith("/"):
            url = absolute(url)
        document = {"url": url, "width": width, "height": height, "etag": job.key}
        return Response(200, json.dumps(document).encode(), "application/json")

    # -- URLs and tags ---------------------------------------------------------------------------

    def image_query(
        self, name: str, format: str, fields: Mapping[str, Any], *, scale: float = 1, version: object = None
    ) -> str:
        """The signed, versioned query string of a template's image with these fields.

        :raises InvalidInput: A field, format or scale the image cannot have.
        """
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale not in self.scales:
            raise InvalidInput(self.scale_message(), template=name)
        if format not in self.formats:
            raise InvalidInput(f"format {str(format)[:20]!r} is not served (SVGOG_FORMATS)", template=name)
        # Checked first: a value str() cannot write (an int of 5000 digits) or a key that is not text.
        job = self.prepare(name, fields, format=format, scale=float(scale))
        values = {key: str(value) for key, value in fields.items()}
        query: dict[str, str] = {**values, VERSION_PARAMETER: version_of(job.key, version)}
        if scale != 1:
            query["scale"] = f"{scale:g}"
        if self.signer is not None:
            query[SIGNATURE_PARAMETER] = self.signer.sign(f"{name}.{format}", query.items())
        return urlencode(query)

    def image_url(
        self,
        name: str,
        format: str,
        fields: Mapping[str, Any],
        *,
        prefix: str | None = None,
        scale: float = 1,
        version: object = None,
    ) -> str:
        """The image's URL: ``<prefix>/<name>.<format>?<query>``.

        :param prefix: Where the adapter serves the images (``/og`` or
            ``https://example.com/og``); :attr:`base_url` when it is set wins.
        """
        start = self.base_url if self.base_url is not None else (prefix or "").rstrip("/")
        return f"{start}/{name}.{format}?{self.image_query(name, format, fields, scale=scale, version=version)}"

    def meta(
        self,
        name: str,
        *,
        image_prefix: str | None = None,
        page_url: str | None = None,
        alt: str | None = None,
        title: str | None = None,
        description: str | None = None,
        site_name: str | None = None,
        type: str = "website",
        format: str = "png",
        scale: float = 1,
        v: object = None,
        fields: Mapping[str, Any] | None = None,
        more: Mapping[str, Any] | None = None,
    ) -> str:
        """The page's Open Graph and Twitter ``<meta>`` tags, HTML-escaped, tags without a value left out.

        ``title`` and ``description`` are the page's, and also the card's
        fields of those names when the template has them; ``fields`` and
        ``more`` are card fields (``fields`` for names the parameters take).
        """
        template = self.renderer.template(name)
        page = {"title": title, "description": description}
        card: dict[str, Any] = {k: value for k, value in page.items() if value is not None and k in template.fields}
        card.update(fields or {})
        card.update(more or {})
        image = self.image_url(name, format, card, prefix=image_prefix, scale=scale, version=v)
        return meta_tags(
            image_url=image, width=round(template.width * scale), height=round(template.height * scale),
            title=title, description=description, page_url=page_url,
            site_name=site_name if site_name is not None else self.site_name, type=type, alt=alt,
            media_type=FORMATS[format],
        )  # fmt: skip


_DEFAULT: Any = object()
