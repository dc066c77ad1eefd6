"""The named pipeline every command runs: load → schema+parse → versions → uses → check.

`load_catalog` returns a `Catalog` (every checked version, resolvable by date) and the
sorted diagnostics; commands decide what to do with errors (validate prints them all,
decide refuses to run on an invalid policy set).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic, Severity, sort_and_cap
from ..core.errors import UsageError
from ..core.memos import catalog_built
from ..policy.jurisdiction import Jurisdictions
from ..policy.jurisdiction_check import jurisdiction_problems, locale_problems
from ..policy.jurisdiction_files import load_jurisdictions
from ..policy.loader import find_policy_files, load_version
from ..policy.locale import load_locales
from ..policy.model import PolicySet, PolicyVersion
from ..policy.versions import duplicate_dates, in_force, overlapping, uses_order, valid_until
from ..run.runtime import Bound, CheckedVersion
from ..values.time import today_in
from .constraints_carried import carried_constraints
from .policy import check_version

__all__ = ["Catalog", "load_catalog", "review_warnings"]


@dataclass
class Catalog:
    """Every checked policy version, by name, resolvable by date."""

    policies: PolicySet
    checked: MutableMapping[str, CheckedVersion] = field(default_factory=dict)    # key → checked (lazy from a snapshot)
    compiled: dict[tuple, Any] = field(default_factory=dict, repr=False)  # bound keys → CompiledPolicy (run/compiler.py)
    jurisdictions: Jurisdictions = field(default_factory=lambda: Jurisdictions({}, None), repr=False)
    locales: dict = field(default_factory=dict, repr=False)                 # language → policy.locale.Locale
    carried: dict = field(default_factory=dict, repr=False)                 # version key → carried constraints
    judged_histories: dict = field(default_factory=dict, repr=False)        # decide/history.py: judgments of this catalog
    answers: dict = field(default_factory=dict, repr=False, compare=False)  # `bound`/`resolved`: (its tables, answers)

    def __post_init__(self) -> None:
        catalog_built()         # the process-wide memos keep only the last few catalogs alive (core/memos.py)

    def versions(self, name: str) -> list[PolicyVersion]:
        return self.policies.versions.get(name, [])

    def resolve(self, name: str, day: dt.date, include_drafts: bool = False, pinned: str | None = None) -> CheckedVersion:
        versions = self.versions(name)
        if not versions:
            from ..core.diagnostics import did_you_mean
            known = ", ".join(self.policies.names()) or "none"
            typo = did_you_mean(name, self.policies.names())
            raise UsageError(f"unknown policy `{name}`{f': {typo}' if typo else ''} (known: {known})")
        if pinned is not None:
            # `2027-01-01-draft` names the draft; a bare date the published version, else a draft of that date
            exact = [v for v in versions if v.label == pinned] or [v for v in versions if v.effective.isoformat() == pinned]
            if exact:
                return self.checked[exact[0].key]
            raise UsageError(f"policy `{name}` has no version {pinned} "
                             f"(versions: {', '.join(v.label for v in versions)})")
        version = in_force(versions, day, include_drafts)
        if version is None:
            first = min(v.effective for v in versions)
            raise UsageError(f"no version of `{name}` is in force on {day} (the first takes effect {first})")
        return self.checked[version.key]

    def jurisdiction(self, policy: str | None = None):
        """The jurisdiction of `policy` (NAME or NAME@VERSION; its versions share one), else the default one."""
        name = (policy or "").partition("@")[0]
        versions = [v for v in self.versions(name) if v.key in self.checked]
        if versions and self.checked[versions[0].key].jurisdiction is not None:
            return self.checked[versions[0].key].jurisdiction
        return self.jurisdictions.of(None)

    def today(self, policy: str | None = None) -> dt.date:
        """Today's date where `policy` applies: in its jurisdiction's time zone (else the default
        jurisdiction's; the machine's date only for a catalog without any jurisdiction file)."""
        found = self.jurisdiction(policy)
        return today_in(found.timezone) if found is not None else dt.date.today()

    def laws_of(self, checked: CheckedVersion) -> tuple[str, ...]:
        """The law policies that bind `checked` by its jurisdiction (docs/law-enforces.md): every
        process policy (one with rules) of a jurisdiction is bound by the law it names, whether or
        not the process `uses` it. A law policy binds no other law."""
        j = checked.jurisdiction
        if j is None or not checked.rules:
            return ()
        return tuple(law for law in j.laws if law != checked.name and law in self.policies.versions)

    def bound(self, main: CheckedVersion, day: dt.date, include_drafts: bool = False) -> dict[str, Bound]:
        """`bind`, the same dict for the same question (callers never change it): a history, the law
        search and a batch bind the same few hundred days thousands of times. An error is not kept."""
        memo = self._answers()
        key = ("bind", id(main), day, include_drafts)
        got = memo.get(key)
        if got is None or got[0] is not main:
            got = memo[key] = (main, self.bind(main, day, include_drafts))     # `main` kept: its id is not reused
        bindings: dict[str, Bound] = got[1]
        return bindings

    def resolved(self, name: str, day: dt.date, include_drafts: bool = False, pinned: str | None = None) -> CheckedVersion:
        """`resolve`, asked once per question (an error is not kept: it is raised again)."""
        memo = self._answers()
        key = ("resolve", name, day, include_drafts, pinned)
        if key not in memo:
            memo[key] = self.resolve(name, day, include_drafts, pinned)
        version: CheckedVersion = memo[key]
        return version

    def _answers(self) -> dict:
        """The kept answers, forgotten when the version tables are replaced (a test may swap
        `checked` for a subset) or when they reach `_ANSWERS_KEPT`."""
        tables = (id(self.checked), id(self.policies))
        if self.answers.get("tables") != tables or len(self.answers) >= _ANSWERS_KEPT:
            self.answers.clear()
            self.answers["tables"] = tables
        return self.answers

    def bind(self, main: CheckedVersion, day: dt.date, include_drafts: bool = False) -> dict[str, Bound]:
        """The main version, its jurisdiction's law and, transitively, every used policy's version
        in force on `day`."""
        bindings = {main.name: Bound(main)}
        pending = [main]
        first = True
        while pending:
            current = pending.pop()
            names = list(current.version.uses.values()) + (list(self.laws_of(main)) if first else [])
            first = False
            for used in names:
                if used not in bindings:
                    chosen = self.resolve(used, day, include_drafts)
                    carried = tuple((Bound(v), cc) for v, cc in carried_constraints(self, chosen))
                    bindings[used] = Bound(chosen, carried)
                    pending.append(chosen)
        return bindings


_ANSWERS_KEPT = 50_000      # days × versions kept per catalog (a run over every day of decades stays below)


def load_catalog(paths: Sequence[str | Path]) -> tuple[Catalog, list[Diagnostic]]:
    files, problems = find_policy_files(paths)
    jurisdictions, found = load_jurisdictions(paths)
    problems.extend(found)
    locales, broken_locales, found = load_locales(paths)
    problems.extend(found)
    problems.extend(locale_problems(jurisdictions, locales, broken_locales))
    policies = PolicySet()
    for path in files:
        version, found = load_version(path)
        problems.extend(found)
        if version is not None:
            policies.add(version)
    problems.extend(duplicate_dates(policies))
    problems.extend(jurisdiction_problems(policies, jurisdictions))
    order, found = uses_order(policies)
    problems.extend(found)
    catalog = Catalog(policies, jurisdictions=jurisdictions, locales=locales)
    if any(d.code == "uses-cycle" for d in found):
        return catalog, sort_and_cap(problems)
    for name in order:
        versions = policies.versions[name]
        for version in versions:
            until = valid_until(versions, version)
            options = {
                alias: [catalog.checked[u.key] for u in overlapping(
                    policies.versions.get(used, []), version.effective, until, include_drafts=version.is_draft)
                    if u.key in catalog.checked]
                for alias, used in version.uses.items() if used in policies.versions
            }
            catalog.checked[version.key] = check_version(version, options, problems,
                                                         jurisdictions.of(version.jurisdiction))
    return catalog, sort_and_cap(problems)


def review_warnings(catalog: Catalog, today: dt.date | None = None) -> list[Diagnostic]:
    """Figures in force today whose review date has passed (the 1 January / 1 July changes);
    `today` None: each policy's today, in its jurisdiction's time zone."""
    out = []
    for name in catalog.policies.names():
        version = in_force(catalog.versions(name), today or catalog.today(name))
        if version is None:
            continue
        for p in version.parameters.values():
            if p.review_by is not None and p.review_by < (today or catalog.today(name)):
                out.append(Diagnostic(
                    "review-overdue", f"`{p.name}` was due for review on {p.review_by} and is still in force",
                    p.span, severity=Severity.WARNING,
                    help=f"check the figure against its source ({p.source}) and add a new version of `{name}`"))
    return out
