"""Which policies `frin validate FILE...` must decide again: the ones whose problems it reports.

A pre-commit hook validates the files a commit changes; deciding every example and searching
every process for them took seconds per file (the law search alone is most of it). Every
problem the examples and the search find is located in the file of the policy version whose
example or rule it is, and `validate` reports only the problems of the files the change can
bear on (`check.scope.relevant`): so deciding the other policies cannot change the report.

- a process version: that process and every policy that uses it, transitively;
- a law version: every process its jurisdiction binds by it (and whatever uses the law);
- a jurisdiction file: every policy of that jurisdiction (its currency, calendar and law
  decide their cases) and whatever uses them;
- a locale file: nothing. A locale holds texts, never figures: no rule, constraint, parameter
  or calendar reads it. The law search decides with stale figures allowed and judges by the
  constraints (`decide.enforce`), and never looks a locale up; an example's decision reads a
  locale only for the words of a stale figure's hold in the locale's language
  (`decide.stale.stale_violations`), which no `expect` compares and every evaluator
  writes from the same locale. Nor can it stop a decision: a phrase's placeholders are checked
  where the locale is loaded, names and form (`policy/locale.py`: plain `{name}`, no format a
  value might not take), and a locale with errors is not used. So a locale edit cannot change
  which action a case gets, what it costs or which constraint it breaks, and its own problems
  are the locale checks' (and the jurisdiction files' that list its language: `missing-locale`).

The law search's counts per constraint, printed for each jurisdiction whose law is among the
files reported, stay the same: every process of such a jurisdiction is searched (its law binds
them all).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["decided_again", "chosen_versions", "policies_at"]


def decided_again(catalog, paths: set[str] | None) -> set[str] | None:
    """The names of the policies whose examples and law search a `validate` reporting on
    `paths` (resolved file names; None: every file) must run; None: all of them."""
    names = policies_at(catalog, paths)
    if names is None:
        return None
    laws = {code for code, j in catalog.jurisdictions.by_code.items() if names & set(j.laws)}
    if laws:
        names |= {c.name for c in catalog.checked.values()     # the search's counts for a law: all its processes
                  if c.rules and c.jurisdiction is not None and c.jurisdiction.code in laws}
    return names


def policies_at(catalog, paths: set[str] | None) -> set[str] | None:
    """The names of the policies with a version in one of `paths` (resolved file names; None: all)."""
    if paths is None:
        return None
    return {v.name for v in catalog.policies.all() if str(Path(v.path).resolve()) in paths}


def chosen_versions(catalog, only: set[str] | None):
    """The checked versions of the policies named in `only` (None: all), in the catalog's order;
    the others are not even looked up (a snapshot's versions are decoded when first looked up)."""
    names = {v.key: v.name for v in catalog.policies.all()}
    return (catalog.checked[key] for key in catalog.checked
            if only is None or (names[key] if key in names else catalog.checked[key].name) in only)
