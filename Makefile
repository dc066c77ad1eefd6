# The set-up commands of the README. Each works from a fresh clone with only Python (>= 3.11)
# and pip: they create .venv and install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install snapshots wheel-smoke test-spark test-dask bench-coldstart

$(BIN)/frist: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/frist

install: $(BIN)/frist

demo: install
	$(BIN)/frist validate policies
	$(BIN)/frist decide examples/consumer-inkassovarsel.yaml --no-trace
	$(BIN)/frist explain examples/consumer-inkassovarsel.yaml

# The suite on every core (pytest-xdist, one worker per core; worksteal evens out the long tests).
test: install
	$(BIN)/frist lock --check
	$(BIN)/python -m pytest -q -n auto --dist worksteal

# After an intended change (a new law version, an edited ladder): rewrite the snapshots,
# list which decisions changed, and show what to review before committing.
snapshots: install
	$(BIN)/python -m pytest --snapshot-update -p no:cacheprovider
	git --no-pager diff --stat -- tests/__snapshots__

# Build the wheel, install it in a fresh venv, run validate/decide/explain/batch from a
# temporary folder outside the checkout (.ci/wheel-smoke).
wheel-smoke:
	PY=$(PY) .ci/wheel-smoke

# The Spark test on Spark local mode: needs a Java runtime (17 or 21) on the PATH, e.g.
# `apt-get install openjdk-17-jre-headless`; installs the spark extra (pyspark, pandas).
test-spark: install
	$(BIN)/pip install --quiet -e '.[test,spark]'
	FRIST_TEST_SPARK=1 $(BIN)/python -m pytest tests/test_spark.py

# decide_batch on a dask.distributed LocalCluster (installs the dask extra).
test-dask: install
	$(BIN)/pip install --quiet -e '.[test,dask]'
	$(BIN)/python -m pytest tests/test_batch_dask.py

# Cold start of the CLI: whole-process CPU time, median of 7, beside `python -c pass`.
bench-coldstart: install
	$(BIN)/python bench/coldstart.py --n 7
