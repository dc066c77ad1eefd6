"""The published-version lock: `policies.lock` records the sha256 of every published version.

A published version is immutable: once locked, a change to its file is an error in
`frin validate` (fix: a new version with a later effective date). `frin lock` adds newly
published versions and refuses to rewrite a changed one unless named with `--rewrite`.
The lock has one `sha256  path` line per version (sha256sum's format), so adding a version
adds one line to review.

The lock is found from the policy folder being checked (that folder or the nearest one
above it), never from the working directory alone, so `frin validate /repo/policies` run
from anywhere checks the lock. It governs the policy folders its entries live in; in them,
`lock_checks.py` also makes errors of a locked version that disappeared or moved and of a
new version dated before the newest locked one. The lock is written atomically.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..core.atomic import write_text_atomically
from ..core.diagnostics import Diagnostic, relative, sort_and_cap
from ..core.errors import ExitCode, PolicyError, UsageError
from .lock_file import LOCK_NAME, Entry, Lock

if TYPE_CHECKING:
    from argparse import Namespace

    from ..check.pipeline import Catalog
    from ..policy.model import PolicyVersion

__all__ = ["LOCK_NAME", "Lock", "Entry", "find_lock", "lock_for", "lock_problems", "lock_command"]

def find_lock(start: str | Path | None = None) -> Path | None:
    """`policies.lock` in `start` (a folder or a file's folder; default: the working directory) or above it."""
    here = Path(start or Path.cwd()).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / LOCK_NAME
        if candidate.is_file():
            return candidate
    return None


def _changed(version: PolicyVersion, entry: Entry, lock: Lock) -> Diagnostic:
    lock_span = lock.span(entry.path)
    return Diagnostic(
        "locked-version-changed",
        f"published version `{version.key}` changed after it was locked "
        f"(sha256 {entry.sha256[:12]} in {relative(lock.file)}, now {version.sha256[:12]})",
        version.document.span(("effective",)),
        help=("published versions are immutable: restore this file (e.g. `git checkout -- "
              f"{version.path}`) and make the change in a new version with a later effective date "
              f"(policies/{version.name}/YYYY-MM-DD.yaml); a deliberate correction of a typo is "
              f"`frin lock --rewrite {version.key}`"),
        notes=(("the locked hash", lock_span),) if lock_span else ())


def lock_for(paths: Sequence[str | Path] | None) -> Path | None:
    """The lock of the policy folders given (found from each in turn), else the working directory's."""
    for path in paths or ():
        if Path(path).exists():
            found = find_lock(path)
            if found is not None:
                return found
    return find_lock()


def lock_problems(catalog: Catalog, paths: Sequence[str | Path] | None = None,
                  lock_file: Path | None = None) -> list[Diagnostic]:
    """Errors for locked versions that changed, disappeared or moved, and for back-dated new versions."""
    from .lock_checks import guard_problems
    lock_file = lock_file or lock_for(paths)
    if lock_file is None:
        return []
    lock = Lock.read(lock_file)
    return _changed_versions(lock, catalog.policies.all()) + guard_problems(catalog, lock, paths or [Path.cwd()])


def changed_since_locked(catalog: Catalog, paths: list[str | Path] | None, names: list[str]) -> list[Diagnostic]:
    """`locked-version-changed` for the versions of the policies `names` whose file no longer has
    its locked hash. Every version counts, not only the one in force: a decision also reads the
    law's version of each recorded letter's date (decide/history.py)."""
    lock_file = lock_for(paths)
    if lock_file is None:
        return []
    return _changed_versions(Lock.read(lock_file), [v for name in dict.fromkeys(names) for v in catalog.versions(name)])


def guard_decisions(catalog: Catalog, paths: list[str | Path] | None, names: list[str], *, logged: bool,
                    stderr: TextIO, lang: str | None = None) -> None:
    """For `decide`, `explain` and `batch`: a version edited after it was locked still decides (an
    officer may be trying a fix), but never silently (the diagnostic as a warning on stderr), and
    never into the decision log (`logged`: PolicyError, nothing decided), as `frin serve` refuses
    such a folder: a logged decision rests on the figures that were reviewed."""
    from dataclasses import replace

    from ..core.diagnostics import Severity
    problems = changed_since_locked(catalog, paths, names)
    if problems and logged:
        raise PolicyError([replace(d, help=f"{d.help}; a decision is logged only on locked versions") for d in problems])
    if problems:                # the warning in the language of --lang (explain/diagnostic_words.py)
        from ..explain.diagnostic_words import localized_report, report_words
        print(localized_report([replace(d, severity=Severity.WARNING) for d in problems], "text",
                               report_words(catalog, lang, stderr)), file=stderr)


def _changed_versions(lock: Lock, versions: Iterable[PolicyVersion]) -> list[Diagnostic]:
    """`locked-version-changed` for each of `versions` whose file no longer has its locked hash."""
    out = []
    for version in versions:
        entry = lock.entries.get(lock.path_of(version))
        if entry is not None and entry.sha256 != version.sha256:
            out.append(_changed(version, entry, lock))
    return out


def _refusals(lock: Lock, rewrite: set[str], forget: set[str], allow: set[str], known: set[str]) -> None:
    """The named versions must exist where each option looks for them."""
    locked = {e.key for e in lock.entries.values()}
    for option, names, pool in (("--rewrite", rewrite, known), ("--forget", forget, locked),
                                ("--allow-backdated", allow, known)):
        unknown = sorted(names - pool)
        if unknown:
            where = "locked" if option == "--forget" else "loaded"
            raise UsageError(f"{option} names no {where} version: {', '.join(unknown)}")


def lock_command(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """`frin lock [PATH ...] [--check] [--rewrite|--forget|--allow-backdated NAME@VERSION ...]`."""
    from ..check.pipeline import load_catalog
    from .lock_checks import guard_problems
    for path in args.paths:
        if not Path(path).exists():
            raise UsageError(f"no policy folder `{path}` here: `frin lock` records the versions of a policy folder "
                             "of your own; start one from the bundled catalog with `frin init DIR` (then cd DIR)")
    catalog, problems = load_catalog(args.paths)
    from ..explain.command_words import catalog_command_words
    said = catalog_command_words("lock", _LOCK, catalog, getattr(args, "lang", None), stderr)
    errors = [d for d in problems if d.is_error]
    if errors:
        raise PolicyError(errors)
    file = Path(args.lock) if args.lock else (lock_for(args.paths) or Path.cwd() / LOCK_NAME)
    lock = Lock.read(file) if file.exists() else Lock(file, {}, {})
    rewrite, forget = set(args.rewrite or ()), set(getattr(args, "forget", None) or ())
    allow = set(getattr(args, "allow_backdated", None) or ())
    _refusals(lock, rewrite, forget, allow, {v.key for v in catalog.policies.all()})
    forgotten = sorted(forget)
    lock.entries = {p: e for p, e in lock.entries.items() if e.key not in forget}
    guarded = guard_problems(catalog, lock, args.paths, allow)
    blocked = {d.span.path for d in guarded if d.span is not None}
    added, rewritten, refused = [], [], []
    for version in catalog.policies.all():
        path = lock.path_of(version)
        entry = lock.entries.get(path)
        if entry is None:
            if not version.is_draft and relative(version.path) not in blocked:
                added.append(version.key)
                lock.entries[path] = Entry(version.key, path, version.sha256)
        elif entry.sha256 != version.sha256:
            if version.key in rewrite:
                rewritten.append(version.key)
                lock.entries[path] = Entry(version.key, path, version.sha256)
            else:
                refused.append(_changed(version, entry, lock))
    refused += guarded
    shown = relative(file)
    report = {"lock": shown, "check": bool(args.check), "added": added, "rewritten": rewritten,
              "forgotten": forgotten, "refused": refused}
    as_json = getattr(args, "format", "text") == "json"
    if refused and not as_json:
        from ..explain.diagnostic_words import localized_report
        print(localized_report(sort_and_cap(refused), "text", said.report), file=stdout)
        print(file=stdout)
    counts = {code: sum(1 for d in refused if d.code == code) for code in
              ("locked-version-changed", "locked-version-missing", "locked-version-moved", "backdated-version")}
    if args.check:
        if as_json:
            print(_summary_json(lock, written=False, **report), file=stdout)
            return ExitCode.PROBLEMS if added or refused or forgotten else ExitCode.OK
        for key in added:
            print(said("not_locked", key=key), file=stdout)
        failed = bool(added or refused or forgotten)
        print(said("checked", verdict=said("failed") if failed else said("ok"), locked=len(lock.entries) - len(added),
                   file=shown, added=len(added), changed=counts["locked-version-changed"],
                   missing=counts["locked-version-missing"], moved=counts["locked-version-moved"],
                   backdated=counts["backdated-version"]), file=stdout)
        return ExitCode.PROBLEMS if failed else ExitCode.OK
    if refused and as_json:
        print(_summary_json(lock, written=False, **report), file=stdout)
        return ExitCode.PROBLEMS
    if refused:
        print(said("refused", file=shown, n=len(refused)), file=stdout)
        return ExitCode.PROBLEMS
    if added or rewritten or forgotten:
        try:
            write_text_atomically(file, lock.render())
        except OSError as err:
            raise UsageError(f"cannot write the policy lock {shown}: {err.strerror or err}") from None
    if as_json:
        print(_summary_json(lock, written=bool(added or rewritten or forgotten), **report), file=stdout)
        return ExitCode.OK
    for key in added:
        print(said("locked", key=key), file=stdout)
    for key in rewritten:
        print(said("rewrote", key=key), file=stdout)
    for key in forgotten:
        print(said("forgot", key=key), file=stdout)
    print(said("written", file=shown, added=len(added), rewritten=len(rewritten), forgotten=len(forgotten),
               locked=len(lock.entries)), file=stdout)
    return ExitCode.OK


# What `frin lock` prints, in English (a locale's `words.lock` in its language).
_LOCK = {
    "not_locked": "not locked: {key}", "ok": "ok", "failed": "FAILED",
    "checked": "{verdict}: {locked} locked version(s) in {file}; {added} not locked, {changed} changed, "
               "{missing} missing, {moved} moved, {backdated} back-dated",
    "refused": "{file}: nothing written; {n} refused (fix them or name them with --rewrite, --forget or --allow-backdated)",
    "locked": "locked {key}", "rewrote": "rewrote {key} (a published version changed: say why in the commit)",
    "forgot": "forgot {key} (a published version retired: say why in the commit)",
    "written": "{file}: {added} added, {rewritten} rewritten, {forgotten} forgotten, 0 refused ({locked} locked)",
}


def _summary_json(locked: Lock, *, written: bool, **report) -> str:
    """`frin lock --format json`: the versions added (with --check: not locked), rewritten,
    forgotten and refused (as diagnostics), and whether the lock file was written."""
    import json

    from ..core.diagnostics import render_json
    refused = report.pop("refused")
    check = report["check"]
    return json.dumps({
        "format": 1, **report, "written": written,
        "locked": len(locked.entries) - (len(report["added"]) if check else 0),
        "refused": json.loads(render_json(sort_and_cap(refused))),
    }, indent=2, ensure_ascii=False)
