"""Root cause first: a mistake in a used policy (the law) is reported in the law's file.

When a law version drops or renames a figure, or a figure fails its own check, every
policy that reads it fails with "`no-regulation` has no parameter or definition `x`" and
a "did you mean" that may suggest the misspelt new name. This pass adds the error at the
cause (`removed-figure` in the law file, naming its readers) and rewrites each
consequence to point there instead of guessing a name.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..core.diagnostics import Diagnostic, suggest

__all__ = ["explain_consequences"]

_NO_NAME = re.compile(r"^`(?P<policy>[^`]+)` has no parameter or definition `(?P<name>[^`]+)`$")


def _declared(version) -> set[str]:
    return set(version.parameters) | set(version.definitions)


def _checked_names(catalog, version) -> set[str]:
    checked = catalog.checked.get(version.key)
    return set(checked.params) | {n for n, e in checked.definitions.items() if e.type is not None} if checked else set()


def explain_consequences(catalog, problems: list[Diagnostic]) -> list[Diagnostic]:
    readers: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in problems:
        m = _NO_NAME.match(d.message) if d.code == "unknown-name" else None
        if m:
            readers.setdefault((m["policy"], m["name"]), []).append(d)
    if not readers:
        return problems
    added, rewritten = [], {}
    for (policy, name), found in readers.items():
        versions = catalog.versions(policy)
        lacking = [v for v in versions if name not in _declared(v)]
        broken = [v for v in versions if name in _declared(v) and name not in _checked_names(catalog, v)]
        who = sorted({d.span.path for d in found if d.span is not None})
        if lacking and len(lacking) < len(versions):
            for v in lacking:
                having = [o for o in versions if name in _declared(o)]
                closest = max(having, key=lambda o: (o.effective <= v.effective, o.effective))
                new_names = sorted(_declared(v) - _declared(closest))
                renamed = suggest(name, new_names, n=1)
                where = (("parameters", renamed[0]) if renamed and renamed[0] in v.parameters
                         else ("definitions", renamed[0]) if renamed else ("parameters",))
                added.append(Diagnostic(
                    "removed-figure", f"`{name}` is read by {', '.join(who)} but {v.key} no longer has it "
                    f"({closest.key} does)" + (f"; was it renamed to `{renamed[0]}` here?" if renamed else ""),
                    v.document.span(where, key=True),
                    help=f"keep the name `{name}`: the policies that use this one read it by that name"))
            cause = f"{lacking[0].key} ({lacking[0].path}) dropped or renamed `{name}`"
        elif broken:
            v = broken[0]
            at = v.document.span(("parameters", name) if name in v.parameters else ("definitions", name), key=True)
            cause = f"`{name}` in {v.key} has its own error ({at.start})"
        else:
            continue
        for d in found:
            rewritten[id(d)] = replace(d, help=f"fix `{policy}` first, not this file: {cause}")
        own = {v.path for v in lacking}
        for d in problems:     # the policy's own uses of the dropped name: no guess at the new name
            if d.code == "unknown-name" and d.message == f"unknown name `{name}`" and d.span and d.span.path in own:
                rewritten[id(d)] = replace(d, help=f"keep the name `{name}`: it was dropped or renamed in this version")
    return added + [rewritten.get(id(d), d) for d in problems]
