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
* it is named and signed by `core.cache_store.entry_key`: the loader's kind, the path shown,
  the engine fingerprint and the sha256 of the file content it was made from, and the
  source text inside it must match the file being loaded;
* an entry that fails any check is deleted and rewritten from source; a path that is
  not a regular file (a FIFO, a device) is never opened for reading, so it cannot hang;
* the folder is kept under a size cap (`core.cache_store.prune`).

The folder is `$FRIST_CACHE_DIR`, else the platform's user cache folder for `frist-inkasso`
(platformdirs: `$XDG_CACHE_HOME/frist-inkasso` or `~/.cache/frist-inkasso` on Linux,
`~/Library/Caches/frist-inkasso` on macOS, `%LOCALAPPDATA%\\frist-inkasso\\Cache` on Windows).
`FRIST_NO_CACHE=1` turns the cache off (the folder and the key: `core.cache_folder`). A cache that cannot be read or written is
skipped, never an error: it only ever saves time.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

from ..core.cache_folder import discard as _discard
from ..core.cache_store import CacheStore, entry_key
from .cache_codec import CodecError, decode, encode

__all__ = ["cached_load"]


def cached_load(path: Path, shown: str, load: Callable[[], Any], kind: str = "policy") -> Any:
    """`load()`'s result for this file, from the cache when the file and engine are unchanged.

    `kind` (policy, jurisdictions, locales) is part of the key: the same file loaded by
    another loader (a locale named as a policy file) is another result, never this one."""
    store = CacheStore.open()
    if store is None:
        return load()
    try:
        content = path.read_bytes()
    except OSError:
        return load()                       # let the loader report the unreadable file
    key = entry_key(f"load-{kind}", shown, hashes=[hashlib.sha256(content).hexdigest()])
    found = _read_entry(store, key, content)
    if found is not _MISS:
        return found
    result = load()
    try:
        store.write(key, encode(result))
    except (CodecError, RecursionError):
        pass
    return result


_MISS = object()


def _read_entry(store: CacheStore, key: str, content: bytes) -> Any:
    body = store.read(key)
    if body is None:
        return _MISS
    try:
        result = decode(body)
        _verify(result, content)
    except CodecError:
        _discard(store.path(key))
        return _MISS
    return result


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
