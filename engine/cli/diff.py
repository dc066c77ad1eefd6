"""`frin diff OLD NEW --cases DIR`: load both sides, decide the cases, render, pick the exit code.

OLD and NEW are each `name@version` (a version in the policy folder), a policy file (an
edited copy or a new version, which stands in for its namesake), or `REV:path` (the file
as committed in git, e.g. `HEAD:policies/kravia/2026-01-01.yaml`, to review an
uncommitted edit against the committed text).
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..core.diagnostics import relative
from ..core.errors import CaseError, ExitCode, UsageError
from ..policy.case import load_case
from ..review.diff import Side, compare_cases, version_changes
from ..review.sources import PinnedCatalog, candidate_catalog, git_file

if TYPE_CHECKING:
    from argparse import Namespace

    from ..policy.case import LoadedCase

__all__ = ["diff", "load_side", "diff_data"]


def load_side(spec: str, policies: str, scratch: Path) -> Side:
    """One side of the diff from its command-line spec. Raises `UsageError`, `PolicyError`."""
    file = git_file(spec, scratch) or (Path(spec) if Path(spec).is_file() else None)
    if file is not None:
        catalog = candidate_catalog(policies, [file])
        version = next(v for v in catalog.policies.all() if Path(v.path).resolve() == file.resolve())
    else:
        name, at, effective = spec.partition("@")
        if not at:
            raise UsageError(f"`{spec}` is neither NAME@VERSION nor a policy file")
        catalog = candidate_catalog(policies, [])
        version = catalog.checked[catalog.resolve(name, dt.date.min, pinned=effective).version.key].version   # day unused: pinned
    pinned = PinnedCatalog(catalog.policies, catalog.checked, jurisdictions=catalog.jurisdictions, locales=catalog.locales,
                           pins={version.name: version.effective.isoformat()})
    return Side(spec, pinned, catalog.checked[version.key])


def _cases(folder: str) -> tuple[list[LoadedCase], list[tuple[str, str]]]:
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"--cases `{folder}` is not a folder of case files")
    files = sorted(f for f in root.rglob("*") if f.suffix in (".yaml", ".yml", ".json") and f.is_file())
    cases, invalid = [], []
    for f in files:
        try:
            cases.append(load_case(f))
        except CaseError as err:
            d = err.diagnostics[0]
            invalid.append((relative(f), f"{d.where}: {d.message}"))
    return cases, invalid


def _cases_folder(given: str | None, policies: str) -> str:
    """`--cases`, else the project's corpus: `tests/cases` beside the policy folder (every
    process's cases, so a law change is decided for every policy that uses it)."""
    if given is not None:
        return given
    folder = Path(policies).parent / "tests" / "cases"
    if not folder.is_dir():
        raise UsageError(f"no case corpus at `{folder}`: give the cases to decide with --cases DIR")
    return relative(folder)


def _side_json(side: Side) -> dict:
    v = side.version
    return {"spec": side.label, "policy": v.name, "version": v.effective.isoformat(), "key": v.key, "status": v.status,
            "path": v.path if not Path(v.path).is_absolute() else side.label, "sha256": v.sha256}


