"""A small demo blog whose pages carry Open Graph images rendered by svgog.

Run it with ``make run`` and open http://127.0.0.1:5000/ (a random signing key
per start, and the template gallery at /og/). In production
(``make serve-prod``: ``gunicorn -c gunicorn.conf.py 'app:create_app()'``)
it reads its settings from the environment and refuses to start without
``SECRET_KEY``:

- ``SECRET_KEY``: signs image URLs; the same in every worker and on every start.
- ``TRUSTED_HOSTS``: the site's host names, comma-separated (``blog.example.com``);
  other ``Host`` headers get 400, and absolute URLs name only these.
  ``127.0.0.1,localhost`` (where gunicorn listens) unless set.
- ``SVGOG_BASE_URL``: where image URLs start, e.g. a CDN.
- ``SVGOG_GALLERY=1``: serve the unsigned template gallery (off unless debugging).
- ``SVGOG_CACHE_URL``: a Redis shared by every worker and node
  (``redis://127.0.0.1:6379/0``), instead of a cache per process.
- ``SVGOG_CACHE_STATS=1``: count renders in Redis (``svgog:stats:renders``).
- ``SVGOG_STORAGE_URL`` and ``SVGOG_WEBHOOK_SECRET``: the webhook, storing its
  images in S3-compatible storage (``s3://bucket/prefix?endpoint=…&public=…``).
- ``SVGOG_S_MAXAGE``, ``SVGOG_STALE_WHILE_REVALIDATE``: seconds a CDN may keep
  unversioned image URLs, and serve them stale while it refreshes them.
"""

from __future__ import annotations

import os
import secrets
import sys
from typing import Any

from flask import Flask, abort, render_template_string

from svgog.flask import SvgOg

POSTS: list[dict[str, str]] = [
    {
        "slug": "svg-templates",
        "title": "How we render a million social cards a day from plain SVG templates",
        "author": "Jane Doe",
        "date": "November 25, 2026",
        "body": "Design the card once in Figma or Inkscape, name the layers, and let the data fill it.",
    },
    {
        "slug": "text-fitting",
        "title": "Text that fits: wrapping, kerning and an ellipsis where it belongs",
        "author": "Ana Lima",
        "date": "November 18, 2026",
        "body": "Every title is measured with the font's own metrics before a single pixel is drawn.",
    },
    {
        "slug": "hello",
        "title": "Hello, world",
        "author": "Sam Okafor",
        "date": "November 2, 2026",
        "body": "Short titles get the same care as long ones.",
    },
]

SITE_NAME = "svgog demo blog"
DESCRIPTION = "A small blog whose social previews are rendered from SVG templates by svgog."

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  {%- if post %}
  {{ og_meta("blog", title=post.title, description=post.body, type="article",
             author=post.author, date=post.date) }}
  {%- else %}
  {{ og_meta("minimal", title=title, description=description) }}
  {%- endif %}
  <style>
    body { font: 17px/1.5 system-ui, sans-serif; max-width: 760px; margin: 3rem auto; padding: 0 1rem; color: #0f172a; }
    /* The width and height attributes give the card's proportions before it loads;
       height: auto keeps them when the width shrinks to the column. */
    img { display: block; width: 100%; height: auto; aspect-ratio: 1200 / 630;
          border-radius: 12px; box-shadow: 0 4px 24px #0f172a33; }
    a { color: #2563eb; }
    ul { padding: 0; }
    li { margin: 1.5rem 0; list-style: none; }
  </style>
</head>
<body>
{%- if post %}
  <p><a href="{{ url_for('index') }}">← All posts</a></p>
  <h1>{{ post.title }}</h1>
  <p>{{ post.author }} · {{ post.date }}</p>
  <p>{{ post.body }}</p>
  <p>This page's social preview (<code>og:image</code>):</p>
  <img src="{{ og_image_url('blog', title=post.title, author=post.author, date=post.date) }}"
       alt="{{ post.title }}" width="1200" height="630">
{%- else %}
  <h1>svgog demo blog</h1>
  <p>Each post's Open Graph image is rendered from <code>templates_svg/blog.svg</code>.
  {%- if gallery %}
     Try every template in the <a href="{{ url_for('svgog.gallery') }}">gallery</a>.
  {%- endif %}</p>
  <ul>
  {%- for p in posts %}
    <li><a href="{{ url_for('post', slug=p.slug) }}">{{ p.title }}</a><br>
      <img src="{{ og_image_url('blog', title=p.title, author=p.author, date=p.date) }}" alt=""
           width="1200" height="630" loading="lazy"></li>
  {%- endfor %}
  </ul>
{%- endif %}
</body>
</html>
"""


#: Hosts the demo answers when ``TRUSTED_HOSTS`` is not set: where ``make run`` and gunicorn listen.
LOCAL_HOSTS = ["127.0.0.1", "localhost"]


class MissingSecretKey(SystemExit):
    """Production without ``SECRET_KEY``: a one-line message, no traceback."""


def create_app(config: dict[str, Any] | None = None, *, development: bool = False) -> Flask:
    """Build the demo application.

    :param config: Settings that win over the environment's (tests pass theirs).
    :param development: Make up a signing key when none is set, as in debug
        and testing mode (``python app.py``, ``flask run --debug``): image
        URLs then change on every start.
    """
    app = Flask(__name__)
    config = dict(config or {})
    app.config["SVGOG_SITE_NAME"] = SITE_NAME
    for name in (
        "SECRET_KEY", "SVGOG_BASE_URL", "SVGOG_GALLERY", "SVGOG_CACHE_URL", "SVGOG_CACHE_STATS",
        "SVGOG_STORAGE_URL", "SVGOG_WEBHOOK_SECRET", "SVGOG_S_MAXAGE", "SVGOG_STALE_WHILE_REVALIDATE",
    ):  # fmt: skip
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    hosts = os.environ.get("TRUSTED_HOSTS", "")
    app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()] or LOCAL_HOSTS
    app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        if not (development or app.debug or app.testing):
            raise MissingSecretKey(
                "svgog demo: set SECRET_KEY (e.g. SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')); "
                "every worker needs the same one"
            )
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        print("svgog demo: no SECRET_KEY set; signing image URLs with a random key for this run", file=sys.stderr)
    SvgOg(app)
    app.jinja_env.globals["gallery"] = app.extensions["svgog"].gallery

    @app.get("/")
    def index() -> str:
        return render_template_string(PAGE, title=SITE_NAME, description=DESCRIPTION, post=None, posts=POSTS)

    @app.get("/posts/<slug>")
    def post(slug: str) -> str:
        found = next((p for p in POSTS if p["slug"] == slug), None)
        if found is None:
            abort(404)
        return render_template_string(PAGE, title=found["title"], post=found)

    return app


if __name__ == "__main__":
    create_app(development=True).run(host="127.0.0.1", port=5000)
