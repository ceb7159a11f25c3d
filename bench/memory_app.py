"""The app bench/run.py measures a gunicorn worker's memory with: card A behind svgog's Flask route, unsigned."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from svgog.flask import SvgOg


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SVGOG_TEMPLATES=str(Path(__file__).resolve().parent), SVGOG_SIGNING=False)
    if os.environ.get("SVGOG_CACHE_MAX_BYTES"):
        app.config["SVGOG_CACHE_MAX_BYTES"] = int(os.environ["SVGOG_CACHE_MAX_BYTES"])
    SvgOg(app)

    @app.get("/")
    def index() -> str:
        return "ok"

    return app
