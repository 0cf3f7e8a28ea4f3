# Almanac: `make run` serves the demo, `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core, pinned in package.json, for the accessibility tests (nothing from npm is served)
NODE_STAMP := node_modules/.installed
NPM ?= npm
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install migrate seed serve worker check-deploy schema bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Need $(PYTHON) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Without npm the accessibility tests skip, saying why; with npm a failed install fails.
$(NODE_STAMP): package.json package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
	  $(NPM) ci --ignore-scripts --no-audit --no-fund && touch $(NODE_STAMP); \
	else \
	  echo "npm not found: the axe-core accessibility tests will be skipped (install Node.js and npm to run them)"; \
	fi

install: $(STAMP) $(NODE_STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo ""
	@echo "  Almanac is starting on http://$(HOST):$(PORT)/"
	@echo "  Sign in as demo / demo"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2

worker: $(STAMP)
	$(BIN)/celery -A config worker --loglevel=info

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=almanac.example.com $(BIN)/python manage.py check --deploy --fail-level WARNING

schema: $(STAMP)
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* staticfiles
