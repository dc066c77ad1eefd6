"""The wheel's package list (pyproject.toml) covers every package folder of engine/, the
installed layout keeps schemas and policies beside engine/ as in the checkout, and the names
the project is published under are ours (issue 20: `frist` on the package index is another
project's, with an import package and a command of that name)."""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from engine.core.names import COMMAND, DISTRIBUTION, IMPORT_PACKAGE

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_engine_package_is_in_the_wheel():
    config = PYPROJECT["tool"]["setuptools"]
    assert config["package-dir"] == {IMPORT_PACKAGE: "."}
    found = {f"{IMPORT_PACKAGE}." + ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "engine").rglob("__init__.py")}
    assert found == set(config["packages"]) - {IMPORT_PACKAGE}


def test_package_data_globs_find_the_files_the_engine_reads():
    config = PYPROJECT["tool"]["setuptools"]["package-data"]
    shipped = {p for glob in config[IMPORT_PACKAGE] for p in ROOT.glob(glob)}
    assert set((ROOT / "schemas").glob("*.json")) <= shipped
    assert set((ROOT / "policies").rglob("*.yaml")) <= shipped
    assert set((ROOT / "tests" / "cases").rglob("*.yaml")) <= shipped       # `frin init` copies them
    assert set((ROOT / "examples").glob("*.yaml")) <= shipped
    assert config[f"{IMPORT_PACKAGE}.engine.lang"] == ["grammar.lark"]


def test_the_engine_reads_its_files_relative_to_the_package():
    from engine.policy.catalog_source import BUNDLED
    from engine.core.schema_check import SCHEMA_DIR
    assert BUNDLED == ROOT / "policies" and SCHEMA_DIR == ROOT / "schemas"


def test_console_script_points_into_the_package():
    scripts = PYPROJECT["project"]["scripts"]
    assert scripts == {COMMAND: f"{IMPORT_PACKAGE}.engine.cli:main"}
    # The target must be a function, not a module: an environment installed before a move
    # keeps calling the old target (a stale `.venv/bin/frin` called the module `cli.main`).
    import importlib
    module, _, attr = scripts[COMMAND].removeprefix(f"{IMPORT_PACKAGE}.").partition(":")
    target = getattr(importlib.import_module(module), attr)
    assert callable(target) and not isinstance(target, type(importlib))


def test_the_published_names_are_ours_and_used_everywhere():
    """One distribution, one import package, one command, none of them the other project's."""
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION == "frist-inkasso"
    assert "frist" not in (DISTRIBUTION, IMPORT_PACKAGE, COMMAND)
    assert IMPORT_PACKAGE == DISTRIBUTION.replace("-", "_")
    # Extras that need another extra name this distribution, not `frist-inkasso[...]`.
    for extra, requirements in project["optional-dependencies"].items():
        for requirement in requirements:
            name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)
            assert name.lower().replace("_", "-") != "frist", f"extra {extra} requires {requirement}"
    assert (ROOT / "Makefile").read_text().count(f"$(BIN)/{COMMAND}") >= 3


# What a reader would copy: an install line or a command of the old name.
_OLD = re.compile(r"pip install (-U )?['\"]?frist(?![-_\w])|(?<![\w/.-])frist (validate|decide|explain|timeline|diff|"
                  r"graph|lock|new-version|test|batch|init|fmt)\b|bin/frist\b|\bfrist\.engine\b")
_OLD_IMPORT = re.compile(r"^\s*import (engine|frist)\b")     # in a document: the wheel has neither


def test_no_document_hint_or_script_names_the_other_project():
    tracked = subprocess.run(["git", "ls-files", "*.md", "*.py", ".ci/*", "Makefile", ".pre-commit-hooks.yaml",
                              "policies/locales/*", "*.ambr"],
                             cwd=ROOT, capture_output=True, text=True, check=False).stdout.split()
    if not tracked:     # not a git checkout (an sdist): the files on disk
        tracked = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.suffix in (".md", ".py", ".ambr")
                   and ".venv" not in p.parts]
    found = []
    for name in tracked:
        if name == "tests/project/test_packaging.py":
            continue
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
            if _OLD.search(line) or (name.endswith(".md") and _OLD_IMPORT.search(line)):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
