# Two commands do everything on a fresh machine:
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv and run every test (lint, unit tests, every notebook
#               under the fork, spawn and forkserver start methods)
# Others: make test-ui (every lesson in JupyterLab in a real browser),
#         make test-matrix (unit tests and notebooks on Python 3.11, 3.12, 3.13, 3.14 and 3.15;
#                           3.14/3.15 come from a Debian chroot, see tests/python_chroot.py),
#         make python-chroot (build that chroot alone), make check-wheels (every pin has wheels
#         for cp311-cp315 and cp314t/cp315t on Linux, macOS and Windows), make bench (benchmarks; not tests),
#         make strip (clear notebook outputs), make clean (also removes the chroot).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
START_METHODS ?= fork spawn forkserver
# make test-matrix MATRIX="3.14 3.15" picks versions; MATRIX_FLAGS=--require-all fails on a missing one.
MATRIX ?=
MATRIX_FLAGS ?=
# Root may run JupyterLab only when it says so (CI and containers run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: install lab test lint unit notebooks test-ui chromium test-matrix python-chroot check-wheels bench strip clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v else "Python 3.11 or newer is needed, found %d.%d: set PYTHON=python3.X" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) notebooks/00_why_concurrency.ipynb

test: lint unit notebooks

lint: $(STAMP)
	$(BIN)/ruff check helpers tests tests_ui bench notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest tests

notebooks: $(STAMP)
	@for method in $(START_METHODS); do \
		$(BIN)/python tests/run_notebooks.py $$method || exit 1; \
	done

test-ui: $(STAMP) chromium
	$(BIN)/python -m pytest -p no:cacheprovider tests_ui

# Debian's Chromium: Playwright drives it; its own browser download cannot work offline.
chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
		else echo "Chromium is missing: run  sudo apt-get install -y chromium"; exit 1; fi; }

test-matrix: $(STAMP)
	$(BIN)/python tests/run_matrix.py $(MATRIX_FLAGS) $(MATRIX)

python-chroot:
	$(PYTHON) tests/python_chroot.py build

check-wheels:
	$(PYTHON) tests/check_wheels.py --os all

bench: $(STAMP)
	$(BIN)/python bench/bench_course.py

strip: $(STAMP)
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

# The chroot first, by its script: it refuses to delete through a mount point.
clean:
	$(PYTHON) tests/python_chroot.py clean
	rm -rf $(VENV) .venv-3.* thumbnails bench-results test-artifacts .pytest_cache .ruff_cache *.egg-info .cache
