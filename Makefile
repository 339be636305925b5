# KAM — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/kam
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run serve test test-sqlite test-postgres test-browser checks lint format bench vendor messages compilemessages demo clean

$(BIN)/kam: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/kam

setup: $(BIN)/kam compilemessages ## create .venv and install KAM with its dev tools

compilemessages: $(BIN)/kam
	$(BIN)/kam compilemessages -v0 --locale zh_Hans --ignore ".venv/*" --ignore "var/*"

run: setup ## migrate the SQLite DB, load the demo on first run, serve on http://127.0.0.1:$(PORT)
	$(BIN)/kam migrate --noinput -v0
	@if [ ! -f var/.demo-loaded ]; then $(BIN)/kam demo && touch var/.demo-loaded; \
	else $(BIN)/kam demo | tail -n +2; fi
	@echo "KAM is at http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@trap 'kill 0' EXIT; $(BIN)/kam db_worker --no-startup-delay -v0 & $(BIN)/kam runserver 127.0.0.1:$(PORT)

demo: setup
	$(BIN)/kam migrate --noinput -v0 && $(BIN)/kam demo

test: setup checks test-sqlite test-postgres test-browser ## the whole suite: checks, SQLite, PostgreSQL, browser

checks: setup ## static checks: lint, migrations, deploy settings, translations
	$(BIN)/ruff check .
	DATABASE_URL=sqlite:///$(CURDIR)/var/check.sqlite3 $(BIN)/kam makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-$$(date +%s)-a-long-random-enough-secret-key-for-check \
	  ALLOWED_HOSTS=kam.example.com $(BIN)/kam check --deploy --fail-level WARNING
	$(BIN)/python scripts/check_translations.py locale/zh_Hans/LC_MESSAGES/django.po

test-sqlite: setup
	$(BIN)/pytest -m "not browser"

test-postgres: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser"

test-browser: setup
	$(BIN)/pytest -m browser

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: setup ## JSON figures of speed (see docs/benchmarks.md)
	$(BIN)/kam bench

messages: setup ## refresh locale/zh_Hans/LC_MESSAGES/django.po from the code
	$(BIN)/kam makemessages --locale zh_Hans --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --no-obsolete --add-location file

vendor: ## refresh kam/static/vendor from the npm registry (needs npm; the app does not)
	./scripts/vendor.sh

clean:
	rm -rf var/*.sqlite3* var/static var/.demo-loaded
