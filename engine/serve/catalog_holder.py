"""The service's catalog: loaded once, refused unless `frin lock --check` would pass, swapped whole.

A request takes the current `Snapshot` once and decides everything with it, so a reload while
it runs changes nothing for it: the old catalog stays alive as long as a request holds it.
The swap is one assignment of a reference (atomic in Python); a reload that fails keeps the
catalog in service and reports why.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.diagnostics import Diagnostic, relative
from ..core.errors import PolicyError, UsageError
from ..core.names import COMMAND

if TYPE_CHECKING:
    from ..check.pipeline import Catalog
    from ..review.lock_file import Lock

__all__ = ["Snapshot", "CatalogHolder", "load_locked"]


@dataclass(frozen=True)
class Snapshot:
    catalog: Catalog
    folder: str
    lock_file: str
    loaded_at: str
    generation: int
    policies: list = field(default_factory=list)     # GET /v1/policies

    def listing(self) -> dict:
        return {"folder": self.folder, "loaded_at": self.loaded_at, "generation": self.generation,
                "lock": {"file": self.lock_file, "state": "ok"}, "policies": self.policies}


def _unlocked(catalog: Catalog, lock: Lock) -> list[Diagnostic]:
    return [Diagnostic("not-locked", f"published version `{v.key}` is not in {relative(lock.file)}",
                       v.document.span(("effective",)), help=f"run `{COMMAND} lock` and commit the lock")
            for v in catalog.policies.all() if not v.is_draft and lock.path_of(v) not in lock.entries]


def load_locked(folder: str, generation: int = 1) -> Snapshot:
    """The checked catalog of `folder`, if its lock holds (as `frin lock --check`); else PolicyError/UsageError."""
    from ..check.catalog_cache import checked_catalog
    from ..review.lock import lock_for, lock_problems
    from ..review.lock_file import Lock
    catalog = checked_catalog([folder])
    for key in list(catalog.checked):       # decode every version now: requests share it from many threads
        catalog.checked[key]
    lock_file = lock_for([folder])
    if lock_file is None:
        raise UsageError(f"no policies.lock in {folder} or above it: the service decides only with locked "
                         f"versions (run `{COMMAND} lock` and commit it)")
    lock = Lock.read(lock_file)
    problems = lock_problems(catalog, [folder], lock_file) + _unlocked(catalog, lock)
    if problems:
        raise PolicyError(problems)
    locked = {e.key for e in lock.entries.values()}
    policies = []
    for name in catalog.policies.names():
        versions = catalog.versions(name)
        checked = catalog.checked[versions[0].key]
        policies.append({
            "name": name, "jurisdiction": checked.jurisdiction.code if checked.jurisdiction else None,
            "languages": list(checked.jurisdiction.languages) if checked.jurisdiction else ["en"],
            "decides": bool(checked.rules),
            "actions": sorted({r.rule.action for v in versions for r in catalog.checked[v.key].rules}),
            "versions": [{"version": v.label, "effective": v.effective.isoformat(), "status": v.status,
                          "sha256": v.sha256, "locked": v.key in locked} for v in versions]})
    return Snapshot(catalog, str(folder), relative(lock_file), dt.datetime.now(dt.timezone.utc).isoformat(
        timespec="seconds"), generation, policies)


class CatalogHolder:
    """The snapshot in service; `reload()` loads the folder again and swaps only if it is sound."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._reloading = threading.Lock()
        self.current = load_locked(folder)
        self.last_reload_error: str | None = None

    def reload(self) -> Snapshot:
        with self._reloading:
            try:
                fresh = load_locked(self.folder, self.current.generation + 1)
            except (PolicyError, UsageError) as err:
                self.last_reload_error = str(err)
                raise
            self.current = fresh
            self.last_reload_error = None
            return fresh
