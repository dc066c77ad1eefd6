"""A cache of loaded policy files, so a cold `frist decide` does not re-parse every version.

Loading (YAML with spans, schema check, parsing every expression) is most of a cold run,
and policy files rarely change between runs. A loaded file is stored under the sha256
of its shown path, its bytes and the engine's own source (every module, the grammar and
the schemas), so any change to either gives a new key; stale entries are simply never
read again. Only the load is cached: type checking and cross-version checks always run.

The cache lives in `$FRIST_CACHE_DIR`, else `$XDG_CACHE_HOME/frist`, else
`~/.cache/frist`; `FRIST_NO_CACHE=1` turns it off. Entries are pickles the engine wrote
itself in the user's own cache folder. A cache that cannot be read or written is
skipped (the file is loaded from source), never an error: it only ever saves time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

__all__ = ["cached_load"]

_ENGINE = Path(__file__).resolve().parent
_SCHEMAS = _ENGINE.parent / "schemas"


@lru_cache(maxsize=1)
def _engine_fingerprint() -> bytes:
    digest = hashlib.sha256()
    files = sorted([*_ENGINE.rglob("*.py"), *_ENGINE.rglob("*.lark"), *_SCHEMAS.glob("*.json")])
    for path in files:
        digest.update(str(path.relative_to(_ENGINE.parent)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


def _cache_dir() -> Path | None:
    if os.environ.get("FRIST_NO_CACHE"):
        return None
    if os.environ.get("FRIST_CACHE_DIR"):
        return Path(os.environ["FRIST_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "frist"


def cached_load(path: Path, shown: str, load: Callable[[], Any]) -> Any:
    """`load()`'s result for this file, from the cache when the file and engine are unchanged."""
    folder = _cache_dir()
    if folder is None:
        return load()
    try:
        content = path.read_bytes()
    except OSError:
        return load()                       # let the loader report the unreadable file
    key = hashlib.sha256(_engine_fingerprint() + shown.encode() + b"\0" + content).hexdigest()
    entry = folder / f"{key}.pickle"
    try:
        with entry.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    result = load()
    _store(folder, entry, result)
    return result


def _store(folder: Path, entry: Path, result: Any) -> None:
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)              # atomic: a reader never sees half an entry
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def cache_file(name: str) -> str | None:
    """A path in the cache folder for another cache (Lark's grammar tables), or None when off."""
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(folder / name)
