"""Checks that tie each policy version to its jurisdiction (policy/jurisdiction.py).

* the jurisdiction a version names exists (or, naming none, a default one does);
* every text of the version (title, each rule's and set-aside reason's `explain`, each
  constraint's text) is written in every language the jurisdiction lists;
* every version of a policy belongs to the same jurisdiction (its today, its calendar);
* a version uses only policies of its own jurisdiction, so amounts of two currencies never
  meet in one decision (a Money value carries no currency at run time: one decision has one);
* the law a jurisdiction names (`law.policies`) is in the catalog wherever a process policy of
  that jurisdiction is: the law binds the process whether or not it `uses` it. A process left
  unbound in a catalog that holds a law (its jurisdiction's law missing while another law is
  there, or a jurisdiction naming no law beside a law policy of that jurisdiction) is an error
  (`unbound-by-law`): a law in the catalog must not be escaped by a missing or law-less
  jurisdiction. A catalog holding no law at all decides unbound with a warning only (the
  catalog is the operator's choice, e.g. a test catalog of one process; the bundled catalog
  holds its laws).
"""
from __future__ import annotations

from collections.abc import Iterator

from ..core.diagnostics import Diagnostic, Severity
from .jurisdiction import Jurisdiction, Jurisdictions, unknown_jurisdiction
from .model import PolicySet, PolicyVersion

__all__ = ["jurisdiction_problems", "locale_problems"]


def locale_problems(jurisdictions: Jurisdictions, locales: dict, broken: set[str]) -> list[Diagnostic]:
    """Every language a jurisdiction lists has a locale file (the words of its explanations)."""
    out = []
    for j in jurisdictions.by_code.values():
        for lang in j.languages:
            if lang not in locales and lang not in broken:
                out.append(Diagnostic(
                    "missing-locale", f"jurisdiction {j.code} explains in `{lang}`, but there is no locale file "
                    f"`locales/{lang}.yaml` beside the policy folders or in the bundled catalog", j.span,
                    help=f"add `locales/{lang}.yaml` (schemas/locale.schema.json; copy the bundled en.yaml and translate it)"))
    return out


def jurisdiction_problems(policies: PolicySet, jurisdictions: Jurisdictions) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    laws = _laws_held(policies, jurisdictions)
    for name in policies.names():
        first = None
        for version in policies.versions[name]:
            found = jurisdictions.of(version.jurisdiction)
            if found is not None and first is not None and found.code != first[1].code:
                out.append(Diagnostic(
                    "jurisdiction-changed", f"{first[0].key} is a policy of jurisdiction {first[1].code}, "
                    f"this version of {found.code}", version.document.span(("jurisdiction",) if version.jurisdiction else ("policy",)),
                    help="every version of a policy belongs to one jurisdiction: start a policy of another name"))
            first = first or ((version, found) if found is not None else None)
            if found is None:
                if not jurisdictions.broken:         # else its file's own errors say why
                    out.append(_missing(version, jurisdictions))
                continue
            out.extend(_languages(version, found))
            out.extend(_uses(version, found, policies, jurisdictions))
            if version is policies.versions[name][-1]:        # once per policy: its latest version
                out.extend(_law_present(version, found, policies, laws))
    return out


def _laws_held(policies: PolicySet, jurisdictions: Jurisdictions) -> dict[str, str | None]:
    """The law policies the catalog holds, with their jurisdiction's code: those a jurisdiction
    names under `law.policies`, and any policy that constrains others (constraints, no rules)."""
    named = {law for j in jurisdictions.by_code.values() for law in j.laws}
    held = {}
    for name in policies.names():
        versions = policies.versions[name]
        if name in named or any(v.constraints and not v.rules for v in versions):
            found = jurisdictions.of(versions[-1].jurisdiction)
            held[name] = found.code if found is not None else None
    return held


