"""`frin init DIR`: a policy folder of one's own, made from the bundled catalog.

Why: the wheel's catalog is read-only and outside any repository, so `new-version`, `lock`
and `diff` had nowhere to work; a user copied files by hand and met the layout's rules one
error at a time. `init` writes the layout the commands expect, so every command of the
README works in DIR as it does in the checkout:

    DIR/policies/<law>/...            the law the chosen processes use (every version, drafts too)
    DIR/policies/<process>/...        the chosen processes (default: every process of the jurisdiction)
    DIR/policies/jurisdictions/, locales/   their jurisdiction and the languages it explains in
    DIR/policies.lock                 the published versions' sha256 (`frin lock --check` passes)
    DIR/schemas/*.json                the schemas the files' `yaml-language-server` modelines name
    DIR/tests/cases/<process>/*.yaml  each process's case corpus (what `frin diff` decides)
    DIR/examples/*.yaml               the README's example cases
    DIR/.pre-commit-config.yaml, DIR/.github/workflows/policies.yml   (starter_files.py)

Files are copied byte for byte (so the lock's hashes are the bundled versions'); a case
file gets the modeline of the case schema.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import UsageError
from ..policy.catalog_source import BUNDLED
from ..policy.layout import DATA_FOLDERS
from .lock_file import LOCK_NAME, Entry, Lock
from .starter_files import ci_workflow, gitignore, pre_commit_config

__all__ = ["Started", "init_folder", "CASE_MODELINE"]

SOURCE = BUNDLED.parent                     # the package root: policies/, schemas/, tests/cases/, examples/
CASE_MODELINE = "# yaml-language-server: $schema={up}schemas/case.schema.json\n"


@dataclass
class Started:
    """What `init` wrote, for its report."""

    folder: Path
    policies: list[str] = field(default_factory=list)       # NAME (versions) ... in `uses` order
    cases: int = 0
    examples: int = 0
    locked: int = 0
    files: list[str] = field(default_factory=list)          # the set-up files (lock, hooks, CI)
    laws: list[str] = field(default_factory=list)           # the law policies written (the routine change's target)


def _closure(catalog, names: list[str]) -> list[str]:
    """`names` and every policy they use, transitively; used ones first."""
    out: list[str] = []

    def visit(name: str) -> None:
        if name in out:
            return
        for version in catalog.versions(name):
            for used in version.uses.values():
                visit(used)
        out.append(name)
    for name in names:
        visit(name)
    return out


def _chosen(catalog, processes: list[str] | None, jurisdiction: str | None) -> list[str]:
    known = catalog.policies.names()
    if processes:
        unknown = [p for p in processes if p not in known]
        if unknown:
            raise UsageError(f"no policy `{unknown[0]}` in the bundled catalog (known: {', '.join(known)})")
        return list(dict.fromkeys(processes))
    code = jurisdiction or catalog.jurisdictions.default
    if code not in catalog.jurisdictions.by_code:
        raise UsageError(f"no jurisdiction `{code}` in the bundled catalog "
                         f"(known: {', '.join(sorted(catalog.jurisdictions.by_code))})")
    out = []
    for name in known:
        versions = catalog.versions(name)
        found = catalog.jurisdictions.of(versions[-1].jurisdiction)
        if any(v.rules for v in versions) and found is not None and found.code == code:
            out.append(name)
    return out


def _empty_target(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"`{folder}` is not an empty folder: `frin init` writes only into a new or empty one "
                         "(nothing was written)")


def init_folder(folder: Path, catalog, processes: list[str] | None = None, jurisdiction: str | None = None,
                version: str = "0.1.0") -> Started:
    """Write a policy folder of one's own into `folder` (new or empty) from the checked bundled `catalog`."""
    _empty_target(folder)
    names = _closure(catalog, _chosen(catalog, processes, jurisdiction))
    started = Started(folder)
    policies = folder / "policies"
    codes: set[str] = set()
    for name in names:
        versions = catalog.versions(name)
        for v in versions:
            source = Path(v.path).resolve()
            target = policies / source.relative_to(SOURCE / "policies")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        found = catalog.jurisdictions.of(versions[-1].jurisdiction)
        if found is not None:
            codes.add(found.code)
        started.policies.append(f"{name} ({', '.join(v.label for v in versions)})")
    languages = {"en"}
    for code in sorted(codes):
        j = catalog.jurisdictions.by_code[code]
        started.laws += [law for law in j.laws if law in names]
        _copy(Path(j.path).resolve(), policies / DATA_FOLDERS[0] / Path(j.path).name)
        languages |= set(j.languages)
    for lang in sorted(languages):
        locale = catalog.locales.get(lang)
        if locale is not None:
            _copy(Path(locale.path).resolve(), policies / DATA_FOLDERS[1] / Path(locale.path).name)
    for schema in sorted((SOURCE / "schemas").glob("*.json")):
        _copy(schema, folder / "schemas" / schema.name)
    for name in names:
        for case in sorted((SOURCE / "tests" / "cases" / name).glob("*.yaml")):
            _copy_case(case, folder / "tests" / "cases" / name / case.name, "../../../")
            started.cases += 1
    for example in sorted((SOURCE / "examples").glob("*.yaml")):
        if _policy_of(example) in names:
            _copy_case(example, folder / "examples" / example.name, "../")
            started.examples += 1
    started.locked = _write_lock(folder, catalog, names)
    for relative, text in ((".pre-commit-config.yaml", pre_commit_config(version)),
                           (".github/workflows/policies.yml", ci_workflow(version)), (".gitignore", gitignore())):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    started.files = [LOCK_NAME, ".pre-commit-config.yaml", ".github/workflows/policies.yml", ".gitignore"]
    return started


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _copy_case(source: Path, target: Path, up: str) -> None:
    """A case file with the case schema's modeline first (an editor then completes and checks it)."""
    text = source.read_text(encoding="utf-8")
    if "yaml-language-server:" not in text.split("\n", 1)[0]:
        text = CASE_MODELINE.format(up=up) + text
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _policy_of(case: Path) -> str | None:
    for line in case.read_text(encoding="utf-8").splitlines():
        if line.startswith("policy:"):
            return line.partition(":")[2].split("#")[0].strip().strip("\"'")
    return None


def _write_lock(folder: Path, catalog, names: list[str]) -> int:
    """policies.lock for the copied published versions: the bundled versions' own hashes."""
    lock = Lock(folder / LOCK_NAME, {}, {})
    for name in names:
        for v in catalog.versions(name):
            if not v.is_draft:
                path = (Path("policies") / Path(v.path).resolve().relative_to(SOURCE / "policies")).as_posix()
                lock.entries[path] = Entry(v.key, path, v.sha256)
    (folder / LOCK_NAME).write_text(lock.render(), encoding="utf-8")
    return len(lock.entries)
