"""The library and the serving core import no web framework: only an adapter does, and only its own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT

FRAMEWORKS = {"flask", "werkzeug", "django", "starlette", "fastapi", "uvicorn", "litestar", "quart", "jinja2"}

PROBE = """
import json, sys
import svgog
png = svgog.render_png("blog", title="No framework")
assert png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
from svgog.serving import Service
service = Service.from_config({}, secret_key="k" * 32)
url = service.image_url("blog", "png", {"title": "Core"}, prefix="/og")
path, _, query = url.partition("?")
response = service.image("blog", "png", query.encode())
assert response.status == 200, response
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _modules(code: str) -> set[str]:
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(output.stdout.strip().splitlines()[-1]))


def test_rendering_and_the_serving_core_import_no_web_framework() -> None:
    loaded = _modules(PROBE)
    assert "svgog" in loaded and "cairosvg" in loaded, "the probe rendered"
    assert loaded & FRAMEWORKS == set()


def test_each_adapter_imports_only_its_own_framework() -> None:
    for adapter, own in (("svgog.asgi", set()), ("svgog.django", {"django"}), ("svgog.flask", {"flask", "werkzeug", "jinja2"})):
        loaded = _modules(f"import json, sys, {adapter}\nprint(json.dumps(sorted({{n.split('.')[0] for n in sys.modules}})))")
        assert loaded & FRAMEWORKS <= own, (adapter, loaded & FRAMEWORKS)


def test_the_core_behind_a_plain_wsgi_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/frameworks.md's "any other framework": examples/wsgi_app.py, served by wsgiref."""
    import http.client
    import importlib.util
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from helpers import png_size

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    monkeypatch.setenv("SECRET_KEY", "wsgi-example-key-" + "k" * 16)
    spec = importlib.util.spec_from_file_location("wsgi_app", ROOT / "examples" / "wsgi_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server = make_server("127.0.0.1", 0, module.application, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = module.service.image_url("blog", "png", {"title": "Plain WSGI"}, prefix="/og")

        def get(target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
            connection.request(method, target)
            response = connection.getresponse()
            result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            connection.close()
            return result

        status, headers, body = get(url)
        assert status == 200 and headers["content-type"] == "image/png" and png_size(body) == (1200, 630)
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert get(url, "HEAD")[2] == b""
        assert get(url.replace("title=", "title=x"))[0] == 403
        assert get("/og/stored/nope.png")[0] == 404 and get("/elsewhere")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
