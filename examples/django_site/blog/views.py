"""The blog's pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

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


def index(request: HttpRequest) -> HttpResponse:
    """Every post."""
    return render(request, "blog/index.html", {"posts": POSTS})


def post(request: HttpRequest, slug: str) -> HttpResponse:
    """One post; its ``<head>`` has the Open Graph tags of its card."""
    found = next((p for p in POSTS if p["slug"] == slug), None)
    if found is None:
        raise Http404("no such post")
    return render(request, "blog/post.html", {"post": found})
