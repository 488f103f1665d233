# Two commands matter: `make site` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test test-fast check serve pdf bench golden clean setup screenshots schema diff search-relevance

$(STAMP): requirements.txt scripts/system-deps.sh
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Front-end test tools (axe-core, the Nu Html Checker) from the npm registry. --ignore-scripts:
# vnu-jar's postinstall would download a Java runtime; we run the system's java directly.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json scripts/system-deps.sh
	bash scripts/system-deps.sh
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

setup: $(STAMP) $(NODE_STAMP)

site: setup ## build both languages (and PDFs) into site/
	$(PY) -m generator check --strict
	$(PY) -m generator build --strict

# The tests' scratch files (copies of knowledge bases, built sites: 80,000 files and 600 MB a run)
# go to memory where the machine has it (/dev/shm), one folder per checkout, emptied by the next
# run: on disk, writing and deleting them was 15 s of system time of the fast tests.
# A passing run removes its folder: it is memory, and each checkout (every CI clone, every worktree)
# has its own, 1.1 GB after a whole run. Left behind by a session's clean clones they filled
# /dev/shm (17 GB of 24), and Chromium then failed to start. A failing run keeps it, to look into.
TEST_TMP_DIR := $(if $(wildcard /dev/shm/.),/dev/shm/kb-tests-$(shell printf '%s' "$(CURDIR)" | cksum | cut -d' ' -f1))
TEST_TMP := $(if $(TEST_TMP_DIR),--basetemp=$(TEST_TMP_DIR))
KEEP_TMP_IF_FAILED := status=$$?; if [ $$status -eq 0 ] && [ -n "$(TEST_TMP_DIR)" ]; then rm -rf "$(TEST_TMP_DIR)"; elif [ -n "$(TEST_TMP_DIR)" ]; then echo "the tests' scratch files are kept in $(TEST_TMP_DIR)"; fi; exit $$status
# Python caches compiled modules unless told not to (some machines set PYTHONDONTWRITEBYTECODE):
# every pytest worker and every process a test starts imports the generator and the tests again,
# 2 s of each worker's collection without the cache.
unexport PYTHONDONTWRITEBYTECODE

# Two pytest-xdist workers per core: many tests wait (on a browser, a build process, the preview's
# watcher, the real site's build), and a second worker per core runs meanwhile. The whole suite on
# 2 cores: 2 workers 371 s, 3 workers 350 s, 4 workers 327 s, 6 workers 389 s (README, Tests).
# --dist loadgroup: a module's tests on one worker, the tests on the real site on any
# (tests/conftest.py). The real site is built once, in a process of its own, while the other tests
# run (tests/real_build.py).
TEST_WORKERS := $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) )))
test: setup ## the whole test suite, as CI runs it
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup $(TEST_TMP) tests; $(KEEP_TMP_IF_FAILED)

# The markers come from the fixtures a test uses (tests/conftest.py, SLOW_FIXTURES), and `tool`
# from the modules that run a tool end to end (the preview, make diff, make bench, the YAML server).
# One worker per core here: these tests hardly wait (1,399 tests on 2 cores: 54 s with 2 workers,
# 66 s with 4).
test-fast: setup ## unit, golden, validation and hostile tests: no real site, browser, PDF, tool run or site build but the hostile one
	$(PY) -m pytest -q -n auto --dist loadgroup $(TEST_TMP) tests -m "not site and not browser and not pdf and not tool and (not build or hostile)" --hypothesis-profile=fast; $(KEEP_TMP_IF_FAILED)

# BASE=ref (CI sets it on pull requests) adds the history rule: a finding changed since that commit
# without a new history entry is a warning, and --strict makes every warning fail.
check: setup ## validate all data; every problem as path:line:col: field: message (BASE=origin/main: also the history rule)
	$(PY) -m generator check --strict $${BASE:+--base "$$BASE"}

serve: setup ## live preview (LANG=en for English)
	$(PY) -m generator serve --lang $(or $(filter en,$(LANG)),nb)

schema: setup ## regenerate schemas/*.schema.json (editor completion) from the models and vocabularies
	$(PY) -m generator schema

pdf: setup ## only the PDF reports, into site/
	$(PY) -m generator check --strict
	$(PY) -m generator pdf

golden: setup ## regenerate the golden Markdown and print HTML of the test fixture
	$(PY) -m tests.golden

clean:
	rm -rf build site

# tests/relevance.yaml against the site in site/ (build it first with `make site`): every query's
# first results, then success@1 and success@3 per language, as tests/test_search_relevance.py measures them.
search-relevance: setup ## how often search puts the answer first (tests/relevance.yaml), on the built site/
	$(PY) -m tests.search_relevance site

screenshots: site ## README screenshots of the findings table and the matrix, both languages
	$(PY) scripts/screenshots.py

# Zensical (requirements-bench.txt) is installed here only: it is measured, never used to build.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $(BENCH_STAMP)

bench: site $(BENCH_STAMP) ## synthetic 1,000 and 10,000-study knowledge bases, measured per stage, beside MkDocs alone and Zensical -> bench-results.json
	$(PY) -m generator.tools.bench --sizes 1000,10000 --lighthouse site

diff: setup ## what a change does compared with BASE (default origin/main): entities field by field, pages affected (FORMAT=markdown)
	$(PY) -m generator.tools.diff --base "$${BASE:-origin/main}" --format "$${FORMAT:-text}"
