"""A signed snapshot of a checked catalog with no error, so `frin decide`, `explain` and
`validate` do not load and type-check every version on every run, and a decision reads only
the versions it binds.

`cached_catalog(paths)` is `load_catalog(paths)`; `checked_catalog(paths)` is the same for a
command that refuses to run on a policy error. After a full load with no error (warnings
allowed) of files that all lie where they belong, it writes into the load cache's folder:

* one entry per version: its `CheckedVersion` (the parsed version with its document, and
  the typed trees and constant figures the checker built), in `cache_codec`'s JSON;
* an index: every version's key, name, effective date, status, uses and file, and the
  load's diagnostics (warnings only).

Both are named by (`core.cache_store.entry_key`, which the store signs into the entry) the
catalog key: the engine fingerprint, the Python version, the `holidays` install (a constant figure may be
computed over business days), every jurisdiction and locale file (code, file, content hash; read afresh
from the load cache on every run, and any problem with them means no snapshot), and every
policy file found, by the path shown and the sha256 of its content. The next run finds the files, hashes them, and on a signed index of
the same key builds a `Catalog` whose versions are index stubs and whose checked versions
are decoded on first use (`_LazyChecked`): a decision resolves and binds by name and date
(`effective`, `status`, `uses`), so only the versions it binds are ever decoded, and
nothing is type-checked.

Why this cannot change a decision or hide a problem: the snapshot is exactly what
`load_catalog` built from these very bytes with this very engine (any change to a file, to
the file list, to the engine, Python or holidays changes the key; a catalog with an error,
or with a file outside the layout, is never written); an entry signed with another key,
naming another header, failing to decode, or whose source text is not the file's content
is refused, and the catalog then falls back to the full load. A stub turns into the decoded
`PolicyVersion` itself (same object, plain class) the first time anything beyond the index
is read from it, so code holding a version from `catalog.policies` sees the same object as
`catalog.checked[key].version`. `FRIST_NO_CACHE=1` turns the snapshot off with the other
caches.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any, Callable, Iterator

from ..core.cache_store import CacheStore, entry_key, package_stamp
from ..core.diagnostics import Capped, Diagnostic, relative
from ..core.errors import PolicyError
from ..policy.cache_codec import CodecError, decode, encode
from ..policy.jurisdiction import Jurisdictions
from ..policy.jurisdiction_files import load_jurisdictions
from ..policy.loader import find_policy_files
from ..policy.locale import load_locales
from ..policy.model import PolicySet, PolicyVersion
from ..run.runtime import CheckedConstraint, CheckedRule, CheckedVersion
from .pipeline import Catalog, load_catalog

__all__ = ["checked_catalog", "cached_catalog"]

_CLASSES = (CheckedVersion, CheckedRule, CheckedConstraint)      # beyond the load results' allow-list
# what a version answers without being decoded: its index row, and the file it came from (the
# lock's check reads `path` and `sha256` of every version a decision binds: review/lock.py)
_INDEXED = frozenset({"name", "effective", "status", "uses", "key", "label", "is_draft", "path", "sha256", "__class__"})


def checked_catalog(paths: Sequence[str | Path]) -> Catalog:
    """Every version under `paths`, checked; `PolicyError` if any has an error."""
    catalog, problems = cached_catalog(paths)
    errors = [d for d in problems if d.is_error]
    if errors:              # in validate's order: the cause first, its follow-on errors folded
        from ..core.diagnostics import sort_and_cap
        from .misnamed import typos_first
        from .scope import root_cause_first
        ordered = typos_first(root_cause_first(sort_and_cap(errors, len(errors)), catalog), catalog.policies.names())
        raise PolicyError(list(ordered), ordered=True)
    return catalog


def cached_catalog(paths: Sequence[str | Path]) -> tuple[Catalog, list[Diagnostic]]:
    """`load_catalog(paths)`: the same catalog and diagnostics, from the snapshot when one matches.

    Only a catalog whose files all lie where they belong (no diagnostic from
    `find_policy_files`) and that loaded with no error is snapshotted; its warnings are kept
    with it, so a warm `validate` reports them as a cold one does.
    """
    files, found = find_policy_files(paths)
    jurisdictions, broken = load_jurisdictions(paths)       # from the load cache; read afresh every run
    locales, broken_locales, locale_found = load_locales(paths)
    clean = not (found or broken or broken_locales or locale_found)
    contents = _contents(files) if clean else None
    key = None if contents is None else _catalog_key(contents, jurisdictions, locales)
    if key is not None and contents is not None:
        snapshot = _from_snapshot(paths, key, contents, jurisdictions, locales)
        if snapshot is not None:
            return snapshot
    catalog, problems = load_catalog(paths)
    if key is not None and contents is not None and not any(d.is_error for d in problems):
        _store(key, contents, catalog, problems)
    return catalog, problems


def _contents(files: list[Path]) -> dict[str, bytes] | None:
    """Shown path → content of every file found (None if one cannot be read: the load reports it)."""
    out = {}
    for f in files:
        try:
            out[relative(f)] = f.read_bytes()
        except OSError:
            return None
    return out


def _catalog_key(contents: dict[str, bytes], jurisdictions: Jurisdictions, locales: dict) -> str:
    """The key of the catalog's index entry: the environment and every file it was loaded from."""
    parts = [sys.version, package_stamp("holidays"), f"default={jurisdictions.default}",
             f"broken={sorted(jurisdictions.broken)}"]
    parts += [f"{code}\0{j.path}\0{j.sha256}" for code, j in sorted(jurisdictions.by_code.items())]
    parts += [f"locale {code}\0{x.path}\0{x.sha256}" for code, x in sorted(locales.items())]
    parts += [f"{shown}\0{hashlib.sha256(data).hexdigest()}" for shown, data in contents.items()]
    return entry_key("checked-catalog", hashes=parts)


