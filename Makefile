# The two commands of the README: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The watch page's browser tests use the distribution's Chromium: installed here when missing
# and apt-get can run (as root, or through password-less sudo); otherwise those tests skip and
# say why.
CHROMIUM ?= /usr/bin/chromium

browser:
	@if [ ! -x $(CHROMIUM) ] && command -v apt-get >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "make: no $(CHROMIUM) and no root to install it; the browser tests will skip"; exit 0; fi; \
	  echo "make: installing Debian's chromium for the browser tests"; \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 \
	    || { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q chromium >/dev/null 2>&1; } \
	    || echo "make: could not install chromium; the browser tests will skip"; \
	fi

demo: $(STAMP)
	$(BIN)/python -m aqfake demo

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n auto --dist loadgroup -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks --plot benchmarks/scale.svg

clean:
	rm -rf $(VENV) .pydent-venv
