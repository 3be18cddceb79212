# klaspoort — developer entry points. Only Python 3.11+ is needed for `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint types pytest bench-import bench-edexml bench-saml bench-sso bench-pupil bench-portal bench-login bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python -m klaspoort.demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/pytest $(PYTEST_ARGS)

test: lint types pytest

bench-import: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/import_bench.py

bench-edexml: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/edexml_bench.py

bench-saml: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/saml_bench.py

bench-sso: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/sso_bench.py

bench-pupil: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/pupil_login_bench.py

bench-portal: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/portal_bench.py

bench-login: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/login_bench.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