def _version_key(key: str, version: str) -> str:
    """The key of one checked version's entry in the catalog snapshot named `key`."""
    return entry_key("checked-version", version, hashes=[key])


def _store(key: str, contents: dict[str, bytes], catalog: Catalog, problems: list[Diagnostic]) -> None:
    """Write the snapshot of a catalog loaded with no error from exactly `contents`."""
    store = CacheStore.open()
    if store is None:
        return
    rows: list[list[Any]] = []
    try:
        for vkey, checked in catalog.checked.items():
            v = checked.version
            data = contents.get(v.path)
            if data is None or hashlib.sha256(data).hexdigest() != v.sha256:
                return                      # a file changed while it was loaded: no snapshot
            store.write(_version_key(key, vkey), encode(checked, _CLASSES))
            rows.append([vkey, v.name, v.effective, v.status, dict(v.uses), v.path])
        if sorted(row[5] for row in rows) != sorted(contents):
            return                          # not one version per file
        index = encode([rows, list(problems), getattr(problems, "omitted", 0)])
    except (CodecError, RecursionError):
        return
    store.write(key, index)


def _from_snapshot(paths, key: str, contents: dict[str, bytes],
                   jurisdictions: Jurisdictions, locales: dict) -> tuple[Catalog, list[Diagnostic]] | None:
    store = CacheStore.open()
    if store is None:
        return None
    body = store.read(key)
    index = None if body is None else _index(body, contents)
    if index is None:
        return None
    rows, problems = index
    loader = _Loader(paths, store, key, contents)
    policies = PolicySet()
    for vkey, name, effective, status, uses, shown in rows:
        stub = _IndexedVersion.__new__(_IndexedVersion)
        stub.__dict__.update(name=name, effective=effective, status=status, uses=uses, _path=shown,
                             sha256=hashlib.sha256(contents[shown]).hexdigest(),   # as _store checked it
                             _load=lambda k=vkey: loader.checked[k])
        loader.stubs[vkey] = (stub, shown)
        policies.add(stub)
    return Catalog(policies, checked=loader.checked, jurisdictions=jurisdictions, locales=locales), problems


