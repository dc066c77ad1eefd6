"""A misspelt policy name is reported first, as the typo it is.

`policy: kravai` in `policies/kravia/2024-01-01.yaml` makes `kravia` unknown: every policy
that uses it fails with "uses unknown policy `kravia`" and one "unknown name `kravia`" per
`kravia.<name>` it reads (fifty in fiken-kravia), sorted before the one line that says what
is wrong. This pass puts the cause first with a "did you mean", points each user's
`unknown-policy` at it, and folds the follow-on unknown names of a used policy that does not
exist into a note on that user's `unknown-policy` (they say nothing the one line does not).
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..core.diagnostics import Capped, Diagnostic, did_you_mean

__all__ = ["typos_first"]

_UNKNOWN_POLICY = re.compile(r"^`(?P<user>[^`]+)` uses unknown policy `(?P<used>[^`]+)`(?: \(as `(?P<alias>[^`]+)`\))?$")
_MISFILED = re.compile(r"^file is in folder `(?P<folder>[^`]+)/` but `policy` is `(?P<policy>[^`]+)`$")
_UNKNOWN_NAME = re.compile(r"^unknown name `(?P<name>[^`]+)`$")


def _group(pattern: re.Pattern, text: str, name: str) -> str:
    """The group `name` of `pattern` matched on `text` ("" when it does not match or is empty)."""
    m = pattern.match(text)
    return (m[name] or "") if m else ""


def typos_first(problems: list[Diagnostic], known_policies) -> list[Diagnostic]:
    """`problems` with misspelt policy names first and their follow-on errors folded (see above)."""
    unknown: dict[str, list[Diagnostic]] = {}
    for d in problems:
        m = _UNKNOWN_POLICY.match(d.message) if d.code == "unknown-policy" else None
        if m:
            unknown.setdefault(m["used"], []).append(d)
    if not unknown:
        return problems
    causes: dict[int, Diagnostic] = {}
    cause_of: dict[str, Diagnostic] = {}
    for d in problems:
        m = _MISFILED.match(d.message) if d.code == "file-name-mismatch" else None
        if m and m["folder"] in unknown:
            users = sorted({_group(_UNKNOWN_POLICY, u.message, "user") for u in unknown[m["folder"]]})
            causes[id(d)] = replace(
                d, message=f"`policy` is `{m['policy']}` but the folder is `{m['folder']}/`, the name "
                           f"{', '.join(f'`{u}`' for u in users)} use(s): a typo?",
                help=f"did you mean `{m['folder']}`? correct `policy:` here; the errors of the policies that use "
                     f"`{m['folder']}` follow from this one")
            cause_of[m["folder"]] = causes[id(d)]
    unloaded = _unloaded(problems, unknown, causes)
    folded: dict[int, int] = {}          # id(unknown-policy diagnostic) -> unknown names folded into it
    dropped: set[int] = set()
    aliases = {}
    for used, found in unknown.items():
        for u in found:
            where = u.span.path if u.span is not None else u.path
            aliases[(where, _group(_UNKNOWN_POLICY, u.message, "alias") or used)] = u
    for d in problems:
        m = _UNKNOWN_NAME.match(d.message) if d.code == "unknown-name" else None
        owner = aliases.get((d.span.path if d.span is not None else d.path, m["name"])) if m else None
        if owner is not None:
            folded[id(owner)] = folded.get(id(owner), 0) + 1
            dropped.add(id(d))
    causes_first: list[Diagnostic] = []
    out_first: list[Diagnostic] = []
    out_rest: list[Diagnostic] = []
    for d in problems:
        if id(d) in dropped:
            continue
        if id(d) in causes:
            causes_first.append(causes[id(d)])
            continue
        m = _UNKNOWN_POLICY.match(d.message) if d.code == "unknown-policy" else None
        if m:
            cause = cause_of.get(m["used"])
            broken = unloaded.get(m["used"])
            typo = None if broken else did_you_mean(m["used"], known_policies)
            help = (f"`{cause.span.start if cause.span else cause.path}` misspells it (see above)" if cause
                    else f"`{broken.where}` keeps `{m['used']}` from loading (see above)" if broken
                    else typo or d.help)
            notes = d.notes + ((f"{folded[id(d)]} use(s) of `{m['alias'] or m['used']}.…` in this file fail with it "
                                "(not listed one by one)", None),) if id(d) in folded else d.notes
            d = replace(d, help=help, notes=notes)
            (out_first if cause is not None or broken is not None or typo else out_rest).append(d)
            continue
        out_rest.append(d)
    out = Capped(causes_first + out_first + out_rest)
    out.omitted = getattr(problems, "omitted", 0)
    return out


def _unloaded(problems: list[Diagnostic], unknown: dict[str, list[Diagnostic]],
              causes: dict[int, Diagnostic]) -> dict[str, Diagnostic]:
    """For a used policy that is unknown because its own file did not load (a tab, a YAML
    error): the first error in its folder, which `causes` gains so it is listed first. Without
    this the users' errors came first, with a "did you mean" pointing at another policy."""
    from pathlib import Path
    found: dict[str, Diagnostic] = {}
    for d in problems:
        where = d.span.path if d.span is not None else d.path
        if not d.is_error or not where or id(d) in causes:
            continue
        folder = Path(where).parent
        name = folder.parent.name if folder.name == "drafts" else folder.name
        if name in unknown and name not in found:
            found[name] = causes[id(d)] = d
    return found
