"""The user cache folder every cache of the engine shares, and the per-user key that signs its entries.

Four caches live in one folder, all through `core.cache_store`: loaded policy files
(`policy.load_cache`), checked catalogs (`check.catalog_cache`), verified catalogs
(`verify.cache`) and holiday calendars (`values.calendar`). They sit in four stages, so the
folder, the signing key and the safe file read they all need live here, below all of them
(docs/architecture.md: a stage imports only from its own layer or lower).

* The folder is `$FRIST_CACHE_DIR`, else the platform's user cache folder for `frist-inkasso`;
  `FRIST_NO_CACHE=1` turns every cache off.
* The key (HMAC-SHA256, 32 random bytes) is `$FRIST_CACHE_KEY`, else `cache.key` in the
  user data folder, created mode 0600 on first use and never kept inside the cache folder:
  an entry planted in a shared or restored cache folder cannot be signed (issue 13).
* A cache file is read only when it is a regular file, so a FIFO or device cannot hang a run.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from .names import CACHE_NAME

__all__ = ["cache_dir", "discard", "engine_fingerprint", "read_regular", "signing_key"]

_ENGINE = Path(__file__).resolve().parents[1]
_SCHEMAS = _ENGINE.parent / "schemas"


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """The sha256 of every engine source file, grammar and schema: a cache entry names the engine that made it."""
    digest = hashlib.sha256()
    files = sorted([*_ENGINE.rglob("*.py"), *_ENGINE.rglob("*.lark"), *_SCHEMAS.glob("*.json")])
    for path in files:
        digest.update(str(path.relative_to(_ENGINE.parent)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    if os.environ.get("FRIST_NO_CACHE"):
        return None
    if os.environ.get("FRIST_CACHE_DIR"):
        return Path(os.environ["FRIST_CACHE_DIR"])
    import platformdirs
    return Path(platformdirs.user_cache_dir(CACHE_NAME, appauthor=False))


def _key_file() -> Path:
    if os.environ.get("FRIST_CACHE_KEY"):
        return Path(os.environ["FRIST_CACHE_KEY"])
    import platformdirs
    return Path(platformdirs.user_data_dir(CACHE_NAME, appauthor=False)) / "cache.key"


def signing_key(folder: Path) -> bytes | None:
    """The signing key (created on first use); None if it cannot be had or sits in the cache folder."""
    path = _key_file()
    try:
        if folder.resolve() in path.resolve().parents:
            return None                     # a key inside the cache folder protects nothing
        key = read_regular(path, 1024)
        if key is not None and len(key) == 32:
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache.key.")   # mode 0600
        try:
            os.write(fd, secrets.token_bytes(32))
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)               # never replaces a key another process just made
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        key = read_regular(path, 1024)
        return key if key is not None and len(key) == 32 else None
    except OSError:
        return None


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file (at most `limit`), without ever blocking on a FIFO or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(limit + 1)
    finally:
        os.close(fd)


def discard(entry: Path) -> None:
    """Remove a cache file; one already gone or not removable only costs time."""
    try:
        os.unlink(entry)
    except OSError:
        pass
