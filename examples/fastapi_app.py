"""A small FastAPI blog whose pages carry Open Graph images rendered by svgog.

Run it with uvicorn from the repository's root::

    SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))') \
        uvicorn --app-dir examples fastapi_app:app

or, for development (a random signing key per start, any host trusted)::

    DEBUG=1 python examples/fastapi_app.py

and open http://127.0.0.1:8000/. Settings come from the environment, and
the site refuses to start without ``SECRET_KEY`` unless ``DEBUG`` is set:

- ``SECRET_KEY``: signs image URLs; the same in every worker and on every start.
- ``TRUSTED_HOSTS``: the site's host names, comma-separated (``blog.example.com``);
  other ``Host`` headers get 400, and absolute URLs name only these.
  ``127.0.0.1,localhost`` unless set.
- ``SVGOG_BASE_URL``: where image URLs start, e.g. a CDN.
"""

from __future__ import annotations

import os
import secrets
import sys

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.middleware.trustedhost import TrustedHostMiddleware

import svgog.asgi

POSTS: list[dict[str, str]] = [
    {
        "slug": "svg-templates",
        "title": "How we render a million social cards a day from plain SVG templates",
        "author": "Jane Doe",
        "date": "November 25, 2026",
        "body": "Design the card once in Figma or Inkscape, name the layers, and let the data fill it.",
    },
    {
        "slug": "hello",
        "title": "Hello, world",
        "author": "Sam Okafor",
        "date": "November 2, 2026",
        "body": "Short titles get the same care as long ones.",
    },
]

SITE_NAME = "svgog FastAPI demo"
DESCRIPTION = "A small FastAPI blog whose social previews are rendered from SVG templates by svgog."
#: Hosts the demo answers when ``TRUSTED_HOSTS`` is not set: where uvicorn listens by default.
LOCAL_HOSTS = ["127.0.0.1", "localhost"]

PAGES = {
    "base.html": """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  {% block meta %}{% endblock %}
  <style>
    body { font: 17px/1.5 system-ui, sans-serif; max-width: 760px; margin: 3rem auto; padding: 0 1rem; }
    img { display: block; width: 100%; height: auto; aspect-ratio: 1200 / 630; border-radius: 12px; }
  </style>
</head>
<body>{% block body %}{% endblock %}</body>
</html>
""",
    "home.html": """{% extends "base.html" %}
{% block meta %}{{ og_meta("minimal", title=title, description=description) }}{% endblock %}
{% block body %}
  <h1>{{ title }}</h1>
  <ul>
  {%- for p in posts %}
    <li><a href="{{ url_for('post', slug=p.slug) }}">{{ p.title }}</a></li>
  {%- endfor %}
  </ul>
{% endblock %}
""",
    "post.html": """{% extends "base.html" %}
{% block meta %}{{ og_meta("blog", title=post.title, description=post.body, type="article",
                          author=post.author, date=post.date) }}{% endblock %}
{% block body %}
  <p><a href="{{ url_for('home') }}">← All posts</a></p>
  <h1>{{ post.title }}</h1>
  <p>{{ post.author }} · {{ post.date }}</p>
  <p>{{ post.body }}</p>
  <img src="{{ og_image_url('blog', title=post.title, author=post.author, date=post.date) }}"
       alt="{{ post.title }}" width="1200" height="630">
{% endblock %}
""",
}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def create_app(*, debug: bool = False) -> FastAPI:
    """Build the demo site.

    :param debug: Make up a signing key when ``SECRET_KEY`` is not set
        (image URLs then change on every start) and leave URLs unsigned.
    """
    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        if not debug:
            raise SystemExit(
                "svgog FastAPI demo: set SECRET_KEY "
                "(e.g. SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')); "
                "every worker needs the same one, or set DEBUG=1 for development"
            )
        secret_key = secrets.token_hex(32)
        print("svgog FastAPI demo: no SECRET_KEY set; signing image URLs with a random key for this run", file=sys.stderr)
    hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or LOCAL_HOSTS

    og = svgog.asgi.create_app(
        secret_key=secret_key,
        debug=debug,
        # Signed even in debug mode: the demo shows the URLs production serves.
        signing=True,
        trusted_hosts=hosts,
        base_url=os.environ.get("SVGOG_BASE_URL"),
        site_name=SITE_NAME,
    )
    templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.DictLoader(PAGES), autoescape=True))
    templates.env.globals.update(svgog.asgi.jinja_globals(og, mount="/og"))

    app = FastAPI(title=SITE_NAME, docs_url=None, redoc_url=None, openapi_url=None)
    # Other Host headers get 400, as Flask's TRUSTED_HOSTS does for the Flask demo.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    app.mount("/og", og)

    # Plain ``def`` endpoints: FastAPI runs them in its thread pool, so building
    # the tags (which loads and checks the card's template) never blocks the loop.
    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        context = {"title": SITE_NAME, "description": DESCRIPTION, "posts": POSTS}
        return templates.TemplateResponse(request, "home.html", context)

    @app.get("/posts/{slug}", response_class=HTMLResponse)
    def post(request: Request, slug: str) -> HTMLResponse:
        found = next((p for p in POSTS if p["slug"] == slug), None)
        if found is None:
            raise HTTPException(status_code=404)
        return templates.TemplateResponse(request, "post.html", {"title": found["title"], "post": found})

    return app


app = create_app(debug=_flag(os.environ.get("DEBUG")))

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
