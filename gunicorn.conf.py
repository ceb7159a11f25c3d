"""gunicorn settings for serving svgog's demo app in production: ``make serve-prod``.

    gunicorn -c gunicorn.conf.py 'app:create_app()'

Every value can be overridden from the environment (e.g. ``WEB_CONCURRENCY=4``).
The app itself reads ``SECRET_KEY`` (required: it refuses to start without
one), ``TRUSTED_HOSTS`` and ``SVGOG_BASE_URL`` from the environment; see ``app.py``.
"""

import os

bind = os.environ.get("SVGOG_BIND", "127.0.0.1:8000")
# Rendering is CPU-bound: one worker process per core, a few threads each for
# requests that wait on the cache, the network or a render slot.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "gthread"
threads = int(os.environ.get("SVGOG_THREADS", 4))
# Load templates and fonts once, before forking: workers share those pages.
preload_app = True
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so no slow leak in a dependency can grow forever.
max_requests = 5000
max_requests_jitter = 500
# Hostile input: gunicorn refuses oversized request lines (414) and headers (431) itself.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = os.environ.get("SVGOG_ACCESS_LOG", "-")
