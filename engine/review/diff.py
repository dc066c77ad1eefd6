"""Policy diff: what changed between two versions, in the file and in the decisions it makes.

`version_changes` compares the two files (parameters, definitions, rules, steps, amounts,
uses) as written, with each parameter's resolved value beside its expression.
`compare_cases` decides every case under both versions on the same date, so the used
policies (the law) are the same on both sides and only the compared change shows, and
names for each changed decision the deciding rule and the changed figures and definitions
it read.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..core.errors import CaseError, EvaluationError, UsageError
from ..lang import ast
from ..lang.render import Voice, show
from ..policy.outputs import all_outputs, compared

if TYPE_CHECKING:
    from ..policy.case import LoadedCase
    from ..policy.model import PolicyVersion
    from ..run.runtime import CheckedVersion
    from .sources import PinnedCatalog

__all__ = ["Side", "Change", "CaseResult", "version_changes", "compare_cases", "decision_fields"]



def decision_fields() -> tuple[str, ...]:
    """The decision fields a diff compares: action, rule, step, then each output the
    registry marks `diff` (policy/outputs.py), in its order; amounts and claims set aside follow."""
    return ("action", "rule", "step", *(o.name for o in all_outputs() if o.diff))


@dataclass
class Side:
    """One side of the diff: how it was named, its catalog (pinned to it) and its version."""

    label: str
    catalog: PinnedCatalog
    checked: CheckedVersion

    @property
    def version(self) -> PolicyVersion:
        return self.checked.version


@dataclass
class Change:
    """An added, removed or changed item of the policy file, field by field."""

    kind: str                                   # parameter | definition | rule | set_aside | steps | amounts | uses
    name: str
    status: str                                 # added | removed | changed
    fields: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    where: str = ""                             # file:line:col of the item (new side, else old)
    source: str | None = None                   # a parameter's source (new side, else old), changed or not

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{re.sub(r'[^A-Za-z0-9_-]', '-', self.name)}"


def _text(raw: Any) -> str:
    """A YAML value as one line of text: strings as written, numbers (YAML decimals are
    `Decimal`s) and dates as written, mappings and lists as JSON."""
    if isinstance(raw, str):
        return " ".join(raw.split())
    if isinstance(raw, bool) or raw is None:
        return json.dumps(raw)
    if isinstance(raw, (int, float, Decimal, dt.date)):
        return raw.isoformat() if isinstance(raw, dt.date) else str(raw)
    return json.dumps(raw, ensure_ascii=False, default=_text)


def _param_text(checked: CheckedVersion, name: str) -> str:
    raw = checked.version.document.data["parameters"][name]
    p = checked.version.parameters[name]
    if "value" in raw:
        text = _text(raw["value"])
        if isinstance(p.value, ast.Literal):
            return text
        return f"{text} (= {show(checked.params.get(name), p.type, Voice.of(checked.jurisdiction))})"
    return ", ".join(f"≤ {_text(b['up_to'])}: {_text(b['value'])}" if "up_to" in b else f"above: {_text(b['value'])}"
                     for b in raw["brackets"])


def _param_fields(checked: CheckedVersion, name: str) -> dict[str, str]:
    """The fields a reviewer compares; a schedule's entries one by one (`from 2026-07-01`),
    so a new half-year rate shows as one added entry, not as a rewritten list."""
    raw = checked.version.document.data["parameters"][name]
    if "schedule" in raw:
        out = {f"from {_text(e['from'])}": f"{_text(e['value'])} ({_text(e.get('source'))})"
               for e in sorted(raw["schedule"], key=lambda e: _text(e["from"]), reverse=True)}
        out["source"] = _text(raw.get("source"))
    else:
        out = {"value": _param_text(checked, name), "source": _text(raw.get("source"))}
    for key in ("max", "review_by"):
        if key in raw:
            out[key] = _text(raw[key])
    return out


def _rule_fields(raw: dict, index: int) -> dict[str, str]:
    out = {"position": str(index + 1)}
    out.update({k: _text(v) for k, v in raw.items() if k not in ("id", "explain")})
    out.update({f"explain.{lang}": _text(text) for lang, text in (raw.get("explain") or {}).items()})
    return out


def _where(version: PolicyVersion, path: tuple) -> str:
    """`file:line:col` of the key at `path` in the version's file."""
    return version.document.span(path, key=True).start


