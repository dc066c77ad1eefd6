# The two set-up commands of the README. Both work from a fresh clone with only
# Python (>= 3.11) and pip: they create .venv and install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install snapshots

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

test: install
	$(BIN)/frist lock --check
	$(BIN)/python -m pytest

# After an intended change (a new law version, an edited ladder): rewrite the snapshots,
# list which decisions changed, and show what to review before committing.
snapshots: install
	$(BIN)/python -m pytest --snapshot-update -p no:cacheprovider
	git --no-pager diff --stat -- tests/__snapshots__