def _index(body: bytes, contents: dict[str, bytes]) -> tuple[list, list[Diagnostic]] | None:
    """The index's rows and warnings, or None unless it is one well-formed row per file."""
    try:
        rows, problems, omitted = decode(body)
    except (CodecError, ValueError, TypeError):
        return None
    if not (type(rows) is list and type(problems) is list and type(omitted) is int
            and all(type(d) is Diagnostic and not d.is_error for d in problems)):
        return None
    for row in rows:
        if not (type(row) is list and len(row) == 6):
            return None
        vkey, name, effective, status, uses, shown = row
        if not (all(type(x) is str for x in (vkey, name, status, shown)) and type(effective) is dt.date
                and type(uses) is dict and all(type(a) is str and type(u) is str for a, u in uses.items())):
            return None
    if sorted(row[5] for row in rows) != sorted(contents) or len({row[0] for row in rows}) != len(rows):
        return None
    capped = Capped(problems)
    capped.omitted = omitted
    return rows, capped


class _IndexedVersion(PolicyVersion):
    """A version known by its index row; reading anything else decodes it and makes it a plain
    `PolicyVersion` (the same object), so it can never be read half-built."""

    __slots__ = ()

    @property
    def path(self) -> str:          # the decoded version's `document.path`: the file the row names
        return str(object.__getattribute__(self, "__dict__")["_path"])

    def __getattribute__(self, name: str) -> Any:
        if name not in _INDEXED:
            load = object.__getattribute__(self, "__dict__").get("_load")
            if load is not None:
                load()
        return object.__getattribute__(self, name)


class _Loader:
    """Decodes a version's snapshot entry on first use; any bad entry: the full load, once."""

    def __init__(self, paths, store: CacheStore, key: str, contents: dict[str, bytes]) -> None:
        self.paths, self.store, self.key, self.contents = paths, store, key, contents
        self.stubs: dict[str, tuple[_IndexedVersion, str]] = {}
        self.checked = _LazyChecked(self.stubs, self._load)
        self.fallback: Catalog | None = None

    def _load(self, vkey: str) -> CheckedVersion:
        stub, shown = self.stubs[vkey]
        checked = self._decoded(vkey, shown) if self.fallback is None else None
        if checked is None:
            if self.fallback is None:
                self.fallback = self._full()
            checked = self.fallback.checked[vkey]
        state = object.__getattribute__(stub, "__dict__")
        state.pop("_load", None)
        state.pop("_path", None)
        state.update(vars(checked.version))
        object.__setattr__(stub, "__class__", PolicyVersion)
        checked.version = stub
        return checked

    def _full(self) -> Catalog:
        """The catalog loaded from source (a snapshot entry was refused), snapshotted again."""
        catalog, problems = load_catalog(self.paths)
        errors = [d for d in problems if d.is_error]
        if errors:
            raise PolicyError(errors)
        _store(self.key, self.contents, catalog, problems)
        return catalog

    def _decoded(self, vkey: str, shown: str) -> CheckedVersion | None:
        body = self.store.read(_version_key(self.key, vkey))
        if body is None:
            return None
        try:
            checked = decode(body, _CLASSES)
        except CodecError:
            return None
        content = self.contents[shown]
        v = getattr(checked, "version", None)
        if not (type(checked) is CheckedVersion and type(v) is PolicyVersion and v.key == vkey and v.path == shown
                and v.document.source.text.encode("utf-8") == content
                and v.sha256 == hashlib.sha256(content).hexdigest()):
            return None
        return checked


class _LazyChecked(MutableMapping):
    """`Catalog.checked` of a snapshot: key → `CheckedVersion`, each decoded on first access."""

    def __init__(self, stubs: dict[str, Any], load: Callable[[str], CheckedVersion]) -> None:
        self._stubs, self._load = stubs, load
        self._done: dict[str, CheckedVersion] = {}

    def __getitem__(self, vkey: str) -> CheckedVersion:
        found = self._done.get(vkey)
        if found is None:
            if vkey not in self._stubs:
                raise KeyError(vkey)
            found = self._done[vkey] = self._load(vkey)
        return found

    def __setitem__(self, vkey: str, checked: CheckedVersion) -> None:
        if vkey not in self._stubs:
            raise TypeError(f"`{vkey}` is not a version of this snapshot")
        self._done[vkey] = checked

    def __delitem__(self, vkey: str) -> None:
        raise TypeError("a snapshot's checked versions are not removed")

    def __iter__(self) -> Iterator[str]:
        return iter(self._stubs)

    def __len__(self) -> int:
        return len(self._stubs)
