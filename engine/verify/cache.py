"""A signed record that a policy catalog's examples and law checks passed, so a warm
`frist validate` of an unchanged catalog does not run every example through every evaluator
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
import hmac
import os
import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.cache_folder import cache_dir, discard as _discard, engine_fingerprint as _engine_fingerprint
from ..core.cache_folder import read_regular as _read_regular, signing_key as _key

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["catalog_key", "is_verified", "mark_verified"]

_MAGIC = b"frist-verified 1\n"


def _package_stamp(name: str) -> str:
    """Where a package is installed and its `__init__`'s size and mtime ('-' if absent), without importing it."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return f"{name}=-"
    try:
        info = os.stat(spec.origin)
    except OSError:
        return f"{name}={spec.origin}"
    return f"{name}={spec.origin}:{info.st_size}:{info.st_mtime_ns}"


def catalog_key(catalog: Catalog, check: str) -> str:
    """The hash of everything `check`'s outcome on `catalog` depends on."""
    digest = hashlib.sha256()
    parts = [check, _engine_fingerprint(), sys.version, _package_stamp("polars"), _package_stamp("holidays")]
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
    folder = cache_dir()
    secret = _key(folder) if folder is not None else None
    if secret is None:
        return False
    entry = _entry(folder, key)
    data = _read_regular(entry, 1024)
    if data is None:
        return False
    body = _MAGIC + key.encode()
    if data[32:] == body and hmac.compare_digest(data[:32], hmac.new(secret, body, "sha256").digest()):
        try:
            os.utime(entry)             # recently used: pruned last
        except OSError:
            pass
        return True
    _discard(entry)
    return False


def mark_verified(key: str) -> None:
    """Record (signed) that the outcome named by `key` was clean; a failure to write is ignored."""
    folder = cache_dir()
    secret = _key(folder) if folder is not None else None
    if secret is None:
        return
    body = _MAGIC + key.encode()
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(hmac.new(secret, body, "sha256").digest() + body)
        os.replace(tmp, _entry(folder, key))
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            _discard(Path(tmp))