def _compare(kind: str, old: dict[str, dict[str, str]], new: dict[str, dict[str, str]], where) -> list[Change]:
    out = []
    for name in list(old) + [n for n in new if n not in old]:
        before, after = old.get(name), new.get(name)
        if before is None or after is None:
            status = "added" if before is None else "removed"
            shown = after or before or {}            # the one side there is
            fields = [(k, None if before is None else v, v if before is None else None) for k, v in shown.items()]
        else:
            status = "changed"
            fields = [(k, before.get(k), after.get(k)) for k in list(before) + [k for k in after if k not in before]
                      if before.get(k) != after.get(k)]
            if not fields:
                continue
        out.append(Change(kind, name, status, fields, where(name, after is not None)))
    return out


def version_changes(old: CheckedVersion, new: CheckedVersion) -> list[Change]:
    """Every difference between two versions' files, in file order (parameters first)."""
    o, n = old.version, new.version
    od, nd = o.document.data, n.document.data

    def where(section: str):
        def at(name: str, on_new: bool) -> str:
            version, data = (n, nd) if on_new else (o, od)
            if section in ("rules", "set_aside"):
                return _where(version, (section, next(i for i, r in enumerate(data[section]) if r["id"] == name), "id"))
            return _where(version, (section, name))
        return at

    before, after = {k: _param_fields(old, k) for k in o.parameters}, {k: _param_fields(new, k) for k in n.parameters}
    changes = _compare("parameter", before, after, where("parameters"))
    for c in changes:       # the summary names each changed figure's source, also one that did not change
        c.source = (after.get(c.name) or before[c.name]).get("source")
        c.source = None if c.source == "null" else c.source     # no `source:` written (validate says so)
    changes += _compare("definition", {k: {"expression": _text(v)} for k, v in (od.get("definitions") or {}).items()},
                        {k: {"expression": _text(v)} for k, v in (nd.get("definitions") or {}).items()},
                        where("definitions"))
    changes += _compare("rule", {r["id"]: _rule_fields(r, i) for i, r in enumerate(od.get("rules") or ())},
                        {r["id"]: _rule_fields(r, i) for i, r in enumerate(nd.get("rules") or ())}, where("rules"))
    changes += _compare("set_aside", {r["id"]: _rule_fields(r, i) for i, r in enumerate(od.get("set_aside") or ())},
                        {r["id"]: _rule_fields(r, i) for i, r in enumerate(nd.get("set_aside") or ())}, where("set_aside"))
    for section in ("steps", "amounts", "uses"):
        before, after = od.get(section), nd.get(section)
        if before != after:
            changes.append(Change(section, section, "changed", [(section, _text(before), _text(after))],
                                  _where(n, (section,)) if after is not None else _where(o, (section,))))
    return changes


@dataclass
class CaseResult:
    """One case decided under both versions."""

    path: str
    case_id: str
    as_of: dt.date | None
    old: dict | None = None                     # decision JSON (no trace)
    new: dict | None = None
    old_error: str | None = None
    new_error: str | None = None
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)        # changed parameters the decisions read
    definitions: list[str] = field(default_factory=list)    # changed definitions the decisions evaluated
    affected: bool = True                       # False: neither side's decision used the compared policy
    whole: list[tuple[str, Any, Any]] = field(default_factory=list)   # every field on both sides, for the page's <details>

    @property
    def changed(self) -> bool:
        return bool(self.fields) or self.old_error != self.new_error

    @property
    def kind(self) -> str:
        if self.old_error or self.new_error:
            return "error on both sides" if self.old_error and self.new_error else (
                "now fails" if self.new_error else "no longer fails")
        assert self.old is not None and self.new is not None     # no error: a decision on each side
        old, new = self.old["action"], self.new["action"]
        if old != new:
            return f"{old} → {new}"
        return f"{new}: " + ", ".join(f for f, _, _ in self.fields) + " changed"

    @property
    def rules(self) -> tuple[str | None, str | None]:
        return (self.old or {}).get("rule"), (self.new or {}).get("rule")


