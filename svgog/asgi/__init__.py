"""ASGI integration: svgog's routes as a plain ASGI 3 application, and Jinja2 helpers.

Mount it in FastAPI or Starlette (or Litestar, Quart, any ASGI router)::

    import svgog.asgi

    og = svgog.asgi.create_app(secret_key=os.environ["SECRET_KEY"], trusted_hosts=["blog.example.com"])
    app.mount("/og", og)
    templates.env.globals.update(svgog.asgi.jinja_globals(og, mount="/og"))

The routes and every answer are the serving core's (:mod:`svgog.serving`),
the same as the Flask blueprint's. Rendering runs in a bounded thread pool,
never on the event loop. Importing this package needs nothing beyond the
standard library and svgog: the application speaks the ASGI protocol
itself, and Jinja2 is imported only by :func:`jinja_globals`. Outside
templates, :meth:`SvgogASGI.site` gives the same URLs and tags
(``og.site("/og").image_url("blog", request=request, fields={...})``).
"""

from .app import SvgogASGI as SvgogASGI
from .app import create_app as create_app
from .hosts import UntrustedHost as UntrustedHost
from .templating import jinja_globals as jinja_globals
from .urls import Site as Site

__all__ = ["Site", "SvgogASGI", "UntrustedHost", "create_app", "jinja_globals"]
