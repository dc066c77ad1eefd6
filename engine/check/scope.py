"""What `frin validate PATH...` checks: the given files among the policies they live with.

A policy file is checked together with the policy folder it lives in (or `--policies DIR`):
its `uses` resolve against the other policies there, and the file replaces the version of
the same policy and date, so an edited copy anywhere can be checked. The report keeps the
problems of the given files and of the versions that use them (the consequences of a law
change), not those of unrelated files; a folder given as a path is checked whole.

Problems are ordered root cause first: a used policy's file before the files of the
policies that use it (the law's own error before its consequences in kravia).

Any file of a catalog can be given, whatever its kind (`layout.file_kind`): a jurisdiction
or locale file is checked with the catalog it belongs to (every policy of that jurisdiction
is checked under it; a locale against the jurisdictions that explain in its language), and
one outside a catalog on its own. A policy's own folder (`policies/kravia`) is its files
given one by one, so their `uses` resolve against the catalog they live in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.diagnostics import Capped, Diagnostic
from ..core.document import load_document
from ..core.errors import UsageError
from ..policy.layout import DATA_FOLDERS, file_kind, policy_root
from ..policy.loader import find_policy_files

__all__ = ["Scope", "validation_scope", "candidate_files", "relevant", "keep", "root_cause_first", "lone_data_problems"]


@dataclass
class Scope:
    files: list[Path]                                   # every file to load
    given: list[Path] = field(default_factory=list)     # single files named on the command line
    whole: list[Path] = field(default_factory=list)     # folders named on the command line
    copies: list[Path] = field(default_factory=list)    # given files outside the policy layout (edited copies)
    problems: list[Diagnostic] = field(default_factory=list)   # files in a given folder outside its layout
    data: list[Path] = field(default_factory=list)      # jurisdiction and locale files, checked with their catalog
    lone: list[Path] = field(default_factory=list)      # data files outside any catalog: checked on their own
    own: list[list[Path]] = field(default_factory=list)  # the files of each policy folder given on its own


def _identity(path: Path) -> tuple[str, str, bool] | None:
    """(policy, effective, is draft) as written in the file, or None when unreadable."""
    doc = load_document(path, str(path))
    if isinstance(doc, Diagnostic) or not isinstance(doc.data, dict):
        return None
    return str(doc.data.get("policy")), str(doc.data.get("effective")), doc.data.get("status") == "draft"


def candidate_files(policies: str | Path | None, candidates: list[Path]) -> list[Path]:
    """The files of `policies` with each candidate replacing the version of its policy, date
    and status (so an edited copy stands in for its namesake), plus the candidates."""
    base = find_policy_files([policies])[0] if policies is not None and Path(policies).exists() else []
    replaced = {_identity(f) for f in candidates} - {None}
    given = {c.resolve() for c in candidates}
    kept = [f for f in base if f.resolve() not in given and _identity(f) not in replaced]
    return kept + list(candidates)


def _root_of(file: Path, policies: str | None) -> tuple[Path | None, bool]:
    """The policy folder to check `file` with, and whether `file` sits in its layout."""
    identity = _identity(file)
    root = policy_root(file, identity[0]) if identity else None
    if policies is not None:
        return Path(policies), root is not None
    if root is not None:
        return root, True
    default = Path("policies")
    return (default if default.is_dir() else None), False


def validation_scope(paths: list[str], policies: str | None) -> Scope:
    """Expand the command line. Raises `UsageError` for a path that does not exist."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"`{missing[0]}` does not exist: give policy files or folders of them (default: policies/)")
    scope = Scope(files=[])
    for p in map(Path, paths):
        if p.is_dir():
            _add_folder(scope, p)
        elif file_kind(p) == "policy":
            scope.given.append(p)
        else:
            scope.data.append(p)
    _resolve_own_folders(scope)
    roots: dict[Path | None, list[Path]] = {}
    for f in scope.given:
        root, in_layout = _root_of(f, policies)
        roots.setdefault(root, []).append(f)
        if not in_layout:
            scope.copies.append(f)
    for f in list(scope.data):
        root = Path(policies) if policies is not None else _data_root(f)
        if root is None or not find_policy_files([root])[0]:
            scope.data.remove(f)
            scope.lone.append(f)
        else:
            roots.setdefault(root, [])
    for root, given in roots.items():
        scope.files += candidate_files(root, given)
    scope.files = list(dict.fromkeys(f.resolve() for f in scope.files))
    scope.files = [Path(_shown(f)) for f in scope.files]
    return scope