class Warnings(str):
    """A decision's warnings joined with "; " (what JSON shows), keeping each `decide.notice.Notice`,
    so a page writes them in the reader's language (review/page_words.py)."""

    parts: tuple

    @classmethod
    def joined(cls, notices: list) -> Warnings | None:
        if not notices:
            return None
        self = cls("; ".join(notices))
        self.parts = tuple(notices)
        return self


def _flat(decision: dict) -> dict[str, Any]:
    out = {k: decision.get(k) for k in decision_fields()}
    out.update({o.name: compared(o, out[o.name]) for o in all_outputs() if o.diff})
    out.update({f"amounts.{k}": v for k, v in decision["amounts"].items()})
    out["set_aside"] = ", ".join(f"{s['claim']}: {s['reason']}" for s in decision.get("set_aside", ())) or None
    return out


def _decide(side: Side, case: LoadedCase, as_of: dt.date, override: str | None, drafts: bool):
    from ..decide.decision import decide_case
    try:
        decision = decide_case(side.catalog, case, as_of, override, drafts, trace=True)
    except (CaseError, UsageError, EvaluationError) as err:
        detail = err.diagnostics[0].message if isinstance(err, CaseError) else str(err)
        return None, f"{type(err).__name__}: {detail}"
    return decision, None


def _on(value: Any, day: dt.date) -> Any:
    """A figure as a decision on `day` can see it: a schedule without its later entries."""
    if isinstance(value, list) and value and isinstance(value[0], tuple) and isinstance(value[0][0], dt.date):
        return [entry for entry in value if entry[0] <= day]
    return value


def compare_cases(old: Side, new: Side, cases: list[LoadedCase], as_of: dt.date | None, default_day: dt.date,
                  changes: list[Change]) -> list[CaseResult]:
    """Decide every case under both sides; return one result per case, in the given order."""
    names = {old.version.name, new.version.name}
    override = (None, None) if len(names) == 1 else (old.version.key, new.version.key)
    drafts = old.version.is_draft or new.version.is_draft
    changed_params = {c.name for c in changes if c.kind == "parameter"
                      and c.name in old.checked.params and c.name in new.checked.params}
    changed_defs = {c.name for c in changes if c.kind == "definition"}
    out = []
    for case in cases:
        day = as_of or case.data.get("as_of") or default_day
        result = CaseResult(case.path, case.case_id, day)
        read: set[tuple[str, str]] = set()
        evaluated: set[tuple[str, str]] = set()
        used = False
        notices: dict[str, list] = {}
        for side, slot, pin in ((old, "old", override[0]), (new, "new", override[1])):
            decision, error = _decide(side, case, day, pin, drafts)
            setattr(result, f"{slot}_error", error)
            if decision is None:
                used = True
                continue
            setattr(result, slot, decision.to_dict(include_trace=False))
            notices[slot] = list(decision.warnings)
            used = used or side.version.name in decision.bindings
            read |= set(decision.trace.params_read)
            evaluated |= {(policy, name) for policy, name, _ in decision.trace.definitions}
        result.affected = used
        if result.old is not None and result.new is not None:
            before, after = _flat(result.old), _flat(result.new)
            result.whole = [(k, before.get(k), after.get(k)) for k in list(before) + [k for k in after if k not in before]]
            result.fields = [(k, o, n) for k, o, n in result.whole if o != n]
            # a changed decision shows both sides' warnings where they differ: a fee the law judged
            # differently under the other version (not owed, or only its excess) explains the change
            if result.fields and result.old["warnings"] != result.new["warnings"]:
                result.fields.append(("warnings", Warnings.joined(notices["old"]), Warnings.joined(notices["new"])))
            if notices["old"] or notices["new"]:
                result.whole.append(("warnings", Warnings.joined(notices["old"]), Warnings.joined(notices["new"])))
        result.figures = sorted(name for policy, name in read if policy in names and name in changed_params
                                and _on(old.checked.params[name], day) != _on(new.checked.params[name], day))
        result.definitions = sorted(name for policy, name in evaluated if policy in names and name in changed_defs)
        out.append(result)
    return out
