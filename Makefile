# Two entry points, each setting itself up from nothing:
#   make demo   build, check and export the example campaign
#   make test   run every test (installs Debian's chromium for the browser tests if missing)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CAMPAIGN := campaigns/relational-therapy

.PHONY: demo test bench chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

demo: $(STAMP)
	$(BIN)/dripcraft build $(CAMPAIGN)
	$(BIN)/dripcraft check $(CAMPAIGN)
	$(BIN)/dripcraft export $(CAMPAIGN) --to all
	@echo
	@echo "Emails:  $(CAMPAIGN)/dist/  (open the .html files, or run: $(BIN)/dripcraft preview $(CAMPAIGN))"
	@echo "Exports: $(CAMPAIGN)/exports/<platform>/"

test: $(STAMP) chromium
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(CAMPAIGN)/dist $(CAMPAIGN)/exports