def _add_folder(scope: Scope, folder: Path) -> None:
    """A folder on the command line: a catalog is checked whole; a policy's own folder (or its
    drafts) is its files given one by one, so they are checked with the catalog around them;
    a data folder is its files."""
    if folder.resolve().name in DATA_FOLDERS:
        scope.data += sorted(folder.glob("*.yaml"))
        return
    files, problems = find_policy_files([folder])
    scope.problems += problems
    scope.whole.append(folder)
    scope.files += files
    roots = [policy_root(f, i[0]) if (i := _identity(f)) else None for f in files]
    if files and all(r is not None and r != folder.resolve() for r in roots):
        scope.own.append(files)


def _resolve_own_folders(scope: Scope) -> None:
    """Policy folders given on their own (`policies/kravia`) whose `uses` the files given do not
    provide are checked as their files given one by one, with the catalog around them; when
    the folders given provide every used policy (`validate law/ proc/`), they stand alone."""
    if not scope.own:
        return
    loaded = scope.files + scope.given
    provided = {i[0] for f in loaded if (i := _identity(f))}
    needed = {u for f in loaded for u in _uses(f)} | _laws_binding(loaded)
    if needed <= provided:
        return
    for files in scope.own:
        moved = {f.resolve() for f in files}
        scope.files = [f for f in scope.files if f.resolve() not in moved]
        scope.given += files


def _laws_binding(files: list[Path]) -> set[str]:
    """The law policies that bind the process policies among `files` through their jurisdiction
    (its `law.policies`): a process is checked with its law whether or not it `uses` it."""
    from ..policy.jurisdiction_files import load_jurisdictions
    processes = []
    for path in files:
        doc = load_document(path, str(path))
        if not isinstance(doc, Diagnostic) and isinstance(doc.data, dict) and doc.data.get("rules"):
            processes.append((path, doc.data.get("jurisdiction")))
    if not processes:
        return set()
    jurisdictions, _ = load_jurisdictions([path.parent.parent for path, _ in processes])
    roots = {p for path, _ in processes for p in (path.parent.parent, path.parent.parent.parent)}
    found = (jurisdictions.of(code if isinstance(code, str) else None) for _, code in processes)
    # only a law the catalog around the folder holds: a folder without its law stays on its own
    # (and `unbound-by-law` says so)
    return {law for j in found if j is not None for law in j.laws if any((root / law).is_dir() for root in roots)}


def _uses(path: Path) -> set[str]:
    doc = load_document(path, str(path))
    if isinstance(doc, Diagnostic) or not isinstance(doc.data, dict) or not isinstance(doc.data.get("uses"), dict):
        return set()
    return {str(v) for v in doc.data["uses"].values()}


def _data_root(file: Path) -> Path | None:
    """The catalog a data file belongs to (`<root>/locales/nb.yaml` → `<root>`), else None."""
    folder = file.resolve().parent
    return folder.parent if folder.name in DATA_FOLDERS else None


def lone_data_problems(scope: Scope) -> list[Diagnostic]:
    """The problems of jurisdiction and locale files given outside any catalog, each on its own."""
    from ..core.diagnostics import relative
    from ..policy.jurisdiction_files import load_jurisdiction_file
    from ..policy.locale import load_locale_file
    out: list[Diagnostic] = []
    for f in scope.lone:
        load = load_locale_file if file_kind(f) == "locale" else load_jurisdiction_file
        out += load(f, relative(f))[1]
    return out


def _shown(path: Path) -> str:
    from ..core.diagnostics import relative
    return relative(path)


