"""A signed record that a policy catalog's examples and law checks passed, so a warm
`frin validate` of an unchanged catalog does not run every example through every evaluator
again (and so never imports Polars for the columnar one).

The guarantee stays: every example is checked by every evaluator whenever anything that could
change an outcome changed. The record's name (`core.cache_store.entry_key`, signed into the record) is a hash of the
check and of everything that decides its outcome:

* the engine fingerprint (every engine source file, grammar and schema: `core.cache_folder`),
* every loaded policy version's path and content hash (examples live in the policy files, and
  an example's decision depends on every version it uses), and every jurisdiction file's
  (currency, calendar and languages decide too),
* the Python version, and where Polars (the columnar evaluator) and holidays (the calendar)
  are installed with their `__init__` file's size and modification time, so a reinstall or
  upgrade of either checks again.

Only a clean outcome (no problem at all, warnings included) is recorded; anything else is
recomputed and shown on every run. The record lives in the load cache's folder, is signed with
its key (HMAC-SHA256, key outside the folder) and holds only the law search's counts per
constraint (so a warm run reports what the search tried, as the cold one did), so a planted or
copied record is refused. `FRIST_NO_CACHE=1` turns it off, as for the load cache.

Below the catalog's record, one per process version: that the law search over it found nothing
(`searched`). Its key is the process version and every version of each policy its decisions
can bind (the policies it uses, transitively, and its jurisdiction's law, drafts included: the
search decides on days under any of them), by content, not path, with the files of the
jurisdictions those versions name, the Python version and the calendar library. So a catalog with one edited policy, or a copy of
the catalog in another folder, searches again only the processes that edit can change.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from typing import TYPE_CHECKING

from ..core.cache_store import CacheStore, entry_key, package_stamp

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..check.pipeline import Catalog
    from ..core.diagnostics import Diagnostic
    from ..run.runtime import CheckedVersion

__all__ = ["catalog_key", "is_verified", "mark_verified", "process_key", "searched", "verified_counts"]


def catalog_key(catalog: Catalog, check: str) -> str:
    """The key of the record that `check` passed on `catalog`: everything its outcome depends on."""
    parts = [sys.version, package_stamp("polars"), package_stamp("holidays")]
    for name in sorted(catalog.policies.versions):
        for v in catalog.policies.versions[name]:
            parts.append(f"{v.path}\0{v.sha256}")
    for code, j in sorted(catalog.jurisdictions.by_code.items()):       # currency, calendar, languages decide too
        parts.append(f"{j.path}\0{j.sha256}")
    for code, locale in sorted(catalog.locales.items()):
        parts.append(f"{locale.path}\0{locale.sha256}")
    return entry_key("verified", check, hashes=parts)


def verified_counts(key: str) -> Counter | None:
    """The law search's counts per (jurisdiction, "law/constraint") kept by a record that this exact outcome was
    clean, or None when there is no such record (or it cannot be read)."""
    store = CacheStore.open()
    payload = store.read(key) if store is not None else None
    if payload is None:
        return None
    try:
        rows = json.loads(payload.decode("utf-8")) if payload else []
        return Counter({(code, name): int(n) for code, name, n in rows})
    except (ValueError, TypeError):
        return None


def is_verified(key: str) -> bool:
    """True if a record signed with this user's key says this exact outcome was clean."""
    return verified_counts(key) is not None


def mark_verified(key: str, counts: Counter | None = None) -> None:
    """Record (signed) that the outcome named by `key` was clean, with the law search's counts;
    a failure to write is ignored."""
    store = CacheStore.open()
    if store is not None:
        rows = sorted([code, name, n] for (code, name), n in (counts or Counter()).items())
        store.write(key, json.dumps(rows).encode("utf-8"))


def process_key(catalog: Catalog, checked: CheckedVersion) -> str:
    """The key of the record that the law search over the process version `checked` was clean."""
    names, pending = set(), [checked.name, *catalog.laws_of(checked)]
    while pending:                      # every policy a decision under `checked` can bind, on any day
        name = pending.pop()
        if name not in names:
            names.add(name)
            pending += [used for v in catalog.versions(name) for used in v.uses.values()]
    parts = [sys.version, package_stamp("holidays")]
    named: set[str | None] = set()
    for name in sorted(names):
        parts += [f"{v.key}\0{v.sha256}" for v in catalog.versions(name)]
        named.update(v.jurisdiction for v in catalog.versions(name))
    # the files of the jurisdictions those versions name (a Swedish edit does not search Norway again)
    files = {j.code: j.sha256 for j in map(catalog.jurisdictions.of, named) if j is not None}
    parts += [f"{code}\0{sha256}" for code, sha256 in sorted(files.items())]
    return entry_key("law-searched", checked.name, version=checked.version.label, hashes=parts)


def searched(catalog: Catalog, checked: CheckedVersion, tried: Counter | None,
             search: Callable[[Catalog, CheckedVersion, Counter], list[Diagnostic]]) -> list[Diagnostic]:
    """`search(catalog, checked, counts)`'s problems, or none when a signed record says this exact
    process version searched clean before; the counts per constraint (recorded with a clean
    outcome) are added to `tried` either way."""
    key = process_key(catalog, checked)
    counts = verified_counts(key)
    found: list[Diagnostic] = []
    if counts is None:
        counts = Counter()
        found = search(catalog, checked, counts)
        if not found:
            mark_verified(key, counts)
    if tried is not None:
        tried.update(counts)
    return found
