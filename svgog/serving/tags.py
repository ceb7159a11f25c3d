"""A page's Open Graph and Twitter ``<meta>`` tags: the same from every adapter and plugin."""

from __future__ import annotations

__all__ = ["escape", "meta_tags"]

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def escape(value: object) -> str:
    """Text for an HTML attribute, escaped as Jinja's ``escape`` does."""
    return str(value).translate(_ESCAPES)


def meta_tags(
    *,
    image_url: str,
    width: int,
    height: int,
    title: str | None = None,
    description: str | None = None,
    page_url: str | None = None,
    site_name: str | None = None,
    type: str = "website",
    alt: str | None = None,
    media_type: str = "image/png",
) -> str:
    """A page's Open Graph and Twitter ``<meta>`` tags for its card, every value escaped, empty ones left out.

    ``og:type`` is ``website`` unless given (``article`` for a post); ``alt``
    defaults to the title. The serving adapters' ``og_meta`` and the static
    site plugins all write their tags here.
    """
    alt = alt if alt is not None else title
    properties = {
        "og:type": type,
        "og:site_name": site_name,
        "og:url": page_url,
        "og:title": title,
        "og:description": description,
        "og:image": image_url,
        "og:image:width": str(width),
        "og:image:height": str(height),
        "og:image:type": media_type,
        "og:image:alt": alt,
    }
    names = {
        "twitter:card": "summary_large_image",
        "twitter:title": title,
        "twitter:description": description,
        "twitter:image": image_url,
        "twitter:image:alt": alt,
    }
    lines = [f'<meta property="{key}" content="{escape(value)}">' for key, value in properties.items() if value]
    lines += [f'<meta name="{key}" content="{escape(value)}">' for key, value in names.items() if value]
    return "\n".join(lines)