def _users(catalog, names: set[str]) -> set[str]:
    """`names` and every policy that uses one of them, transitively (a process is bound by its
    jurisdiction's law as if it used it)."""
    out = set(names)
    grew = True
    while grew:
        grew = False
        for v in catalog.policies.all():
            j = catalog.jurisdictions.of(v.jurisdiction) if v.rules else None
            bound_by = set(v.uses.values()) | set(j.laws if j is not None else ())
            if v.name not in out and bound_by & out:
                out.add(v.name)
                grew = True
    return out


def _data_users(scope: Scope, catalog) -> tuple[set[str], set[str]]:
    """The policies and files a given data file bears on: a jurisdiction file its policies; a
    locale the jurisdiction files that list its language (a missing locale is reported there)."""
    names: set[str] = set()
    files: set[str] = set()
    given = {f.resolve() for f in scope.data}
    jurisdictions = catalog.jurisdictions
    for j in jurisdictions.by_code.values():
        if j.path and Path(j.path).resolve() in given:
            names |= {v.name for v in catalog.policies.all()
                      if (found := jurisdictions.of(v.jurisdiction)) is not None and found.code == j.code}
    languages = {f.stem for f in scope.data if file_kind(f) == "locale"}
    for j in jurisdictions.by_code.values():
        if j.path and set(j.languages) & languages:
            files.add(str(Path(j.path).resolve()))
    return names, files


def relevant(scope: Scope, catalog) -> set[str] | None:
    """The files whose problems a `validate` of `scope` reports (None: all of them)."""
    if not scope.given and not scope.data and not scope.lone:
        return None
    given = {f.resolve() for f in scope.given}
    named = {v.name for v in catalog.policies.all() if Path(v.path).resolve() in given}
    by_data, data_files = _data_users(scope, catalog)
    named |= by_data
    users = _users(catalog, named)
    paths = {str(Path(v.path).resolve()) for v in catalog.policies.all()
             if Path(v.path).resolve() in given or (v.name in users and v.name not in named)}
    paths |= {str(f.resolve()) for f in scope.given}
    paths |= {str(f.resolve()) for f in scope.data + scope.lone} | data_files
    paths |= {str(Path(v.path).resolve()) for v in catalog.policies.all() if v.name in by_data}
    for folder in scope.whole:
        paths |= {str(f.resolve()) for f in find_policy_files([folder])[0]}
    return paths


def keep(problems: list[Diagnostic], paths: set[str] | None, scope: Scope | None = None) -> list[Diagnostic]:
    """The problems located in `paths` (all when None, and always those with no file); an
    edited copy's file name is its own business (it stands in for its namesake)."""
    def where(d: Diagnostic) -> str | None:
        return d.span.path if d.span is not None else d.path

    def resolved(d: Diagnostic) -> str | None:
        path = where(d)
        return str(Path(path).resolve()) if path is not None else None
    copies = {str(f.resolve()) for f in scope.copies + scope.lone} if scope is not None else set()
    out = Capped(d for d in problems
            if (where(d) is None or paths is None or resolved(d) in paths)
            and not (d.code == "file-name-mismatch" and where(d) and resolved(d) in copies))
    out.omitted = getattr(problems, "omitted", 0)
    return out


def root_cause_first(problems: list[Diagnostic], catalog) -> list[Diagnostic]:
    """Stable order by depth in the `uses` graph: the files of policies that use nothing (the
    law) first, then their users, then the users of those; file order within one depth."""
    depth: dict[str, int] = {}

    def of(name: str, seen: frozenset = frozenset()) -> int:
        if name not in depth:
            used = {u for v in catalog.versions(name) for u in v.uses.values()} - seen - {name}
            depth[name] = 1 + max((of(u, seen | {name}) for u in used if catalog.versions(u)), default=-1)
        return depth[name]
    rank = {str(Path(v.path).resolve()): of(v.name) for v in catalog.policies.all()}

    def key(d: Diagnostic) -> int:
        where = d.span.path if d.span is not None else d.path
        return rank.get(str(Path(where).resolve()), 0) if where else -1
    out = Capped(sorted(problems, key=key))
    out.omitted = getattr(problems, "omitted", 0)      # "… and M more" stays true
    return out
