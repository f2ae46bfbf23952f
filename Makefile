# Two commands: `make portraits` (set up, then build the site from the bundled demo inputs)
# and `make test` (set up, then run the tests). Both are fast once set up.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
STAMP := $(VENV)/.installed
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib
export UV_CACHE_DIR := $(CURDIR)/.cache/uv

.PHONY: portraits test setup system-deps clean demo-data bench bench-national

portraits: setup
	$(VENV)/bin/portraits build $(ARGS)

test: setup
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# Time a full refresh from a cold cache by stage, then a second run (benchmarks/run.py);
# results in output/bench/. E.g. make bench ARGS="--limit 3 --no-prefect"
bench: setup
	$(VENV)/bin/python -m benchmarks.run --mobpro-rows 8000000 $(ARGS)

# National scale (benchmarks/national.py): one portrait per EPCI of France, region by region
# (about 1,280 portraits, well over an hour on 2 cores). E.g. make bench-national ARGS="--regions 52,53"
bench-national: setup
	$(VENV)/bin/python -m benchmarks.national $(ARGS)

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

# The virtual environment, installed from the lock file (uv.lock): same versions on every machine.
# uv itself (pinned) lives in its own small venv under .cache, so `uv sync` can manage .venv freely.
UV := .cache/uv-tool/bin/uv
$(UV):
	$(PYTHON) -m venv .cache/uv-tool
	.cache/uv-tool/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	# Compiled bytecode: without it every process (and Prefect's server) recompiles what it imports.
	UV_PROJECT_ENVIRONMENT=$(VENV) UV_COMPILE_BYTECODE=1 $(UV) sync --frozen --extra dev --extra dask --python $(PYTHON) --quiet
	touch $(STAMP)

# Regenerate the bundled demo inputs (deterministic: a test checks they are up to date).
demo-data: setup
	$(VENV)/bin/portraits demo

clean:
	rm -rf output .prefect .cache
