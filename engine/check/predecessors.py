"""A new version checked against the version before it (issue 11, #4).

Most mistakes in a routine law change are only visible next to the previous version:

- `history-changed` (error): a schedule entry dated before this version's effective date
  differs from the predecessor's entry (value or source), is new or was removed. History is
  what every older decision was computed with; correct it only with an explicit, cited
  `corrects: "..."` on the entry.
- `entry-after-effective` (error): a new entry dated after this version's effective date
  (a figure that is not in force yet belongs in the version of its own date), unless cited
  with `corrects:` (e.g. announced in the same regulation); one the predecessor already
  held unchanged is carried over.
- `unit-changed` (error): a figure whose unit changed (`780` where the predecessor had
  `750 NOK`): every expression that uses it would fail far from here.
- `implausible-value` (error): a percent outside 0-100 %, a negative amount, or a Money
  figure derived from another in the predecessor (a fee as a fraction of the sats) that is
  now above it.
- `review-date-passed` (warning): a `review_by` on or before the version's own effective
  date (a copied figure whose next review date was not moved on); not for a draft, whose
  figures are placeholders until it is published.
- `source-unchanged` (warning): a figure written as a value (not derived from another
  figure) that changed while its `source` did not (still citing last year's regulation).

The predecessor of a version is the latest published version of the same policy with an
earlier effective date. The first version of a policy is only checked for plausibility.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..core.diagnostics import Diagnostic, Severity
from ..lang import ast
from ..lang import types as T
from ..lang.render import Voice, show
from .constraints_carried import carried_problems, predecessor

__all__ = ["predecessor_problems", "predecessor"]


def predecessor_problems(catalog) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for name in catalog.policies.names():
        versions = catalog.versions(name)
        for version in versions:
            new = catalog.checked.get(version.key)
            if new is None:
                continue
            _plausible(new, out)
            before = predecessor(versions, version)
            old = catalog.checked.get(before.key) if before is not None else None
            if old is not None:
                _against(old, new, out)
                out.extend(carried_problems(old, new))
    return out


def _raw(checked, name: str) -> dict:
    return checked.version.document.data["parameters"][name]


def _value_span(checked, name: str):
    p = checked.version.parameters[name]
    return p.value.span if p.value is not None and p.value.span is not None else p.span


def _plausible(checked, out: list[Diagnostic]) -> None:
    for p in checked.version.parameters.values():
        if p.review_by is not None and p.review_by <= checked.version.effective and not checked.version.is_draft:
            out.append(Diagnostic(
                "review-date-passed", f"`{p.name}` is due for review on {p.review_by}, when this version is already in force",
                checked.version.document.span(("parameters", p.name, "review_by")), severity=Severity.WARNING,
                help="set `review_by` to the date the figure is next due for review (the next 1 January or 1 July)"))
    for name, typ in checked.param_types.items():
        value = checked.params.get(name)
        inner = typ.value if isinstance(typ, (T.Schedule, T.Table)) else typ
        values = [v for _, v in value] if isinstance(typ, (T.Schedule, T.Table)) else [value]
        for v in values:
            if not isinstance(v, (Decimal, int)) or isinstance(v, bool):
                continue
            if inner == T.PERCENT and not (0 <= v <= 1):          # percents are stored as fractions
                out.append(Diagnostic("implausible-value", f"`{name}` is {show(v, T.PERCENT, Voice.of(checked.jurisdiction))}: a rate is between 0 % and 100 %",
                                      _value_span(checked, name), help="check the figure against its source (a misplaced decimal point?)"))
            elif inner in (T.MONEY, T.DAYS) and v < 0:
                out.append(Diagnostic("implausible-value",
                                      f"`{name}` is {show(v, inner, Voice.of(checked.jurisdiction))}: a regulated figure is never negative",
                                      _value_span(checked, name), help="check the figure against its source"))


def _derived_from(checked, name: str) -> set[str]:
    p = checked.version.parameters[name]
    if p.value is None:
        return set()
    return {n.parts[0] for n in ast.walk(p.value) if isinstance(n, ast.Path) and n.parts[0] in checked.version.parameters
            and n.parts[0] != name}


def _against(old, new, out: list[Diagnostic]) -> None:
    v = new.version
    for name, typ in new.param_types.items():
        if name not in old.param_types:
            continue
        if old.param_types[name] != typ:
            out.append(Diagnostic(
                "unit-changed", f"`{name}` is {typ} here but {old.param_types[name]} in {old.version.key}",
                _value_span(new, name), notes=(("the previous version's figure", _value_span(old, name)),),
                help=f"write it with its unit, e.g. `{show(old.params[name], old.param_types[name], Voice.of(new.jurisdiction))}`"
                if not isinstance(typ, (T.Schedule, T.Table)) else "keep the unit every entry had"))
            continue
        raw_new, raw_old = _raw(new, name), _raw(old, name)
        if "schedule" in raw_new and "schedule" in raw_old:
            _schedule(old, new, name, out)
        elif (old.params.get(name) != new.params.get(name) and raw_new.get("source") == raw_old.get("source")
              and not _derived_from(new, name)):   # a derived figure is as current as the figures it reads
            out.append(_source_unchanged(new, name, old))
        if isinstance(typ, T.Type) and typ == T.MONEY:
            for base in _derived_from(old, name):
                if old.param_types.get(base) != T.MONEY or new.param_types.get(base) != T.MONEY:
                    continue
                if old.params[name] <= old.params[base] and new.params[name] > new.params[base]:
                    out.append(Diagnostic(
                        "implausible-value",
                        f"`{name}` is {show(new.params[name], T.MONEY, Voice.of(new.jurisdiction))}, "
                        f"above `{base}` ({show(new.params[base], T.MONEY, Voice.of(new.jurisdiction))}), "
                        f"which it was derived from in {old.version.key}", _value_span(new, name),
                        help=f"derive it from `{base}` as before, or check the figure against its source"))
    del v


def _source_unchanged(new, name: str, old) -> Diagnostic:
    return Diagnostic(
        "source-unchanged",
        f"`{name}` changed ({show(old.params[name], old.param_types[name], Voice.of(new.jurisdiction))} in {old.version.key}, "
        f"{show(new.params[name], new.param_types[name], Voice.of(new.jurisdiction))} here) but its `source` did not",
        new.version.document.span(("parameters", name, "source")), severity=Severity.WARNING,
        help="cite the regulation that sets the new figure")


def _entries(checked, name: str) -> dict[dt.date, tuple]:
    p = checked.version.parameters[name]
    values = dict(checked.params.get(name) or [])
    return {start: (values.get(start), source, span, i)
            for i, (start, _expr, source, span) in enumerate(sorted(p.schedule, key=lambda e: e[0], reverse=True))}


def _schedule(old, new, name: str, out: list[Diagnostic]) -> None:
    effective = new.version.effective
    raw = {str(e["from"]): e for e in _raw(new, name)["schedule"]}
    before, after = _entries(old, name), _entries(new, name)
    typ = new.param_types[name].value

    def cited(day: dt.date) -> bool:
        return "corrects" in raw.get(day.isoformat(), {})
    for day, (value, source, span, _) in after.items():
        carried = day in before and (before[day][0], before[day][1]) == (value, source)
        if day > effective and not cited(day) and not carried:
            out.append(Diagnostic(
                "entry-after-effective", f"`{name}` has an entry from {day}, after this version takes effect ({effective})",
                span, help=f"add it in a version effective {day}, or cite why it belongs here with `corrects: \"...\"`"))
        elif day < effective and not cited(day):
            was = before.get(day)
            if was is None:
                out.append(Diagnostic(
                    "history-changed", f"`{name}` gains an entry from {day}, before this version takes effect ({effective}); "
                    f"{old.version.key} has none", span,
                    help="history is what older decisions used: correct it only with a cited `corrects: \"...\"`"))
            elif (was[0], was[1]) != (value, source):
                old_text, new_text = f"{show(was[0], typ, Voice.of(new.jurisdiction))} ({was[1]})", f"{show(value, typ, Voice.of(new.jurisdiction))} ({source})"
                out.append(Diagnostic(
                    "history-changed", f"`{name}` from {day} was {old_text} in {old.version.key}, now {new_text}", span,
                    notes=(("the previous version's entry", was[2]),),
                    help="history is what older decisions used: restore the entry, or cite the correction with `corrects: \"...\"`"))
    for day, was in before.items():
        if day < effective and day not in after:
            out.append(Diagnostic(
                "history-changed", f"`{name}` lost its entry from {day} ({show(was[0], typ, Voice.of(new.jurisdiction))}, {was[1]}) that {old.version.key} has",
                new.version.parameters[name].span, notes=(("the previous version's entry", was[2]),),
                help="keep the full history: older decisions are recomputed with it"))
    current = [d for d in after if d <= effective]
    if current:
        newest = max(current)
        if newest not in before and newest == effective:
            previous = [d for d in before if d < newest]
            if previous and before[max(previous)][1] == after[newest][1]:
                out.append(Diagnostic(
                    "source-unchanged", f"`{name}`'s new entry from {newest} cites the same source as the one before it "
                    f"({after[newest][1]})", after[newest][2], severity=Severity.WARNING,
                    help="cite the regulation that sets the new figure"))