def _law_present(version: PolicyVersion, jurisdiction: Jurisdiction, policies: PolicySet,
                 laws: dict[str, str | None]) -> list[Diagnostic]:
    """A process policy (one with rules) of a jurisdiction whose law is not in the catalog: an
    error where the catalog holds a law (the process would escape it), else a warning."""
    if not version.rules:
        return []
    at = version.document.span(("policy",))
    if not jurisdiction.laws:
        own = sorted(law for law, code in laws.items() if code == jurisdiction.code and law != version.name)
        if not own:
            return []
        return [Diagnostic(
            "unbound-by-law", f"{version.key} is a process of jurisdiction {jurisdiction.code}, whose file names no law "
            f"(`law.policies`), but the catalog holds {', '.join(f'`{law}`' for law in own)}, a law of "
            f"{jurisdiction.code}: its decisions here would be bound by no law", at,
            help=f"name the law in {jurisdiction.path} (`law: {{policies: [{own[0]}], ...}}`, as the bundled "
                 f"jurisdictions/{jurisdiction.code}.yaml does), or give the policies without it")]
    missing = [law for law in jurisdiction.laws if law != version.name and law not in policies.versions]
    if not missing:
        return []
    others = sorted(law for law in laws if law != version.name)
    held = f" (the catalog holds {', '.join(f'`{law}`' for law in others)}, so leaving it out is no choice of a " \
        "catalog without laws)" if others else ""
    return [Diagnostic(
        "unbound-by-law", f"{version.key} is a process of jurisdiction {jurisdiction.code}, whose law "
        f"({', '.join(missing)}) binds it, but the catalog holds no version of {', '.join(f'`{m}`' for m in missing)}: "
        f"its decisions here are bound by no law{held}", at,
        severity=Severity.ERROR if others else Severity.WARNING,
        help=f"give the law's policy folder too (`{missing[0]}/`, bundled under policies/); "
             f"the jurisdiction file {jurisdiction.code}.yaml names it under `law.policies`")]


def _missing(version: PolicyVersion, jurisdictions: Jurisdictions) -> Diagnostic:
    doc = version.document
    if version.jurisdiction is not None:
        return unknown_jurisdiction(version.jurisdiction, jurisdictions, doc.span(("jurisdiction",)))
    return Diagnostic("no-jurisdiction", "this policy names no `jurisdiction:` and no jurisdiction file is marked "
                      "`default: true`", doc.span(("policy",)),
                      help="add `jurisdiction: <code>` naming a file in `jurisdictions/` beside the policy folders")


def _texts(version: PolicyVersion) -> Iterator[tuple[tuple, dict[str, str]]]:
    """(document path, {language: text}) of every text a reader of the policy sees."""
    yield ("title",), version.title
    for rule in version.rules:
        yield ("rules", rule.index, "explain"), rule.explain
    for reason in version.set_aside:
        yield ("set_aside", reason.index, "explain"), reason.explain
    for i, constraint in enumerate(version.constraints):
        yield ("constraints", i, "id"), constraint.text


def _languages(version: PolicyVersion, jurisdiction: Jurisdiction) -> list[Diagnostic]:
    out = []
    for at, text in _texts(version):
        missing = [lang for lang in jurisdiction.languages if lang not in text]
        if missing:
            out.append(Diagnostic(
                "missing-language", f"no text in {', '.join(missing)} here; jurisdiction {jurisdiction.code} explains "
                f"in {', '.join(jurisdiction.languages)}", version.document.span(at),
                help=f"add `{missing[0]}: \"...\"` (every language of {jurisdiction.path})"))
    return out


def _uses(version: PolicyVersion, jurisdiction: Jurisdiction, policies: PolicySet,
          jurisdictions: Jurisdictions) -> list[Diagnostic]:
    out = []
    for alias, used in version.uses.items():
        for other in policies.versions.get(used, []):
            theirs = jurisdictions.of(other.jurisdiction)
            if theirs is not None and theirs.code != jurisdiction.code:
                out.append(Diagnostic(
                    "jurisdiction-mismatch",
                    f"`{used}` ({other.key}) is a policy of jurisdiction {theirs.code} ({theirs.currency}), "
                    f"this one of {jurisdiction.code} ({jurisdiction.currency})", version.document.span(("uses", alias)),
                    help="a policy uses only policies of its own jurisdiction: amounts of two currencies never mix"))
                break
    return out
