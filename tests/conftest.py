"""Shared fixtures: a renderer, the demo app, a real HTTP server."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator

import pytest
from browser import Chromium, launch
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

import svgog
from app import create_app

# The demo refuses to start without a signing key, as in production; gunicorn
# and the other processes the tests start inherit this one.
os.environ.setdefault("SECRET_KEY", "svgog-tests-" + secrets.token_hex(16))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """Headless Chromium with svgog's fonts only, shared by the browser tests."""
    yield from launch()


@pytest.fixture(scope="session")
def renderer() -> svgog.Renderer:
    return svgog.Renderer()


@pytest.fixture()
def app() -> Flask:
    """The demo app with unsigned URLs, for testing the image endpoint directly."""
    return create_app({"TESTING": True, "SVGOG_SIGNING": False})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The demo app (unsigned URLs, with the gallery) behind a real threaded HTTP server on 127.0.0.1."""
    yield from serve(create_app({"SVGOG_SIGNING": False, "SVGOG_GALLERY": True}))


@pytest.fixture(scope="session")
def signed_server() -> Iterator[str]:
    """The demo app as deployed (signed URLs) behind a real server, with the gallery on as ``make run`` has it."""
    yield from serve(create_app({"SVGOG_GALLERY": True}))


def serve(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
