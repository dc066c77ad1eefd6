"""A signed record that a policy catalog's examples and law checks passed, so a warm
`frin validate` of an unchanged catalog does not run every example through every evaluator
again (and so never imports Polars for the columnar one).

The guarantee stays: every example is checked by every evaluator whenever anything that could
change an outcome changed. The record's name is a hash of everything that decides the outcome:

* the engine fingerprint (every engine source file, grammar and schema: `core.cache_folder`),
* every loaded policy version's path and content hash (examples live in the policy files, and
  an example's decision depends on every version it uses), and every jurisdiction file's
  (currency, calendar and languages decide too),
* the Python version, and where Polars (the columnar evaluator) and holidays (the calendar)
  are installed with their `__init__` file's size and modification time, so a reinstall or
  upgrade of either checks again.

Only a clean outcome (no problem at all, warnings included) is recorded; anything else is
recomputed and shown on every run. The record lives in the load cache's folder, is signed with
its key (HMAC-SHA256, key outside the folder) and holds no data beyond the hash it names, so a
planted or copied record is refused. `FRIST_NO_CACHE=1` turns it off, as for the load cache.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..policy.load_cache import engine_fingerprint, package_stamp, read_signed, signing_key, write_signed

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["catalog_key", "is_verified", "mark_verified"]

_MAGIC = b"frist-verified 1\n"


def catalog_key(catalog: Catalog, check: str) -> str:
    """The hash of everything `check`'s outcome on `catalog` depends on."""
    digest = hashlib.sha256()
    parts = [check, engine_fingerprint(), sys.version, package_stamp("polars"), package_stamp("holidays")]
    for name in sorted(catalog.policies.versions):
        for v in catalog.policies.versions[name]:
            parts.append(f"{v.path}\0{v.sha256}")
    for code, j in sorted(catalog.jurisdictions.by_code.items()):       # currency, calendar, languages decide too
        parts.append(f"{j.path}\0{j.sha256}")
    for code, locale in sorted(catalog.locales.items()):
        parts.append(f"{locale.path}\0{locale.sha256}")
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0\n")
    return digest.hexdigest()


def _entry(folder: Path, key: str) -> Path:
    return folder / f"{hashlib.sha256(b'verified' + key.encode()).hexdigest()}.entry"


def is_verified(key: str) -> bool:
    """True if a record signed with this user's key says this exact outcome was clean."""
    signing = signing_key()
    if signing is None:
        return False
    folder, secret = signing
    return read_signed(_entry(folder, key), secret, _MAGIC + key.encode(), 1024) == b""


def mark_verified(key: str) -> None:
    """Record (signed) that the outcome named by `key` was clean; a failure to write is ignored."""
    signing = signing_key()
    if signing is not None:
        folder, secret = signing
        write_signed(folder, _entry(folder, key), secret, _MAGIC + key.encode())