def diff_data(old: Side, new: Side, cases: list, invalid: list, as_of, cases_dir: str) -> dict:
    """The whole report as plain data: what every format renders."""
    from ..values.time import today_in
    changes = version_changes(old.checked, new.checked)
    zone = new.checked.jurisdiction.timezone if new.checked.jurisdiction is not None else "UTC"
    results = compare_cases(old, new, cases, as_of, today_in(zone), changes)
    affected = [r for r in results if r.affected]
    changed = [r for r in affected if r.changed]
    groups: dict[str, list] = {}
    for r in changed:
        groups.setdefault(r.kind, []).append(r)
    by_action: dict[str, list[int]] = {}
    for r in affected:
        for i, d in enumerate((r.old, r.new)):
            by_action.setdefault(d["action"] if d else "error", [0, 0])[i] += 1
    for side in (old, new):   # a file read from git lives in a scratch folder: name it as the user did
        path, shown = side.version.path + ":", _side_json(side)["path"] + ":"
        for c in changes:
            if c.where.startswith(path):
                c.where = shown + c.where[len(path):]
    return {
        "old": _side_json(old), "new": _side_json(new), "cases_dir": cases_dir,
        "as_of": as_of.isoformat() if as_of else None,
        "summary": {"cases": len(affected), "changed": len(changed), "unchanged": len(affected) - len(changed),
                    "errors": sum(1 for r in affected if r.old_error or r.new_error),
                    "not_affected": len(results) - len(affected), "invalid": len(invalid),
                    "by_action": {a: {"old": n[0], "new": n[1]} for a, n in sorted(by_action.items())}},
        "changes": [{"kind": c.kind, "name": c.name, "status": c.status, "where": c.where, "anchor": c.anchor, "source": c.source,
                     "fields": [{"field": f, "old": o, "new": n} for f, o, n in c.fields]} for c in changes],
        "users": _users(new, changes, affected),
        "groups": [{"kind": kind, "cases": [_case_json(r) for r in rs]}
                   for kind, rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        "unchanged": [{"path": r.path, "case_id": r.case_id, "action": (r.new or {}).get("action"),
                       "rule": (r.new or {}).get("rule")} for r in affected if not r.changed],
        "not_affected": [{"path": r.path, "case_id": r.case_id} for r in results if not r.affected],
        "invalid": [{"path": p, "error": e} for p, e in invalid],
    }


def _users(side: Side, changes: list, results: list) -> list[dict]:
    """The versions that use the compared policy, the changed items each reads, and how many
    of their cases were decided and changed (empty when nothing uses it)."""
    from ..review.law_users import changed_items, users_of
    items = changed_items(side.checked, {c.name for c in changes if c.kind == "parameter"},
                          {c.name for c in changes if c.kind == "definition"})
    users = users_of(side.catalog, side.version.name, items)
    for user in users:
        mine = [r for r in results if (r.new or r.old or {}).get("policy", {}).get("name") == user["policy"]
                and (r.new or r.old)["policy"]["version"] == user["version"]]
        user["cases"], user["changed"] = len(mine), sum(1 for r in mine if r.changed)
    return users


def _case_json(r) -> dict:
    decided = (r.new or r.old or {}).get("policy")
    return {"path": r.path, "case_id": r.case_id,
            "policy": f"{decided['name']}@{decided['version']}" if decided else None, "as_of": r.as_of.isoformat() if r.as_of else None,
            "rule": {"old": r.rules[0], "new": r.rules[1]}, "figures": r.figures, "definitions": r.definitions,
            "error": {"old": r.old_error, "new": r.new_error} if (r.old_error or r.new_error) else None,
            "fields": [{"field": f, "old": o, "new": n} for f, o, n in r.fields],
            "decision": [{"field": f, "old": o, "new": n} for f, o, n in r.whole]}


def diff(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..review.diff_render import RENDERERS
    from .options import date_option
    as_of = date_option(args.as_of, "--as-of")
    if getattr(args, "prove", False):
        from ..prove.kit import load_z3
        load_z3()                                   # before any work: a missing solver is a usage error
        if not 1 <= args.prove_bound <= 8:
            raise UsageError(f"--prove-bound must be 1 to 8, not {args.prove_bound}")
    scratch = Path(tempfile.mkdtemp(prefix="frist-diff-"))
    try:
        old = load_side(args.old, args.policies, scratch)
        new = load_side(args.new, args.policies, scratch)
        folder = _cases_folder(args.cases, args.policies)
        cases, invalid = _cases(folder)
        data = diff_data(old, new, cases, invalid, as_of, folder)
        if getattr(args, "prove", False):
            from ..prove.diff_proof import prove_same
            data["prove"] = prove_same(old, new, args.prove_bound)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False), file=stdout)
    else:
        from ..core.diagnostics import printable  # case ids and file names are input: never raw control characters
        from ..explain.text import reader_voice
        from ..review.page_words import PageWords
        words = PageWords(reader_voice(new.catalog, new.checked.jurisdiction, args.lang, new.version.name))
        print(printable(RENDERERS[args.format](data, words)), end="", file=stdout)
        if "prove" in data:
            print(printable(proof_text(data["prove"])), file=stdout)
    differs = any(p["verdict"] == "differs" for p in data.get("prove", ()))
    return ExitCode.PROBLEMS if args.fail_on_change and (data["summary"]["changed"] or differs) else ExitCode.OK


def proof_text(results: list[dict]) -> str:
    """`diff --prove`'s findings, window by window: the fields proved the same, and each difference with its case."""
    lines = ["", "Proof (every case with up to N claims, events and payments, decided in the window, that both decide):"]
    windows: dict[tuple, list[dict]] = {}
    for r in results:
        windows.setdefault((*r["window"], r["bound"]), []).append(r)
    for (lo, hi, bound), found in windows.items():
        same = [r["field"] for r in found if r["verdict"] == "same"]
        lines.append(f"- {lo} … {hi}, N = {bound}: the same {', '.join(same) or 'nothing'}")
        for r in found:
            if r["verdict"] == "differs":
                lines.append(f"  {r['field']} differs: {r['old']} → {r['new']} in this case:")
                lines += ["    " + line for line in r["case"].splitlines()]
            elif r["verdict"] == "not-proved":
                lines.append(f"  {r['field']}: not proved ({r['why']})")
    return "\n".join(lines)
