# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make test's pytest workers (pytest-xdist): one per core; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
# Settings read it: in development SITE_URL (feeds, sitemaps, JSON-LD) follows the port served.
export PORT

.PHONY: run test install lock format bench bench-archive drill serve-cached

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	touch $@

install: $(BIN)/.installed

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo
	@echo "  Finextra is at     http://127.0.0.1:$(PORT)/"
	@echo "  The newsroom desk: http://127.0.0.1:$(PORT)/admin/"
	@echo "  Sign in as writer, editor, publisher, commercial or moderator with the password above."
	@echo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS)

# Production's shape on loopback (deploy/): two gunicorn app servers behind nginx and Varnish.
# Needs Debian's varnish, varnish-modules and nginx.
serve-cached: install
	$(BIN)/python deploy/serve_cached.py

# The article, home and channel pages against a bare Django view under gunicorn, then through
# Varnish and beside nginx serving the same HTML (benchmarks/README.md).
bench: install
	$(BIN)/python benchmarks/article_page.py

# The public pages and the desk at 1,000 and at 100,000 articles with a million comments
# (PostgreSQL only: set DATABASE_URL; see benchmarks/README.md, "Archive scale").
bench-archive: install
	$(BIN)/python benchmarks/archive.py

# The fault drill: its own PostgreSQL and Redis, stopped, paused and restarted under load, and a
# full media folder (run as root; see benchmarks/drill.py and the README's figures).
drill: install
	$(BIN)/python benchmarks/drill.py

# Re-pin every dependency from pyproject.toml (needs network access to PyPI).
lock: install
	$(BIN)/python -m pip install --quiet --upgrade "pip-tools>=7.4"
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev --output-file requirements.lock pyproject.toml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
