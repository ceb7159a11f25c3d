"""svgog's images from any WSGI server, with nothing but the serving core (no framework).

    SECRET_KEY=... python -m wsgiref.simple_server  # or: gunicorn examples.wsgi_app:application
"""

import os
from http import HTTPStatus

from svgog.serving import Service, plain, read_limited

service = Service.from_config({}, secret_key=os.environ["SECRET_KEY"])


def application(environ, start_response):  # type: ignore[no-untyped-def]
    path = environ.get("PATH_INFO", "").removeprefix("/og/")
    query = environ.get("QUERY_STRING", "").encode("latin-1")  # WSGI strings hold the raw bytes
    name, dot, ext = path.partition(".")
    if environ["REQUEST_METHOD"] in ("GET", "HEAD") and path.startswith("stored/"):
        response = service.stored(path.removeprefix("stored/"), if_none_match=environ.get("HTTP_IF_NONE_MATCH"))
    elif environ["REQUEST_METHOD"] in ("GET", "HEAD") and dot:
        response = service.image(name, ext, query, if_none_match=environ.get("HTTP_IF_NONE_MATCH"))
    elif environ["REQUEST_METHOD"] == "POST" and not dot:
        body = read_limited(environ["wsgi.input"].read, service.webhook_max_bytes)
        length = int(environ["CONTENT_LENGTH"]) if environ.get("CONTENT_LENGTH", "").isdigit() else None
        response = service.webhook(name, query=query, body=body, signature=environ.get("HTTP_X_SVGOG_SIGNATURE"),
                                   content_length=length, stored_url=lambda filename: f"/og/stored/{filename}")
    else:
        response = plain("not found", 404)
    start_response(f"{response.status} {HTTPStatus(response.status).phrase}", response.header_items())
    return [b"" if environ["REQUEST_METHOD"] == "HEAD" else response.body]
