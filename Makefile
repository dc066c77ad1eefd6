# The set-up commands of the README. Each works from a fresh clone with only Python (>= 3.11)
# and pip: they create .venv and install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install snapshots wheel-smoke test-spark test-dask bench-coldstart test-postgres bench-serve

$(BIN)/frin: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/frin

install: $(BIN)/frin

demo: install
	$(BIN)/frin validate policies
	$(BIN)/frin decide examples/consumer-inkassovarsel.yaml --no-trace
	$(BIN)/frin explain examples/consumer-inkassovarsel.yaml

# Lint and type check (ruff, mypy; configured in pyproject.toml), then the suite on every core
# (pytest-xdist, one worker per core; worksteal evens out the long tests).
# `validate --prove` runs beside it (it fills the cores the suite's tail leaves idle); its output
# is printed after the suite's, and either failing fails the target.
lint: install
	$(BIN)/ruff check engine cli.py
	$(BIN)/mypy

test: install lint
	$(BIN)/frin lock --check
	@proved=$$(mktemp); $(BIN)/frin validate --prove policies >"$$proved" 2>&1 & prover=$$!; \
	$(BIN)/python -m pytest -q -n auto --dist worksteal; suite=$$?; \
	wait $$prover; prove=$$?; echo "$(BIN)/frin validate --prove policies"; cat "$$proved"; rm -f "$$proved"; \
	test $$suite -eq 0 && test $$prove -eq 0

# After an intended change (a new law version, an edited ladder): rewrite the snapshots,
# list which decisions changed, and show what to review before committing. Only the tests
# that compare with a snapshot run (marked from their `snapshot` fixture in tests/conftest.py).
# docs/law-enforces.md is generated from the catalog too (tests/review/test_law_page.py).
snapshots: install
	$(BIN)/python -m pytest tests -m snapshot --snapshot-update -p no:cacheprovider
	$(BIN)/python -m engine.review.law_page
	git --no-pager diff --stat -- 'tests/*/__snapshots__' docs/law-enforces.md

# Build the wheel, install it in a fresh venv, run validate/decide/explain/batch from a
# temporary folder outside the checkout (.ci/wheel-smoke).
wheel-smoke:
	PY=$(PY) .ci/wheel-smoke

# The Spark test on a Spark local-cluster (2 executor JVMs): needs a Java runtime (17 or 21) on
# the PATH, e.g. `apt-get install openjdk-17-jre-headless`; installs the spark extra (pyspark,
# pandas). Asked for this way, the test fails (not skips) without Java or the extra.
test-spark: install
	$(BIN)/pip install --quiet -e '.[test,spark]'
	FRIST_TEST_SPARK=1 $(BIN)/python -m pytest -v -p no:cacheprovider tests/batch/test_spark.py

# decide_dask on a dask.distributed LocalCluster of process workers (installs the dask extra).
test-dask: install
	$(BIN)/pip install --quiet -e '.[test,dask]'
	FRIST_TEST_DASK=1 $(BIN)/python -m pytest -v -p no:cacheprovider tests/batch/test_batch_dask.py

# Cold start of the CLI: whole-process CPU time, median of 7, beside `python -c pass`.
bench-coldstart: install
	$(BIN)/python bench/coldstart.py --n 7

# The decision log on PostgreSQL: a throw-away server from the OS packages (.ci/with-postgres).
test-postgres: install
	.ci/with-postgres $(BIN)/python -m pytest tests/audit/test_serve_postgres.py

# frin serve under 32 clients on loopback, 10 s (bench/serve.md).
bench-serve: install
	$(BIN)/python bench/serve.py --seconds 10
