# Two commands do everything on a fresh machine with python3 and make:
#   make demo   set up, simulate a province, train and register, rank an explained vacancy
#   make test   set up (incl. headless Chromium for the browser tests) and run every test
# The demo's province, model store and audit log live in the mutasi home: $MUTASI_HOME, else
# the user's data directory (~/.local/share/mutasi); DEMO_DIR=path puts the province elsewhere.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DEMO_DIR ?=
EMPLOYEES ?= 5000
SEED ?= 7

.PHONY: setup demo test bench clean browser

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/mutasi demo $(if $(DEMO_DIR),--out $(DEMO_DIR)) --employees $(EMPLOYEES) --seed $(SEED)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium + chromium-driver for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mutasi .pytest_cache
