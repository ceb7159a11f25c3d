# Two commands set up everything on a fresh machine:
#   make run    create .venv, install svgog, serve the demo on http://127.0.0.1:5000
#   make test   create .venv, install svgog with its test extras, run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo needs svgog and gunicorn (serve-prod) only; the tests add pytest,
# playwright and the rest of the test extras, in a stamp of their own.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run serve-prod test sysdeps fonts browser nginx redis clean

# The development server signs image URLs with a random key per start (unless
# SECRET_KEY is set) and shows the template gallery at /og/.
run: sysdeps fonts $(STAMP)
	@if [ -z "$$SECRET_KEY" ]; then echo "make run: signing image URLs with a random SECRET_KEY for this run"; fi
	SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))')}" \
	  SVGOG_GALLERY="$${SVGOG_GALLERY:-1}" $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# Production serving: gunicorn with gunicorn.conf.py (2 workers on 2 cores) on 127.0.0.1:8000.
# Needs SECRET_KEY (the same on every start); TRUSTED_HOSTS names the site's hosts (see app.py).
serve-prod: sysdeps $(STAMP)
	$(BIN)/gunicorn -c gunicorn.conf.py 'app:create_app()'

# Two test processes, a test file each at a time: much of the suite waits on Chromium, servers
# and subprocesses, and each file's servers and browser are started once.
test: sysdeps fonts browser nginx redis $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# CairoSVG needs the cairo C library. Installed from Debian's packages when
# missing (as root); otherwise the command to run is printed. Loading it as
# cairocffi does works for any user (ldconfig is in /usr/sbin, which is not
# on a normal user's PATH).
HAS_CAIRO := $(PYTHON) -c "import ctypes; ctypes.CDLL('libcairo.so.2')"
sysdeps:
	@if ! $(HAS_CAIRO) 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libcairo2; \
	  else \
	    echo "svgog needs the cairo library: sudo apt-get install --no-install-recommends libcairo2" >&2; exit 1; \
	  fi; \
	fi

# System fonts svgog finds through fontconfig: fc-list, Noto CJK so that
# Chinese, Japanese and Korean titles render with no configuration, Noto's
# other scripts (Thai, Bengali, Tamil...), and DejaVu (the system font tests
# choose among its faces).
fonts:
	@if ! command -v fc-list >/dev/null || [ ! -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] \
	    || [ ! -e /usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf ] \
	    || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fontconfig fonts-noto-cjk fonts-noto-core fonts-dejavu-core fonts-dejavu-extra; \
	  else \
	    echo "svgog finds system fonts with fontconfig: sudo apt-get install --no-install-recommends fontconfig fonts-noto-cjk fonts-noto-core fonts-dejavu-core fonts-dejavu-extra" >&2; \
	  fi; \
	fi

# The gallery's tests drive Debian's Chromium (headless).
browser:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else \
	    echo "the browser tests need Chromium: sudo apt-get install --no-install-recommends chromium" >&2; exit 1; \
	  fi; \
	fi

# tests/test_front_proxy.py runs Debian's nginx in front of gunicorn, over TLS
# with a certificate that openssl makes for the test.
nginx:
	@if [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx openssl; \
	  else \
	    echo "the front-proxy test needs nginx: sudo apt-get install --no-install-recommends nginx openssl" >&2; exit 1; \
	  fi; \
	fi

# tests/test_redis.py runs Debian's redis-server on loopback: the cache nodes share.
redis:
	@if [ ! -x /usr/bin/redis-server ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; \
	  else \
	    echo "the fleet tests need redis-server: sudo apt-get install --no-install-recommends redis-server" >&2; exit 1; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serve]'
	touch $@

$(TEST_STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info tests/output
