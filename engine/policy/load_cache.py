"""A cache of loaded policy files, so a cold `frin decide` does not re-parse every version.

Loading (YAML with spans, schema check, parsing every expression) is most of a cold run,
and policy files rarely change between runs. Only the load is cached: type checking and
cross-version checks always run.

An entry cannot be poisoned (issue 13):

* it is written by `cache_codec` (JSON of allow-listed engine records, never pickle), so
  reading one can never run code;
* it is signed: HMAC-SHA256 with a random per-user key kept *outside* the cache folder
  (`$FRIST_CACHE_KEY`, else `cache.key` in the user data folder, mode 0600), so an entry
  planted or edited by anyone without the key (a shared or restored cache folder) is
  refused;
* it names the engine fingerprint and the sha256 of the file content it was made from,
  and both, and the source text inside it, must match the file being loaded;
* an entry that fails any check is deleted and rewritten from source; a path that is
  not a regular file (a FIFO, a device) is never opened for reading, so it cannot hang;
* the folder is kept under a size cap (`$FRIST_CACHE_MAX_MB`, default 64): after a
  write, the least recently used entries are removed until it is under three quarters.

The folder is `$FRIST_CACHE_DIR`, else the platform's user cache folder for `frist-inkasso`
(platformdirs: `$XDG_CACHE_HOME/frist-inkasso` or `~/.cache/frist-inkasso` on Linux,
`~/Library/Caches/frist-inkasso` on macOS, `%LOCALAPPDATA%\\frist-inkasso\\Cache` on Windows).
`FRIST_NO_CACHE=1` turns the cache off (the folder and the key: `core.cache_folder`). A cache that cannot be read or written is
skipped, never an error: it only ever saves time.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
import tempfile
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Callable

from ..core.cache_folder import cache_dir, read_regular as _read_regular, signing_key as _key
from ..core.cache_folder import discard as _discard, engine_fingerprint
from .cache_codec import CodecError, decode, encode

__all__ = ["cached_load", "cache_dir", "prune", "signing_key", "read_signed", "write_signed", "engine_fingerprint", "package_stamp"]

_MAGIC = b"frist-load-cache 2\n"
_SUFFIX = ".entry"
_MAX_ENTRY = 64 * 1024 * 1024


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


def cached_load(path: Path, shown: str, load: Callable[[], Any], kind: str = "policy") -> Any:
    """`load()`'s result for this file, from the cache when the file and engine are unchanged.

    `kind` (policy, jurisdictions, locales) is part of the key: the same file loaded by
    another loader (a locale named as a policy file) is another result, never this one."""
    folder = cache_dir()
    if folder is None:
        return load()
    try:
        content = path.read_bytes()
    except OSError:
        return load()                       # let the loader report the unreadable file
    key = _key(folder)
    if key is None:
        return load()
    content_sha = hashlib.sha256(content).hexdigest()
    name = hashlib.sha256(f"{engine_fingerprint()}\0{kind}\0{shown}\0{content_sha}".encode()).hexdigest()
    entry = folder / f"{name}{_SUFFIX}"
    found = _read_entry(entry, key, shown, content_sha, content)
    if found is not _MISS:
        return found
    result = load()
    _store(folder, entry, key, shown, content_sha, result)
    return result


_MISS = object()


def _header(shown: str, content_sha: str) -> bytes:
    return _MAGIC + f"{engine_fingerprint()}\n{content_sha}\n{shown.encode('unicode_escape').decode()}\n".encode()


def _read_entry(entry: Path, key: bytes, shown: str, content_sha: str, content: bytes) -> Any:
    body = read_signed(entry, key, _header(shown, content_sha))
    if body is None:
        return _MISS
    try:
        result = decode(body)
        _verify(result, content)
    except CodecError:
        _discard(entry)
        return _MISS
    return result


def signing_key() -> tuple[Path, bytes] | None:
    """The cache folder and its signing key, or None when the cache is off or has no usable key."""
    folder = cache_dir()
    if folder is None:
        return None
    key = _key(folder)
    return None if key is None else (folder, key)


def read_signed(entry: Path, key: bytes, header: bytes, limit: int = _MAX_ENTRY) -> bytes | None:
    """What follows `header` in an entry signed with `key`, or None.

    An entry that is not a regular file, is signed with another key, or names another
    header (another engine, file or catalog) is deleted; a read entry is marked recently used.
    """
    try:
        info = os.lstat(entry)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        _discard(entry)                     # a FIFO, device or link where an entry belongs
        return None
    data = _read_regular(entry, limit)
    if data is None:
        return None
    mac, body = data[:32], data[32:]
    if not (body.startswith(header) and hmac.compare_digest(mac, hmac.new(key, body, "sha256").digest())):
        _discard(entry)
        return None
    try:
        os.utime(entry)                     # recently used: pruned last
    except OSError:
        pass
    return body[len(header):]


def write_signed(folder: Path, entry: Path, key: bytes, body: bytes) -> None:
    """Write `body` signed with `key` to `entry`, atomically; a folder that cannot be written is skipped."""
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(hmac.new(key, body, "sha256").digest() + body)
        os.replace(tmp, entry)              # atomic: a reader never sees half an entry
        tmp = None
        prune(folder)
    except OSError:
        pass
    finally:
        if tmp is not None:
            _discard(Path(tmp))


def _verify(result: Any, content: bytes) -> None:
    """The entry is a load result of exactly this content."""
    from ..core.diagnostics import Diagnostic
    from .model import PolicyVersion
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], list)
            and all(isinstance(d, Diagnostic) for d in result[1])):
        raise CodecError("not a load result")
    version = result[0]
    if version is None:
        return
    from .data_records import Locale
    from .jurisdiction import Jurisdiction
    if isinstance(version, (Jurisdiction, Locale)):       # a catalog data file: its hash is of its text
        if version.sha256 != hashlib.sha256(content).hexdigest():
            raise CodecError("the entry claims another content hash")
        return
    if not isinstance(version, PolicyVersion):
        raise CodecError("not a policy version")
    text = version.document.source.text
    if not isinstance(text, str) or text.encode("utf-8") != content:
        raise CodecError("the entry is of another text")
    if version.sha256 != hashlib.sha256(content).hexdigest():
        raise CodecError("the entry claims another content hash")


def _store(folder: Path, entry: Path, key: bytes, shown: str, content_sha: str, result: Any) -> None:
    try:
        body = _header(shown, content_sha) + encode(result)
    except (CodecError, RecursionError):
        return
    write_signed(folder, entry, key, body)


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
            if e.name.endswith((_SUFFIX, ".pickle", ".tmp")) and e.is_file(follow_symlinks=False):
                info = e.stat(follow_symlinks=False)
                entries.append((info.st_mtime, info.st_size, e.path))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, name in sorted(entries):
        if total <= limit * 3 // 4:
            break
        _discard(Path(name))
        total -= size
