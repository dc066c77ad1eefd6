"""The one signed store every cache of the engine writes to, and the one key that names an entry.

Four caches share it: loaded policy files (`policy.load_cache`), checked catalogs
(`check.catalog_cache`), verified catalogs (`verify.cache`) and holiday calendar years
(`values.calendar`). Each used to name and sign its entries its own way, and a calendar year
was signed over its content only, so a year copied over another year's file was read as that
year (issue 22). Here an entry is named by `entry_key`, a hash of *what it is for* (its kind,
name, version, year, the engine fingerprint and the content hashes it was made from), and
that key is inside the signed bytes, so an entry is accepted only under its own name: a copy
of another kind, file, version or year is refused and removed.

An entry is `HMAC-SHA256(key, body) + body`, `body = MAGIC + entry key + "\\n" + payload`,
written atomically into `core.cache_folder`'s folder with its per-user key (outside the
folder). Reading never follows a link, opens a FIFO or device, or runs code (payloads are
bytes; their callers decode them). The folder is kept under a size cap
(`$FRIST_CACHE_MAX_MB`, default 64): after a write, the least recently used entries are
removed until it is under three quarters. A store that cannot be read or written is
skipped, never an error: a cache only ever saves time.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
import tempfile
from collections.abc import Iterable
from importlib.util import find_spec
from pathlib import Path

from .cache_folder import cache_dir, discard, engine_fingerprint, read_regular, signing_key

__all__ = ["CacheStore", "entry_key", "package_stamp", "prune"]

_MAGIC = b"frist-cache 3\n"
_SUFFIX = ".entry"
_MAX_ENTRY = 64 * 1024 * 1024


def entry_key(kind: str, name: str = "", *, version: str = "", year: int | None = None,
              hashes: Iterable[str] = ()) -> str:
    """The name of the entry holding `kind`'s result for `name` (a file, a country, a catalog check)
    at `version` and `year`, made by this engine from inputs whose hashes are `hashes`.

    >>> entry_key("calendar", "NO", year=2026) == entry_key("calendar", "NO", year=2027)
    False
    """
    digest = hashlib.sha256()
    parts = [_MAGIC.decode().strip(), engine_fingerprint(), f"kind={kind}", f"name={name}",
             f"version={version}", f"year={'' if year is None else year}", *hashes]
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0\n")
    return f"{_safe(kind)}-{digest.hexdigest()}"


def _safe(kind: str) -> str:
    """The kind as a file-name prefix (so a folder listing says what each entry is)."""
    return "".join(c if c.isalnum() or c == "-" else "_" for c in kind)[:40]


def package_stamp(name: str) -> str:
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


class CacheStore:
    """The cache folder and its signing key: signed entries read and written by `entry_key`."""

    __slots__ = ("folder", "_secret")

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder, self._secret = folder, secret

    @classmethod
    def open(cls) -> CacheStore | None:
        """The store, or None when the cache is off (`FRIST_NO_CACHE`) or has no usable key."""
        folder = cache_dir()
        if folder is None:
            return None
        secret = signing_key(folder)
        return None if secret is None else cls(folder, secret)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{_SUFFIX}"

    def _body(self, key: str, payload: bytes) -> bytes:
        return _MAGIC + key.encode("ascii") + b"\n" + payload

    def read(self, key: str, limit: int = _MAX_ENTRY) -> bytes | None:
        """The payload stored under `key`, or None.

        An entry that is not a regular file, is signed with another key, or names another key
        (copied from another kind, file, version or year) is deleted; a read entry is marked
        recently used."""
        entry = self.path(key)
        try:
            info = os.lstat(entry)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            discard(entry)                      # a FIFO, device or link where an entry belongs
            return None
        data = read_regular(entry, limit + 32 + len(self._body(key, b"")))
        if data is None:
            return None
        mac, body = data[:32], data[32:]
        header = self._body(key, b"")
        if not (body.startswith(header) and hmac.compare_digest(mac, hmac.new(self._secret, body, "sha256").digest())):
            discard(entry)
            return None
        try:
            os.utime(entry)                     # recently used: pruned last
        except OSError:
            pass
        return body[len(header):]

    def write(self, key: str, payload: bytes) -> None:
        """Store `payload` under `key`, signed, atomically; a folder that cannot be written is skipped."""
        body = self._body(key, payload)
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(hmac.new(self._secret, body, "sha256").digest() + body)
            os.replace(tmp, self.path(key))     # atomic: a reader never sees half an entry
            tmp = None
            prune(self.folder)
        except OSError:
            pass
        finally:
            if tmp is not None:
                discard(Path(tmp))


def prune(folder: Path, limit: int | None = None) -> None:
    """Remove least recently used entries while the folder holds more than `limit` bytes."""
    if limit is None:
        try:
            limit = int(float(os.environ.get("FRIST_CACHE_MAX_MB", "64")) * 1024 * 1024)
        except ValueError:
            limit = 64 * 1024 * 1024
    entries = []
    with os.scandir(folder) as it:
        for e in it:
            # `.pickle` and `calendar-*.json`: entries of earlier formats, only ever removed here
            old = e.name.endswith(".pickle") or (e.name.startswith("calendar-") and e.name.endswith(".json"))
            if (old or e.name.endswith((_SUFFIX, ".tmp"))) and e.is_file(follow_symlinks=False):
                info = e.stat(follow_symlinks=False)
                entries.append((info.st_mtime, info.st_size, e.path))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, name in sorted(entries):
        if total <= limit * 3 // 4:
            break
        discard(Path(name))
        total -= size
