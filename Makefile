# Two commands do everything on a fresh machine:
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv and run every test (lint, unit tests, every notebook
#               under the fork, spawn and forkserver start methods)
# Others: make bench (benchmarks; not tests), make strip (clear notebook outputs),
#         make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
START_METHODS ?= fork spawn forkserver
# Root may run JupyterLab only when it says so (CI and containers run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: install lab test lint unit notebooks bench strip clean

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
	$(BIN)/ruff check helpers tests bench notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest tests

notebooks: $(STAMP)
	@for method in $(START_METHODS); do \
		$(BIN)/python tests/run_notebooks.py $$method || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python bench/bench_course.py

strip: $(STAMP)
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

clean:
	rm -rf $(VENV) thumbnails bench-results .pytest_cache .ruff_cache *.egg-info
