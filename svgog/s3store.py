"""Images kept in an S3 bucket (AWS, SeaweedFS, MinIO, R2…), shared by every node: ``SVGOG_STORAGE_URL``.

``s3://bucket/prefix?endpoint=http://127.0.0.1:8333&public=https://cdn.example.com/og-stored&region=eu-west-1``

Each image is stored once under ``<prefix>/<content hash>.<ext>``, with its
``Content-Type`` and ``Cache-Control: public, max-age=31536000, immutable``:
its name is its content, so it never changes, and a CDN or browser may keep
it forever. Credentials come from boto3's usual places (``AWS_ACCESS_KEY_ID``
and ``AWS_SECRET_ACCESS_KEY``, a profile, an instance role). Needs boto3
(``pip install svgog[s3]``).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

try:
    from botocore.exceptions import BotoCoreError, ClientError

    _FAILURES: tuple[type[Exception], ...] = (BotoCoreError, ClientError, OSError)
except ImportError:  # boto3 is an optional dependency: _client() says so
    _FAILURES = (OSError,)

__all__ = ["IMMUTABLE", "S3Store"]

#: The ``Cache-Control`` of every stored image.
IMMUTABLE = "public, max-age=31536000, immutable"
_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_SETTINGS = {"endpoint", "public", "region"}


class S3Store:
    """An :class:`~svgog.serving.stores.ImageStore` in an S3 bucket; every failure is an :class:`OSError`.

    :param bucket: The bucket's name.
    :param prefix: Where the images go in the bucket (``og`` → ``og/<hash>.png``).
    :param endpoint: The S3 API's URL for a service other than AWS
        (``http://127.0.0.1:8333``); path-style addressing is used there.
    :param public: Where the images are served from, e.g. a CDN in front of
        the bucket (``https://cdn.example.com/og-stored``); the key is
        appended. Without it, the bucket's own URL at the endpoint (or AWS).
    :param region: The bucket's region.
    :param client: A boto3 S3 client to use instead of building one.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint: str | None = None,
        public: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        if not bucket:
            raise ValueError("an S3 store needs a bucket")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.public = public.rstrip("/") if public else None
        self.region = region
        self.client = client if client is not None else self._client()

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        """The store a ``s3://bucket/prefix?endpoint=…&public=…&region=…`` URL names.

        :raises ValueError: Not such a URL, or one with a setting it does not know.
        """
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"svgog: SVGOG_STORAGE_URL must look like s3://bucket/prefix (got {url[:100]!r})")
        settings = dict(parse_qsl(parts.query, keep_blank_values=False))
        unknown = sorted(set(settings) - _SETTINGS)
        if unknown:
            raise ValueError(f"svgog: SVGOG_STORAGE_URL: unknown setting(s) {', '.join(unknown)} (known: endpoint, public, region)")
        return cls(
            parts.netloc,
            parts.path,
            endpoint=settings.get("endpoint"),
            public=settings.get("public"),
            region=settings.get("region"),
        )

    def _client(self) -> Any:
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:  # an optional dependency
            raise RuntimeError("svgog: an s3:// storage URL needs boto3 (pip install svgog[s3])") from exc
        config = Config(
            # Short: a webhook call waits on these, and a store that does not
            # answer should become a quick 503 with Retry-After, not a hung worker.
            connect_timeout=1,
            read_timeout=5,
            retries={"mode": "standard", "total_max_attempts": 2},
            s3={"addressing_style": "path"} if self.endpoint else None,
        )
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region, config=config)

    def key(self, filename: str) -> str:
        """The object key of an image."""
        return f"{self.prefix}/{filename}" if self.prefix else filename

    def exists(self, filename: str) -> bool:
        """Whether the image is in the bucket (a ``HEAD`` request)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(filename))
            return True
        except _FAILURES as exc:
            if _status(exc) == 404:
                return False
            raise _os_error("cannot look up", self.key(filename), exc) from exc

    def save(self, filename: str, data: bytes) -> None:
        """Upload the image, unless an object of that key is there already.

        ``If-None-Match: *`` makes the write conditional where the service
        supports it, so that two nodes storing the same image write it once.
        S3 writes an object whole or not at all.
        """
        key = self.key(filename)
        arguments = {
            "Bucket": self.bucket,
            "Key": key,
            "Body": data,
            "ContentType": _TYPES.get(PurePosixPath(filename).suffix, "application/octet-stream"),
            "CacheControl": IMMUTABLE,
        }
        try:
            self.client.put_object(**arguments, IfNoneMatch="*")
        except _FAILURES as exc:
            status = _status(exc)
            if status == 412:  # someone else stored it first: same name, same bytes
                return
            if status != 501:
                raise _os_error("cannot store", key, exc) from exc
            # A service without conditional writes: content-addressed, so a
            # second write of the same key writes the same bytes.
            try:
                self.client.put_object(**arguments)
            except _FAILURES as again:
                raise _os_error("cannot store", key, again) from again

    def url(self, filename: str) -> str:
        """The image's public URL: :attr:`public`, else the bucket's own URL, then the key."""
        key = quote(self.key(filename))
        if self.public is not None:
            return f"{self.public}/{key}"
        if self.endpoint is not None:
            return f"{self.endpoint}/{quote(self.bucket)}/{key}"
        host = f"s3.{self.region}.amazonaws.com" if self.region else "s3.amazonaws.com"
        return f"https://{self.bucket}.{host}/{key}"

    def read(self, filename: str) -> bytes | None:
        """The image's bytes, or ``None`` when it is not in the bucket."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(filename))
            return bytes(answer["Body"].read())
        except _FAILURES as exc:
            if _status(exc) == 404 or _code(exc) == "NoSuchKey":
                return None
            raise _os_error("cannot read", self.key(filename), exc) from exc

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r}, prefix={self.prefix!r}, endpoint={self.endpoint!r})"


def _status(exc: Exception) -> int | None:
    """The HTTP status of a botocore ``ClientError``, or ``None`` for any other failure."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status is not None else None
    return None


def _code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def _os_error(action: str, key: str, exc: Exception) -> OSError:
    """The store's failure as the :class:`OSError` the service answers 503 for."""
    return OSError(f"S3 {action} {key}: {exc}")
