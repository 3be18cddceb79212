# klaspoort — developer entry points. Only Python 3.11+ is needed for `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
LOCK := requirements.lock

.PHONY: demo test lint types pytest messages check-messages compile-messages lock upgrade-deps bench-import bench-edexml bench-saml bench-sso bench-pupil bench-portal bench-login bench-insert bench-register bench-help bench clean

# Dependencies: requirements.lock pins every package (runtime and the dev extras) to an exact version
# with its hashes, and every install comes from it: `make`, `make demo`, `make test`, .ci/run.
#   add or change a dependency:  edit pyproject.toml, then `make lock` (keeps every other pin), commit
#                                both files; the next `make` installs it
#   refresh every pin:           `make upgrade-deps` (prints what changed), then `make test`
#   the lock conflicts in a rebase: take origin/main's requirements.lock, then `make lock` again
# The lock is written by uv (`uv pip compile --universal --generate-hashes`, itself pinned in the lock),
# resolved for every platform and every Python >= 3.11.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --generate-hashes --extra dev \
	--custom-compile-command "make lock" --output-file $(LOCK) pyproject.toml

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python tools/lock.py check
	KLASPOORT_DEV=1 $(BIN)/klaspoort compilemessages --all
	touch $(STAMP)

# uv alone, from its pin in the lock: `make lock` must work while the lock lags behind pyproject.toml.
$(BIN)/uv: $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PYTHON) tools/lock.py only uv > $(VENV)/uv-requirement.txt
	$(BIN)/pip install --quiet --require-hashes -r $(VENV)/uv-requirement.txt
	touch $(BIN)/uv

lock: $(BIN)/uv
	cp $(LOCK) $(VENV)/previous.lock
	$(UV_COMPILE)
	@echo "Changed in $(LOCK):"
	@$(PYTHON) tools/lock.py diff $(VENV)/previous.lock $(LOCK)
	@$(PYTHON) tools/lock.py check && echo "$(LOCK) is up to date with pyproject.toml"

upgrade-deps: $(BIN)/uv
	cp $(LOCK) $(VENV)/previous.lock
	$(UV_COMPILE) --upgrade
	@echo "Changed in $(LOCK):"
	@$(PYTHON) tools/lock.py diff $(VENV)/previous.lock $(LOCK)
	$(MAKE) $(STAMP)
	@echo "Now run \`make test\` and commit $(LOCK) if it passes."

# Translations (docs/style.md): extract every app's marked texts into its catalogue (needs GNU
# gettext), compile the catalogues (Python only; .mo files are not committed), check them as CI does.
messages: $(STAMP)
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	KLASPOORT_DEV=1 $(BIN)/klaspoort makemessages
	KLASPOORT_DEV=1 $(BIN)/klaspoort compilemessages

compile-messages: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/klaspoort compilemessages

check-messages: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/klaspoort check_messages

# make demo PORT=8800 OIDC_PORT=8901 SAML_PORT=8902 LAS_PORT=8903 (the platform, the two demo
# publishers and the demo LAS)
PORT ?= 8000
OIDC_PORT ?= 8101
SAML_PORT ?= 8102
LAS_PORT ?= 8201
demo: $(STAMP)
	@KLASPOORT_DEV=1 $(BIN)/python -m klaspoort.demo --port $(PORT) --oidc-port $(OIDC_PORT) --saml-port $(SAML_PORT) --las-port $(LAS_PORT)

# lint: style, the layering contracts between the apps ([tool.importlinter] in pyproject.toml) and
# no model change without its migration.
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples tools
	$(BIN)/ruff format --check src tests benchmarks examples tools
	$(MAKE) --no-print-directory check-messages
	$(BIN)/lint-imports --no-cache
	KLASPOORT_DEV=1 $(BIN)/klaspoort makemigrations --check --dry-run

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) compile-messages
	KLASPOORT_DEV=1 $(BIN)/pytest $(PYTEST_ARGS)

test: lint types pytest

bench-import: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/import_bench.py

bench-edexml: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/edexml_bench.py

bench-saml: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/side_by_side.py saml

bench-sso: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/side_by_side.py sso

bench-pupil: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/side_by_side.py pupil

bench-portal: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/portal_bench.py

bench-sync: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/sync_bench.py

bench-login: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/side_by_side.py login

bench-insert: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/insert_bench.py

bench-help: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/help_search_bench.py

bench-register: $(STAMP)
	KLASPOORT_DEV=1 $(BIN)/python benchmarks/register_bench.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
