"""A small demo blog whose pages carry Open Graph images rendered by svgog.

Run it with ``make run`` and open http://127.0.0.1:5000/.
"""

from __future__ import annotations

import os
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
     Try every template in the <a href="{{ url_for('svgog.gallery') }}">gallery</a>.</p>
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


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the demo application."""
    app = Flask(__name__)
    # Image URLs are signed with this key: set SECRET_KEY in the environment
    # of a real deployment (every worker needs the same one).
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "svgog-demo-key-change-me")
    # The demo shows the template gallery at /og/; a production site leaves it off.
    app.config["SVGOG_GALLERY"] = True
    app.config["SVGOG_SITE_NAME"] = SITE_NAME
    app.config.from_mapping(config or {})
    SvgOg(app)

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
    create_app().run(host="127.0.0.1", port=5000)
