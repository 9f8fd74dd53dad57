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
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) $(ALLOW_ROOT) notebooks/00_why_concurrency.ipynb

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
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb tests/notebooks/*.ipynb

# The chroot first, by its script: it refuses to delete through a mount point.
clean:
	$(PYTHON) tests/python_chroot.py clean
	rm -rf $(VENV) .venv-3.* thumbnails bench-results test-artifacts .pytest_cache .ruff_cache *.egg-info .cache

# --- The Chinese edition (issue 14): fonts, message catalogues, JupyterLab in Chinese ---
.PHONY: fonts lab-zh translations translation-status lint-tools strip-zh

# A CJK font, so plots and pages in the Chinese edition show Chinese, not boxes, and an emoji
# font for the verdicts' ✅ and ❌ in the website's Chromium. Installed here when root on
# Debian/Ubuntu (as CI runs); otherwise `python -m helpers.fonts` says what to run.
fonts: $(STAMP)
	@{ $(BIN)/python -m helpers.fonts >/dev/null 2>&1 && \
	   { ! command -v fc-list >/dev/null || fc-list | grep -qi "color emoji"; }; } || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -q && apt-get install -y -q fonts-noto-cjk fonts-noto-color-emoji; \
		fi; }
	$(BIN)/python -m helpers.fonts
unit notebooks test-ui: fonts

# The Chinese edition with JupyterLab's own menus in Chinese. The language is only a default
# (tools/jupyterlab-zh-CN/overrides.json), so the learner's own settings are not touched and
# a language chosen in Settings > Language still wins.
ZH_START := $(firstword $(wildcard notebooks/zh-CN/00_*.ipynb) $(wildcard notebooks/zh-CN) notebooks)
lab-zh: $(STAMP)
	-@$(BIN)/python -m helpers.fonts
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) $(ALLOW_ROOT) \
		--LabApp.app_settings_dir=$(CURDIR)/tools/jupyterlab-zh-CN $(ZH_START)

# After changing any message in helpers/ or a tr() in a notebook: extract, update the
# Chinese .po (translations kept, changed ones marked fuzzy), compile the .mo.
translations: $(STAMP)
	$(BIN)/python -m tools.translations update

# What is left to translate: messages, and Chinese notebook cells that are new or stale.
translation-status: $(STAMP)
	$(BIN)/python -m tools.translations status

lint: lint-tools
lint-tools: $(STAMP)
	$(BIN)/ruff check tools

strip: strip-zh
strip-zh: $(STAMP)
	$(if $(wildcard notebooks/zh-CN/*.ipynb),$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/zh-CN/*.ipynb,@true)

# ---- The course website (issue 15) ------------------------------------------------------
#   make site         build site/_build/html: every lesson executed (cached), both editions
#                     (Chromium takes the stills of widgets that draw no figure)
#   make test-site    serve it on 127.0.0.1 and check every page in Chromium (see tests_site/)
# make site LESSONS="00 02" builds only those lessons (quicker while writing). The Binder and
# source links point to the GitHub "origin", or SITE_REPOSITORY=owner/name.
SITE_STAMP := $(VENV)/.site-installed

.PHONY: site test-site clean-site

$(SITE_STAMP): $(STAMP) requirements-site.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-site.txt
	touch $@

site: $(SITE_STAMP) fonts chromium
	cd site && ../$(BIN)/python -m coursesite.build $(if $(LESSONS),--lessons "$(LESSONS)",)

test-site: $(SITE_STAMP) chromium fonts
	$(BIN)/ruff check site tests_site
	PYTHONPATH=site $(BIN)/python -m coursesite.offline $(BIN)/python -m pytest -p no:cacheprovider tests_site

clean: clean-site
clean-site:
	rm -rf site/_build

