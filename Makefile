# xl_addin — everything a fresh Linux machine with python3 needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT := demo-output
NOW ?= 2026-11-22T12:00

# Linted: the whole package, the build script, the tests, benchmarks and workbook builders.
RUFF_PATHS := xl_addin setup.py tests benchmarks workbooks
MYPY_PATHS := xl_addin

.PHONY: install demo test lint bench bench-scaling clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m xl_addin.demo --out $(DEMO_OUT) --now $(NOW)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check $(RUFF_PATHS)
	$(BIN)/mypy $(MYPY_PATHS)

# issue 15's measuring stick (~5 minutes): the targets with PASS/FAIL, then the UDFs' column form.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/bench_udfs.py

# the same with 100,000 and 200,000 orders (the openpyxl side alone takes minutes there)
bench-scaling: $(STAMP)
	$(BIN)/python benchmarks/bench_run.py --scaling

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .hypothesis .mypy_cache .ruff_cache
