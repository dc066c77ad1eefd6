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
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from typing import TYPE_CHECKING

from ..core.cache_store import CacheStore, entry_key, package_stamp

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["catalog_key", "is_verified", "mark_verified", "verified_counts"]


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
