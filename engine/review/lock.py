"""The published-version lock: `policies.lock` records the sha256 of every published version.

A published version is immutable: once locked, a change to its file is an error in
`frist validate` (fix: a new version with a later effective date). `frist lock` adds newly
published versions and refuses to rewrite a changed one unless named with `--rewrite`.
The lock has one `sha256  path` line per version (sha256sum's format), so adding a version
adds one line to review.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..diagnostics import Diagnostic, Severity, relative, render_text, sort_and_cap
from ..errors import PolicyError, UsageError
from ..source import Span

if TYPE_CHECKING:
    from argparse import Namespace

    from ..pipeline import Catalog
    from ..policy.model import PolicyVersion

__all__ = ["LOCK_NAME", "Lock", "Entry", "find_lock", "lock_problems", "lock_command"]

LOCK_NAME = "policies.lock"
_HEADER = """\
# sha256 of every published policy version: published versions are immutable.
# `frist validate` fails when a locked file changes; `frist lock` adds new versions.
# The format is sha256sum's, so `grep -v '^#' policies.lock | sha256sum -c` checks it too.
"""


@dataclass(frozen=True, slots=True)
class Entry:
    key: str            # name@effective
    path: str           # relative to the lock file's folder, with forward slashes
    sha256: str


@dataclass
class Lock:
    """The parsed lock file: entries by path, and where each stands (for diagnostics)."""

    file: Path
    entries: dict[str, Entry]
    lines: dict[str, int]

    @property
    def root(self) -> Path:
        return self.file.parent

    @classmethod
    def read(cls, file: Path) -> Lock:
        """Parse a lock file. Raises `UsageError` when it cannot be read or is not a lock."""
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read the policy lock {relative(file)}: {getattr(err, 'strerror', None) or err}") from None
        entries, lines = {}, {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            sha, sep, path = line.partition("  ")
            if not sep or len(sha) != 64 or not path.strip():
                raise UsageError(f"{relative(file)}:{number}:1: not a policy lock line (`{line[:40]}`, expected "
                                 "`SHA256  PATH`); restore the file from version control or delete it and run `frist lock`")
            path = path.strip()
            entries[path] = Entry(_key(path), path, sha)
            lines[path] = number
        return cls(file, entries, lines)

    def path_of(self, version: PolicyVersion) -> str:
        """The version's file as the lock names it (relative to the lock's folder)."""
        file = Path(version.path).resolve()
        try:
            return file.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return file.as_posix()

    def span(self, path: str) -> Span | None:
        line = self.lines.get(path)
        if line is None:
            return None
        return Span(relative(self.file), line, 1, line, 65)     # the hash

    def render(self) -> str:
        """The lock's text: a header, then `sha256  path` per version, sorted by path."""
        rows = [f"{e.sha256}  {e.path}" for e in sorted(self.entries.values(), key=lambda e: e.path)]
        return _HEADER + "\n".join(rows) + "\n"


def _key(path: str) -> str:
    """`policies/demo/2026-01-01.yaml` → `demo@2026-01-01` (the layout the loader enforces)."""
    p = Path(path)
    return f"{p.parent.name}@{p.stem}"


def find_lock(start: Path | None = None) -> Path | None:
    """`policies.lock` in the working directory or the nearest folder above it."""
    here = (start or Path.cwd()).resolve()
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
              f"`frist lock --rewrite {version.key}`"),
        notes=(("the locked hash", lock_span),) if lock_span else ())


def lock_problems(catalog: Catalog, lock_file: Path | None = None) -> list[Diagnostic]:
    """A diagnostic for every loaded version whose file differs from its locked hash."""
    lock_file = lock_file or find_lock()
    if lock_file is None:
        return []
    lock = Lock.read(lock_file)
    out = []
    for version in catalog.policies.all():
        entry = lock.entries.get(lock.path_of(version))
        if entry is not None and entry.sha256 != version.sha256:
            out.append(_changed(version, entry, lock))
    return out


def lock_command(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """`frist lock [PATH ...] [--check] [--rewrite NAME@VERSION ...]`."""
    from ..pipeline import load_catalog
    catalog, problems = load_catalog(args.paths)
    errors = [d for d in problems if d.is_error and d.code != "locked-version-changed"]
    if errors:
        raise PolicyError(errors)
    file = Path(args.lock) if args.lock else (find_lock() or Path.cwd() / LOCK_NAME)
    lock = Lock.read(file) if file.exists() else Lock(file, {}, {})
    rewrite = set(args.rewrite or ())
    known = {v.key for v in catalog.policies.all()}
    unknown = sorted(rewrite - known)
    if unknown:
        raise UsageError(f"--rewrite names no loaded version: {', '.join(unknown)}")
    added, rewritten, refused, missing = [], [], [], []
    for version in catalog.policies.all():
        path = lock.path_of(version)
        entry = lock.entries.get(path)
        if entry is None:
            if not version.is_draft:
                added.append(version.key)
                lock.entries[path] = Entry(version.key, path, version.sha256)
        elif entry.sha256 != version.sha256:
            if version.key in rewrite:
                rewritten.append(version.key)
                lock.entries[path] = Entry(version.key, path, version.sha256)
            else:
                refused.append(_changed(version, entry, lock))
    for path, entry in sorted(lock.entries.items()):
        if not (lock.root / path).is_file():
            missing.append(Diagnostic(
                "locked-version-missing", f"locked version `{entry.key}` ({path}) no longer exists",
                lock.span(path), severity=Severity.WARNING,
                help="a published version should stay for audit; restore it from version control"))
    shown = relative(file)
    as_json = getattr(args, "format", "text") == "json"
    if (refused or missing) and not as_json:
        print(render_text(sort_and_cap(refused + missing)), file=stdout)
        print(file=stdout)
    if args.check:
        failed = bool(added or refused or missing)
        if as_json:
            print(_summary_json(shown, lock, added, [], refused, missing, checked=True), file=stdout)
            return 1 if failed else 0
        for key in added:
            print(f"not locked: {key}", file=stdout)
        failed = bool(added or refused or missing)
        print(f"{'FAILED' if failed else 'ok'}: {len(lock.entries) - len(added)} locked version(s) in {shown}; "
              f"{len(added)} not locked, {len(refused)} changed, {len(missing)} missing", file=stdout)
        return 1 if failed else 0
    if added or rewritten:
        try:
            file.write_text(lock.render(), encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot write the policy lock {shown}: {err.strerror or err}") from None
    if as_json:
        print(_summary_json(shown, lock, added, rewritten, refused, missing, checked=False), file=stdout)
        return 1 if refused else 0
    for key in added:
        print(f"locked {key}", file=stdout)
    for key in rewritten:
        print(f"rewrote {key} (a published version changed: say why in the commit)", file=stdout)
    print(f"{shown}: {len(added)} added, {len(rewritten)} rewritten, {len(refused)} refused "
          f"({len(lock.entries)} locked)", file=stdout)
    return 1 if refused else 0


def _summary_json(shown: str, lock: Lock, added: list[str], rewritten: list[str], refused: list[Diagnostic],
                  missing: list[Diagnostic], checked: bool) -> str:
    """`frist lock --format json`: what was (or, with --check, would be) added, rewritten, refused."""
    import json

    from ..diagnostics import render_json
    return json.dumps({
        "format": 1, "lock": shown, "check": checked, "locked": len(lock.entries) - (len(added) if checked else 0),
        "added" if not checked else "not_locked": added, "rewritten": rewritten,
        "changed": json.loads(render_json(refused)), "missing": json.loads(render_json(missing)),
    }, indent=2, ensure_ascii=False)
