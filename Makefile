# Every target sets up (or refreshes) the local virtual environment itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/district.xlsx
PLAN := out/district-plan.xlsx

CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ray]'
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/rotation solve $(SAMPLE) -o $(PLAN) --force --time-limit 120

# Debian's Chromium (and a small CJK font, so the Chinese shows) renders the HTML report in a test;
# without root or apt that test is skipped.
$(CHROMIUM):
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	else echo "chromium not installed: the HTML render test will be skipped"; fi

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -q -n 2

lint: $(STAMP)
	$(BIN)/ruff check rotation solver reports tests benchmarks data
	$(BIN)/ruff format --check rotation solver reports tests benchmarks data
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
