# parkstats: every target creates the virtualenv from pyproject.toml first.
# Needs Python >= 3.11 and, unless PARKSTATS_DATABASE_URL / PARKSTATS_TEST_DATABASE_URL
# point at a server, the MariaDB or MySQL server binaries (mariadbd / mysqld).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help venv test migrate lint run serve bench clean

help:
	@echo "make run      set everything up and run the demo + API on http://127.0.0.1:5001"
	@echo "make test     run the test suite against a real server"
	@echo "make migrate  apply migrations and routines on PARKSTATS_DATABASE_URL"
	@echo "make serve    the API alone (gunicorn) on http://127.0.0.1:5001 for PARKSTATS_DATABASE_URL"
	@echo "make lint     ruff"
	@echo "make bench    the performance benchmark"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "parkstats needs Python >= 3.11 (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

run: $(STAMP)
	@$(PY) -m parkstats run $(RUN_ARGS)

migrate: $(STAMP)
	$(PY) -m parkstats migrate

# The API alone (gunicorn, port 5001) on PARKSTATS_DATABASE_URL, else (explicitly, for
# development) on the project's own running .localdb/ server; see docs/api.md.
serve: $(STAMP)
	@url="$${PARKSTATS_DATABASE_URL:-$$($(PY) -m parkstats localdb url)}" || exit 1; \
	PARKSTATS_DATABASE_URL="$$url" $(PY) -m gunicorn -c webapi/gunicorn_conf.py 'webapi:create_app()'

# The benchmark (docs/benchmarks.md): BENCH_DAYS of raw history (default 400, ~9 M rows,
# built once into the git-ignored .benchdb/ and reused), BENCH_ARGS for python -m bench.
BENCH_DAYS  ?= 400
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $@

bench: $(BENCH_STAMP)
	$(PY) -m bench --days $(BENCH_DAYS) $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
