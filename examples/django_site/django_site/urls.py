"""The example's URLs: the blog, and svgog's image routes under /og/."""

from blog import views
from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

urlpatterns = [
    path("", views.index, name="index"),
    path("posts/<slug:slug>/", views.post, name="post"),
    path("og/", include("svgog.django.urls")),
    # The webhook's stored images, in development (a web server serves MEDIA_ROOT in production).
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
