"""Docs that cannot drift: every path, command and module that README.md and docs/*.md name exists.

tests/project/test_docs.py runs the commands shown in code blocks; this test reads the prose and tables:

* a path under one of the repository's folders (`engine/…`, `tests/…`, `docs/…`, `policies/…`,
  `bench/…`, `schemas/…`, `examples/…`, `.ci/…`) exists (a glob matches something);
* a module written relative to `engine/` (`cli/registry.py`) exists, and a bare file name
  (`` `fmt.py` ``) is the name of some file in the repository;
* `frin <command>` names a command of the registry (engine/cli/registry.py);
* a dotted name (`engine.core.diagnostics`, `frist_inkasso.engine.decide_batch`, `core.cache_store`)
  imports, up to an attribute of the module;
* README's stage table lists the stage packages in tests/project/test_architecture.py's `LAYERS` order
  (lowest first), and every module it names is in that package;
* docs/architecture.md's "Start reading here" list names files that exist;
* a Markdown link to a file of the repository (`[x](docs/y.md#part)`, relative to the page) leads to one.

A path that a walkthrough creates, or a pattern that is not a path, is skipped only when it
looks like one (`<name>`, `YYYY`, a regular expression) or is listed in `CREATED` with the
reason.
"""
from __future__ import annotations

import fnmatch
import functools
import importlib
import re
from pathlib import Path

import pytest

from engine.cli.registry import COMMANDS
from test_architecture import LAYERS

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PACKAGES = set(LAYERS)
COMMAND_NAMES = {c.name for c in COMMANDS}

# Paths the docs name that a walkthrough or a user creates (so they do not exist in the checkout).
CREATED = {
    "policies/no-regulation/2027-01-01.yaml": "docs/review.md: `frin new-version` creates it in the walkthrough",
}
# Dotted names in the docs that are not Python names (a field of the decision JSON).
NOT_PYTHON = {"policy.sha256": "docs/corrections.md: the decision JSON's field"}

_CODE = re.compile(r"`([^`\n]+)`")
_PATH = re.compile(r"(?<![\w./-])((?:engine|tests|docs|policies|bench|schemas|examples|\.ci)/[\w./*-]*[\w*/])")
_MODULE = re.compile(r"^(?:%s)/[\w/]+\.(?:py|lark)$" % "|".join(sorted(PACKAGES)))
_BARE = re.compile(r"^[\w*-]+\.(?:py|lark|json|toml)$")
_FRIN = re.compile(r"(?<![\w-])frin ([a-z][\w-]*)")
_DOTTED = re.compile(r"^(?:frist_inkasso\.)?(?:engine|%s)(?:\.\w+)+$(?<!\.py)(?<!\.lark)(?<!\.json)" % "|".join(sorted(PACKAGES)))
_PATTERN = re.compile(r"[<>{}^$]|YYYY|\.\*")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def _lines(doc: Path):
    """(line number, text, inside a fenced block) of a Markdown file."""
    fenced = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        yield number, line, fenced


@functools.lru_cache(maxsize=1)
def _files() -> frozenset[str]:
    skip = {".git", ".venv", "__pycache__", "node_modules"}
    return frozenset(p.name for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts))


def _path_exists(path: str) -> bool:
    path = path.rstrip("/")
    if "*" in path:
        return any(ROOT.glob(path))
    return (ROOT / path).exists()


def _imports(dotted: str) -> bool:
    parts = dotted.removeprefix("frist_inkasso.").split(".")
    if parts[0] != "engine":
        parts = ["engine", *parts]
    for k in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        try:
            for attr in parts[k:]:
                found = getattr(found, attr)
        except AttributeError:
            return False
        return True
    return False


def _problems(doc: Path, files: set[str]) -> list[str]:
    out = []
    shown = doc.relative_to(ROOT)
    for number, line, fenced in _lines(doc):
        where = f"{shown}:{number}"
        for m in _FRIN.finditer(line):
            if m.group(1) not in COMMAND_NAMES:
                out.append(f"{where}: `frin {m.group(1)}` is no command")
        if fenced:
            continue                    # commands in blocks are run by tests/project/test_docs.py
        for m in _LINK.finditer(line):
            target = m.group(1)
            if "://" not in target and not target.startswith("mailto:") and not (doc.parent / target).exists():
                out.append(f"{where}: the link `{target}` leads nowhere")
        for m in _PATH.finditer(line):
            path = m.group(1)
            if not (_PATTERN.search(line[max(0, m.start() - 1):m.end() + 1]) or path in CREATED
                    or _path_exists(path)):
                out.append(f"{where}: no file or folder `{path}`")
        for m in _CODE.finditer(line):
            text = m.group(1)
            if _MODULE.match(text) and not (ROOT / "engine" / text).exists():
                out.append(f"{where}: no module `engine/{text}`")
            elif _BARE.match(text) and not any(fnmatch.fnmatch(f, text) for f in files):
                out.append(f"{where}: no file named `{text}`")
            elif _DOTTED.match(text) and text not in NOT_PYTHON and not _imports(text):
                out.append(f"{where}: `{text}` does not import")
    return out


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_command_and_module_named_exists(doc):
    problems = _problems(doc, _files())
    assert not problems, "\n".join(problems)


def test_the_checks_find_stale_references(tmp_path, monkeypatch):
    """Each kind of reference is checked: a stale one of each is reported."""
    doc = ROOT / "docs" / "_stale_example.md"
    text = ("`engine/core/gone.py` and `cli/main.py`, `nothing_here.py`, `frin frobnicate`, [x](gone.md),\n"
            "`engine.core.gone`, `core.diagnostics.no_such_name`; but `engine/core/diagnostics.py`,\n"
            "`core.diagnostics.Diagnostic`, `frin validate` and `policies/<name>/` are fine.\n")
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: text if self == doc else "")
    problems = _problems(doc, {"diagnostics.py"})
    assert [p.split(": ", 1)[1] for p in problems] == [
        "`frin frobnicate` is no command", "the link `gone.md` leads nowhere", "no file or folder `engine/core/gone.py`",
        "no module `engine/cli/main.py`", "no file named `nothing_here.py`",
        "`engine.core.gone` does not import", "`core.diagnostics.no_such_name` does not import"]


def _stage_table() -> list[tuple[str, str]]:
    """README's stage table: (package, the row's modules cell), in the README's order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it is built", 1)[1]
    rows = re.findall(r"^\| [^|]+ \| `(\w+)/`: (.*) \|$", section, re.MULTILINE)
    return rows


def test_readme_stage_table_follows_the_architecture_layers():
    rows = _stage_table()
    assert [package for package, _ in rows] == list(reversed(LAYERS)), \
        "README.md's stage table must list tests/project/test_architecture.py's LAYERS, lowest first"
    for package, cell in rows:
        for name in re.findall(r"`([\w*]+\.(?:py|lark)|[\w]+/)`", cell):
            found = list((ROOT / "engine" / package).glob(name.rstrip("/"))) or (ROOT / name).is_file()   # `cli.py` at the root
            assert found, f"README.md's stage table: no `{name}` in engine/{package}/"


def test_architecture_has_a_start_reading_here_list_of_real_files():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Start reading here", 1)
    assert len(section) == 2, "docs/architecture.md has no `## Start reading here` section"
    items = re.findall(r"^\d+\. `([^`]+)`", section[1].split("\n## ", 1)[0], re.MULTILINE)
    assert len(items) >= 5, items
    missing = [item for item in items if not (ROOT / item).is_file()]
    assert not missing, f"docs/architecture.md's start list names missing files: {missing}"
