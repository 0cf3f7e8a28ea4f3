# Almanac: `make run` serves the demo, `make test` runs the suite.
# Installs come from the lock files requirements/runtime.txt (make run, make serve) and
# requirements/dev.txt (make test: adds the test toolchain, and axe-core from package-lock.json
# when npm is present); `make lock` refreshes both from pyproject.toml. A changed lock file
# reinstalls on the next make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
# axe-core, pinned in package.json, for the accessibility tests (nothing from npm is served)
NODE_STAMP := node_modules/.installed
NPM ?= npm
PRODUCTION := DJANGO_SETTINGS_MODULE=config.settings.production
# The broker of `make run` and `make seed` (no server needed); `make run RUN_BROKER=redis://...`
RUN_BROKER ?= filesystem://
COMPILE := $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: run test lint install install-dev migrate seed serve worker beat admin check-deploy schema lock bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Need $(PYTHON) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): requirements/runtime.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/runtime.txt
	touch $@

# The Python client (client/, its own package) is installed editable: the tests drive it
# against a live server.
$(DEV): requirements/dev.txt client/pyproject.toml $(RUNTIME)
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e ./client
	touch $@

# Without npm the accessibility tests skip, saying why; with npm a failed install fails.
$(NODE_STAMP): package.json package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
	  $(NPM) ci --ignore-scripts --no-audit --no-fund && touch $(NODE_STAMP); \
	else \
	  echo "npm not found: the axe-core accessibility tests will be skipped (install Node.js and npm to run them)"; \
	fi

install: $(RUNTIME)

install-dev: $(DEV) $(NODE_STAMP)

migrate: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput

# The demo's background work (notifications, their emails) is queued for the worker of `make run`.
seed: migrate
	CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$(RUN_BROKER)}" $(BIN)/python manage.py seed_demo

# The demo with its background work: a Celery worker with an embedded beat on the filesystem
# transport (queue files under .celery/, no server), stopped with runserver.
run: seed
	@mkdir -p .celery
	@echo ""
	@echo "  Almanac is starting on http://$(HOST):$(PORT)/"
	@echo "  Sign in as demo / demo"
	@echo "  Background work: a Celery worker with beat, broker $(RUN_BROKER) (log in .celery/worker.log)"
	@echo ""
	@export CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$(RUN_BROKER)}"; \
	$(BIN)/celery -A config worker --beat --schedule .celery/beat-schedule --concurrency 1 \
	  --loglevel=INFO >.celery/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production settings: needs SECRET_KEY and ALLOWED_HOSTS (see the README's production section).
serve: $(RUNTIME)
	$(PRODUCTION) $(BIN)/python manage.py migrate --noinput
	$(PRODUCTION) $(BIN)/python manage.py collectstatic --noinput
	$(PRODUCTION) HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c config/gunicorn.py config.wsgi

worker: $(RUNTIME)
	$(BIN)/celery -A config worker --loglevel=info

beat: $(RUNTIME)
	$(BIN)/celery -A config beat --loglevel=info

# The first administrator (staff and superuser): asks for a name, an email and a password.
admin: $(RUNTIME)
	$(BIN)/python manage.py createsuperuser

test: $(DEV) $(NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV)
	$(BIN)/ruff check .

check-deploy: $(RUNTIME)
	$(PRODUCTION) SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=almanac.example.com $(BIN)/python manage.py check --deploy --fail-level WARNING

schema: $(RUNTIME)
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

# Refresh the lock files from pyproject.toml, keeping the pins that still fit; commit both.
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release its range allows.
lock: $(DEV)
	$(COMPILE) $(LOCK_ARGS) --output-file requirements/runtime.txt pyproject.toml
	$(COMPILE) $(LOCK_ARGS) --extra dev --constraint requirements/runtime.txt \
	  --output-file requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* staticfiles .celery
