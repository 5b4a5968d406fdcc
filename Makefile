# Two commands do all set-up on a fresh machine:
#   make run   - create .venv from the run lock and start the Dash app on the built-in data
#   make test  - create .venv from the test lock, provision Chromium, lint, run every test
# The locks (requirements/lock-*.txt, with hashes) pin every package, so a fresh machine gets
# exactly what CI tested. `make lock` refreshes them from pyproject.toml; `make test-latest`
# runs the suite on the newest versions pyproject.toml allows, to see upgrades on purpose.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
RUN_LOCK := requirements/lock-run.txt
TEST_LOCK := requirements/lock-test.txt
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
hash = $(shell $(PYTHON) -c "import hashlib,sys; print(hashlib.sha1(b''.join(open(f,'rb').read() for f in sys.argv[1:])).hexdigest()[:12])" $(1))
RUN_STAMP := $(VENV)/.run-$(call hash,pyproject.toml $(RUN_LOCK))
TEST_STAMP := $(VENV)/.test-$(call hash,pyproject.toml $(TEST_LOCK))
FAST := not browser and not wheel

.PHONY: run test test-fast test-latest lint lock bench clean

define install_lock
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'Python 3.11 or newer is needed (found %s)' % sys.version.split()[0])"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r $(1)
	$(PIP) install --no-deps --no-build-isolation -e .
endef

# The test lock is a superset of the run lock, so a test venv can run the app too.
$(RUN_STAMP):
	$(call install_lock,$(RUN_LOCK))
	@touch $@

$(TEST_STAMP):
	$(call install_lock,$(TEST_LOCK))
	@rm -f $(VENV)/.test-* && touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/python app.py $(ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(TEST_STAMP) lint
	bash .ci/ensure-chromium
	$(BIN)/python -m pytest --durations=15 $(PYTEST_ARGS)

# The inner loop: no browser, no Chromium, no wheel build.
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "$(FAST)" -q $(PYTEST_ARGS)

# The newest versions pyproject.toml allows, in a venv of their own (the lock is not used).
test-latest:
	@test -x .venv-latest/bin/python || $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip --disable-pip-version-check --quiet install --upgrade --upgrade-strategy eager -e '.[all,test]'
	.venv-latest/bin/python -m pip freeze --exclude-editable > .venv-latest/versions.txt
	bash .ci/ensure-chromium
	.venv-latest/bin/python -m pytest --durations=15 $(PYTEST_ARGS)

# Refresh both locks from pyproject.toml (the run lock is a subset of the test lock).
lock:
	@test -x .venv-lock/bin/uv || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/python -m pip --disable-pip-version-check --quiet install uv==$(UV_VERSION))
	.venv-lock/bin/uv pip compile pyproject.toml requirements/build.in --upgrade --universal --python-version 3.11 --generate-hashes --extra all --extra test -o $(TEST_LOCK)
	.venv-lock/bin/uv pip compile pyproject.toml requirements/build.in --universal --python-version 3.11 --generate-hashes --extra app --extra export --extra parquet -c $(TEST_LOCK) -o $(RUN_LOCK)

bench: $(TEST_STAMP)
	bash .ci/ensure-chromium
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .venv-latest .venv-lock build dist .pytest_cache
