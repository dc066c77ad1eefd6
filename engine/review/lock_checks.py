"""What the lock guards besides changed files: versions that vanish or move, and back-dating.

In a policy folder the lock governs (`Lock.governs`), these are errors in `frin validate`
and make `frin lock` refuse to write:

- `locked-version-missing`: a locked file no longer exists (a published version must stay
  for audit; `frin lock --forget NAME@VERSION` retires it deliberately);
- `locked-version-moved`: a locked version's exact content now lives under another path
  (a rename changes which version decides; move it back, or `--forget` the old entry);
- `backdated-version`: a new published version is dated before the newest locked version
  of its policy, so it would silently change decisions already made under the locked
  versions (`frin lock --allow-backdated NAME@VERSION` locks it deliberately).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..core.diagnostics import Diagnostic, relative
from .lock_file import Lock

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["guard_problems"]


def _within(file: Path, paths: Iterable[str | Path]) -> bool:
    """Whether `file` is one of `paths` or inside one of them (the part of the lock being checked)."""
    here = file.resolve()
    return any(here == Path(p).resolve() or here.is_relative_to(Path(p).resolve()) for p in paths)


def guard_problems(catalog: Catalog, lock: Lock, paths: Iterable[str | Path],
                   allow_backdated: Iterable[str] = ()) -> list[Diagnostic]:
    paths = list(paths)
    allowed = set(allow_backdated)
    loaded = [v for v in catalog.policies.all() if lock.governs(v.path)]
    unlocked = [v for v in loaded if lock.path_of(v) not in lock.entries and not v.is_draft]
    by_hash = {v.sha256: v for v in unlocked}
    out: list[Diagnostic] = []
    for path, entry in sorted(lock.entries.items()):
        file = lock.file_of(entry)
        if file.is_file() or not _within(file, paths):
            continue
        moved = by_hash.get(entry.sha256)
        if moved is not None:
            out.append(Diagnostic(
                "locked-version-moved",
                f"locked version `{entry.key}` ({path}) is now at `{relative(moved.path)}`",
                moved.document.span(("effective",)), notes=(("the lock's entry", lock.span(path)),),
                help=f"move it back to {path}; to retire the old entry deliberately, "
                     f"`frin lock --forget {entry.key}` (say why in the commit)"))
        else:
            out.append(Diagnostic(
                "locked-version-missing", f"locked version `{entry.key}` ({path}) no longer exists",
                lock.span(path),
                help=f"a published version stays for audit: restore it (`git checkout -- {path}`); to retire it "
                     f"deliberately, `frin lock --forget {entry.key}` (say why in the commit)"))
    newest: dict[str, str] = {}
    for entry in lock.entries.values():
        name, _, day = entry.key.partition("@")
        newest[name] = max(newest.get(name, day), day)
    moved_in = {d.span.path for d in out if d.code == "locked-version-moved" and d.span}
    for version in unlocked:
        latest = newest.get(version.name)
        if latest is None or version.effective.isoformat() >= latest or version.key in allowed:
            continue
        if relative(version.path) in moved_in:
            continue
        out.append(Diagnostic(
            "backdated-version",
            f"new version `{version.key}` is dated before `{version.name}@{latest}`, the newest locked version",
            version.document.span(("effective",)),
            help="a new version takes effect after the versions already published: date it after "
                 f"{latest}; if it is a deliberate correction of the past, `frin lock --allow-backdated {version.key}` "
                 "(say why in the commit)"))
    return out
