"""The Flask adapter on a real server (werkzeug's threaded server), for the parity suite."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from svgog.flask import SvgOg


def start(settings: dict[str, Any], secret_key: str) -> tuple[str, Callable[[], None]]:
    """Serve svgog at ``/og`` with these settings (``Service.from_config``'s names); return its URL and a stop."""
    app = Flask("parity")
    app.config["SECRET_KEY"] = secret_key
    app.config["TRUSTED_HOSTS"] = ["127.0.0.1"]
    app.config.update({f"SVGOG_{name.upper()}": value for name, value in settings.items()})
    SvgOg(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(5)

    return f"http://127.0.0.1:{server.server_port}/og", stop
