"""A law version carries the constraints of the version before it, unless it cites the change.

A constraint is how the law binds every process; a new version copied from the last one
with a constraint deleted (or its `when`/`require` rewritten) would silently free every
process of it from that version's effective date. So, against its predecessor (the latest
published version dated before it, as for figures in predecessors.py):

- `constraint-dropped` (error): a constraint of the predecessor is missing;
- `constraint-changed` (error): a constraint's `when` or `require` differs (it may be weaker:
  the engine cannot tell a stricter condition from a looser one);

unless the version names the constraint under `repeals:` with the legal change's source:

    repeals:
      - {constraint: purring-fee, source: "FOR-2027-... (the 1/20 fee abolished)"}

A `repeals:` entry naming no constraint of the predecessor is an error too (`repeals-nothing`):
it would hide a later, real removal.
"""
from __future__ import annotations

from ..core.diagnostics import Diagnostic

__all__ = ["carried_problems", "carried_constraints", "repealed", "predecessor"]


def predecessor(versions, version):
    """The latest published version dated before `version`, or None."""
    earlier = [v for v in versions if not v.is_draft and v.effective < version.effective]
    return earlier[-1] if earlier else None


def repealed(version) -> dict[str, str]:
    """constraint id → the cited source, from the version's `repeals:`."""
    out = {}
    for entry in version.document.data.get("repeals") or ():
        if isinstance(entry, dict) and isinstance(entry.get("constraint"), str):
            out[entry["constraint"]] = str(entry.get("source", ""))
    return out


def _condition(constraint) -> tuple:
    """The constraint's condition as syntax trees (their equality ignores positions)."""
    return constraint.when, constraint.require


def carried_problems(old, new) -> list[Diagnostic]:
    """`new` (a CheckedVersion) against its predecessor `old`."""
    version = new.version
    cited = repealed(version)
    mine = {c.id: c for c in version.constraints}
    out: list[Diagnostic] = []
    where = version.document.span(("constraints",)) if "constraints" in version.document.data else version.document.span(("policy",))
    for c in old.version.constraints:
        if c.id in cited:
            continue
        if c.id not in mine:
            out.append(Diagnostic(
                "constraint-dropped", f"constraint `{c.id}` of {old.version.key} is not in this version: "
                f"every process of the jurisdiction would be free of it from {version.effective}", where,
                notes=(("the constraint in the version before", c.span),),
                help=f"copy it back, or cite the legal change that removed it: "
                     f"`repeals: [{{constraint: {c.id}, source: \"<the amending regulation>\"}}]`"))
        elif _condition(mine[c.id]) != _condition(c):
            out.append(Diagnostic(
                "constraint-changed", f"constraint `{c.id}` reads differently from {old.version.key}: "
                "a changed `when` or `require` may bind less", mine[c.id].span,
                notes=(("the constraint in the version before", c.span),),
                help=f"keep its condition, or cite the legal change: "
                     f"`repeals: [{{constraint: {c.id}, source: \"<the amending regulation>\"}}]`"))
    before = {c.id for c in old.version.constraints}
    for i, entry in enumerate(version.document.data.get("repeals") or ()):
        name = entry.get("constraint") if isinstance(entry, dict) else None
        if name not in before:
            out.append(Diagnostic(
                "repeals-nothing", f"`repeals:` names `{name}`, which is no constraint of {old.version.key}",
                version.document.span(("repeals", i)), help=f"name one of: {', '.join(sorted(before))}"))
    return out


def carried_constraints(catalog, checked) -> tuple:
    """The constraints of earlier versions that `checked` drops or changes without citing a
    repeal, as (earlier CheckedVersion, CheckedConstraint): they keep binding, read in the
    version they were written in, so a law version that forgot them binds no less at decide
    (validate reports it as `constraint-dropped` / `constraint-changed`)."""
    memo = catalog.carried
    if checked.version.key in memo:
        return memo[checked.version.key]
    memo[checked.version.key] = ()             # a cycle cannot happen (dates fall), but stay safe
    before = predecessor(catalog.versions(checked.name), checked.version)
    old = catalog.checked.get(before.key) if before is not None else None
    if old is None:
        return ()
    cited = repealed(checked.version)
    mine = {c.constraint.id: c.constraint for c in checked.constraints}
    out = []
    for cc in old.constraints:
        c = cc.constraint
        if c.id not in cited and (c.id not in mine or _condition(mine[c.id]) != _condition(c)):
            out.append((old, cc))
    out += [(v, cc) for v, cc in carried_constraints(catalog, old)
            if cc.constraint.id not in cited and cc.constraint.id not in mine]
    memo[checked.version.key] = tuple(out)
    return memo[checked.version.key]
