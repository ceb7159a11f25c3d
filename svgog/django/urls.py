"""The routes, to include where the images should be: ``path("og/", include("svgog.django.urls"))``.

The same as the Flask blueprint's: ``<name>.<ext>`` (the extension is after
the last dot), ``stored/<file>`` and ``<name>`` for the webhook. Their
names are in the ``svgog`` namespace: ``reverse("svgog:image", kwargs={"name":
"blog", "ext": "png"})``.
"""

from __future__ import annotations

from django.urls import path, re_path

from . import views

__all__ = ["app_name", "urlpatterns"]

app_name = "svgog"

urlpatterns = [
    path("stored/<path:filename>", views.stored, name="stored"),
    # Greedy: "a.b.png" is template "a.b" as PNG, as in Flask and the ASGI app.
    re_path(r"^(?P<name>[^/]+)\.(?P<ext>[^/.]+)\Z", views.image, name="image"),
    path("<str:name>", views.webhook, name="webhook"),
]
