"""Version resolution: which version of a policy is in force on a date, and the `uses` graph.

One rule for everything dated (OpenFisca's): the latest version whose effective date is on
or before the date. Drafts take part only when asked for. A version's validity runs until
the next version's effective date, which is what the overlap checks use.
"""
from __future__ import annotations

import datetime as dt

from ..core.diagnostics import Diagnostic, did_you_mean
from .model import PolicySet, PolicyVersion

__all__ = ["in_force", "valid_until", "overlapping", "uses_order", "duplicate_dates"]


def _candidates(versions: list[PolicyVersion], include_drafts: bool) -> list[PolicyVersion]:
    return [v for v in versions if include_drafts or not v.is_draft]


def in_force(versions: list[PolicyVersion], day: dt.date, include_drafts: bool = False) -> PolicyVersion | None:
    """The version in force on `day`.

    >>> from types import SimpleNamespace as V
    >>> vs = [V(effective=dt.date(2026, 1, 1), is_draft=False), V(effective=dt.date(2026, 7, 1), is_draft=False)]
    >>> in_force(vs, dt.date(2026, 6, 30)).effective, in_force(vs, dt.date(2025, 1, 1))
    (datetime.date(2026, 1, 1), None)

    A draft and a published version of the same date: with drafts taking part the draft
    wins, whatever the order or place of their files.

    >>> d = V(effective=dt.date(2026, 7, 1), is_draft=True)
    >>> p = V(effective=dt.date(2026, 7, 1), is_draft=False)
    >>> in_force([d, p], dt.date(2026, 8, 1), True) is d, in_force([p, d], dt.date(2026, 8, 1), True) is d
    (True, True)
    """
    chosen = None
    for v in _candidates(versions, include_drafts):
        if v.effective <= day and (chosen is None or (v.effective, v.is_draft) > (chosen.effective, chosen.is_draft)):
            chosen = v
    return chosen


def valid_until(versions: list[PolicyVersion], version: PolicyVersion,
                include_drafts: bool | None = None) -> dt.date | None:
    """The day before the next version starts.

    With drafts taking part (by default: when `version` is itself a draft), a draft ends
    the published version before it; without them, only published versions do.
    """
    pool = _candidates(versions, version.is_draft if include_drafts is None else include_drafts)
    later = [v.effective for v in pool if v.effective > version.effective]
    return min(later) - dt.timedelta(days=1) if later else None


def overlapping(versions: list[PolicyVersion], start: dt.date, end: dt.date | None,
                include_drafts: bool) -> list[PolicyVersion]:
    """Versions in force at some day in [start, end] (end None = open)."""
    out = []
    pool = _candidates(versions, include_drafts)
    for v in pool:
        until = valid_until(pool, v, include_drafts)
        if (end is None or v.effective <= end) and (until is None or until >= start):
            out.append(v)
    return out


def duplicate_dates(policies: PolicySet) -> list[Diagnostic]:
    problems = []
    for name, versions in policies.versions.items():
        seen: dict[tuple, PolicyVersion] = {}
        for v in versions:
            key = (v.effective, v.is_draft)
            if key in seen:
                first = seen[key]
                problems.append(Diagnostic(
                    "overlapping-versions", f"two versions of `{name}` take effect on {v.effective}",
                    v.document.span(("effective",)), notes=(("the other one", first.document.span(("effective",))),),
                    help="give the later change a later effective date"))
            seen[key] = v
    return problems


def uses_order(policies: PolicySet) -> tuple[list[str], list[Diagnostic]]:
    """Policy names with every used policy before its users; cycles and unknown names reported."""
    problems: list[Diagnostic] = []
    graph: dict[str, set[str]] = {}
    for name, versions in policies.versions.items():
        deps: set[str] = set()
        for v in versions:
            for alias, used in v.uses.items():
                if used not in policies.versions:
                    as_alias = f" (as `{alias}`)" if alias != used else ""
                    problems.append(Diagnostic("unknown-policy", f"`{name}` uses unknown policy `{used}`{as_alias}",
                                               v.document.span(("uses", alias)),
                                               help=did_you_mean(used, policies.names())
                                               or f"known policies: {', '.join(policies.names())}"))
                else:
                    deps.add(used)
        graph[name] = deps
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, stack: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = stack[stack.index(name):] + [name]
            first = policies.versions[name][0]
            problems.append(Diagnostic("uses-cycle", "policies use each other: " + " → ".join(cycle),
                                       first.document.span(("uses",)), help="a used policy must not use its user"))
            return
        state[name] = 1
        for dep in sorted(graph.get(name, ())):
            visit(dep, stack + [name])
        state[name] = 2
        order.append(name)

    for name in sorted(graph):
        visit(name, [])
    return order, problems
