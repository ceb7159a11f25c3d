"""Which route a request's method and path name, relative to where the application is mounted.

The routes are the Flask blueprint's:

- ``GET|HEAD /<name>.<ext>``: the image (the extension is after the last dot).
- ``GET|HEAD /stored/<file>``: an image the webhook stored.
- ``POST /<name>``: the webhook (a ``POST`` to an image's path reaches the
  core too, which answers 405).

Another method on one of these paths is 405 with ``Allow``; any other path is 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Route", "relative_path", "resolve"]

_READ = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Route:
    """What to do with a request.

    :param kind: ``"image"``, ``"stored"``, ``"webhook"``, ``"not_allowed"`` or ``"not_found"``.
    :param name: The template's name (``image``, ``webhook``) or the stored file's name.
    :param ext: The image's extension.
    :param allow: The methods the path takes (``not_allowed``).
    """

    kind: str
    name: str = ""
    ext: str = ""
    allow: str = ""


def relative_path(scope: Mapping[str, Any]) -> str:
    """The request's path below the mount point.

    The ASGI spec has ``path`` include ``root_path``, and recent Starlette
    mounts leave it whole; older ones (and some other routers) cut the mount
    off. Both work: ``root_path`` is removed only when ``path`` starts with
    it, at a segment boundary (as Starlette's own routes do).
    """
    path = str(scope.get("path") or "/")
    root = str(scope.get("root_path") or "").rstrip("/")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        path = path[len(root) :]
    return path or "/"


def resolve(method: str, path: str) -> Route:
    """The route of ``method`` on ``path`` (relative to the mount, starting with ``/``)."""
    if path.startswith("/stored/") and len(path) > len("/stored/"):
        filename = path[len("/stored/") :]
        return Route("stored", filename) if method in _READ else Route("not_allowed", allow="GET, HEAD")
    segment = path[1:]
    if not path.startswith("/") or not segment or "/" in segment:
        return Route("not_found")
    name, dot, ext = segment.rpartition(".")
    if dot and name and ext:
        if method in _READ:
            return Route("image", name, ext)
        if method == "POST":
            return Route("webhook", segment)  # the core answers 405: images are fetched with GET
        return Route("not_allowed", allow="GET, HEAD")
    if method == "POST":
        return Route("webhook", segment)
    return Route("not_allowed", allow="POST")
