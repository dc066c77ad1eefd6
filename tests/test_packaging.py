"""The wheel's package list (pyproject.toml) covers every package folder of engine/, and the
installed layout keeps schemas and policies beside engine/ as in the checkout."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_engine_package_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"] == {"frist": "."}
    found = {"frist." + ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "engine").rglob("__init__.py")}
    assert found == set(config["packages"]) - {"frist"}


def test_package_data_globs_find_the_files_the_engine_reads():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = {p for glob in config["frist"] for p in ROOT.glob(glob)}
    assert set((ROOT / "schemas").glob("*.json")) <= shipped
    assert set((ROOT / "policies").rglob("*.yaml")) <= shipped
    assert config["frist.engine.lang"] == ["grammar.lark"]


def test_the_engine_reads_its_files_relative_to_the_package():
    from engine.policy.catalog_source import BUNDLED
    from engine.core.schema_check import SCHEMA_DIR
    assert BUNDLED == ROOT / "policies" and SCHEMA_DIR == ROOT / "schemas"


def test_console_script_points_into_the_package():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"frist": "frist.engine.cli:main"}
    # The target must be a function, not a module: an environment installed before a move
    # keeps calling the old target (a stale `.venv/bin/frist` called the module `cli.main`).
    import importlib
    module, _, attr = scripts["frist"].removeprefix("frist.").partition(":")
    target = getattr(importlib.import_module(module), attr)
    assert callable(target) and not isinstance(target, type(importlib))
