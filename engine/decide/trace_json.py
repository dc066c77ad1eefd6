"""The `trace` member of a decision's JSON: every rule, matched or not, with its conditions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..lang.render import Voice, to_json
from ..run.trace import SourceIndex, conditions

if TYPE_CHECKING:
    from ..run.runtime import Bound, Trace

__all__ = ["trace_to_json"]


def trace_to_json(trace: Trace, bindings: dict[str, Bound], main: str) -> dict:
    """The trace of one decision: its `trace`, the versions in force (`bindings`), the deciding policy."""
    sources = SourceIndex(bindings)
    voice = Voice.of(bindings[main].checked.jurisdiction)
    rules = []
    for outcome in trace.rules:
        rule = outcome.rule
        entry: dict[str, Any] = {"rule": rule.rule.id, "action": rule.rule.action,
                 "matched": outcome.matched if outcome.matched is not None else "not reached"}
        if outcome.matched is not None:
            joiner, parts = conditions(rule.when, trace, sources, voice)
            entry["when"] = sources.text(rule.when)
            entry["conditions"] = [
                {"expr": c.text, "value": c.value if c.evaluated else "not evaluated", "detail": c.detail}
                for c in parts
            ]
            if joiner:
                entry["joined_by"] = joiner
        rules.append(entry)
    definitions = [
        {"policy": policy, "name": name, "value": to_json(value, bindings[policy].checked.definitions[name].type)}
        for policy, name, value in trace.definitions
    ]
    figures = []
    for (policy, name), bound in sorted(trace.params_read.items()):
        p = bound.version.parameters[name]
        value = bound.checked.params[name]
        figures.append({"policy": policy, "version": bound.version.effective.isoformat(), "name": name,
                        "value": _figure_json(value, p.type), "source": p.source,
                        "review_by": p.review_by.isoformat() if p.review_by else None})
    return {"rules": rules, "definitions": definitions, "figures": figures}


def _figure_json(value, typ):
    from ..lang import types as T
    if isinstance(typ, T.Schedule):
        return [{"from": start.isoformat(), "value": to_json(v, typ.value)} for start, v in value]
    if isinstance(typ, T.Table):
        return [{"up_to": to_json(k, typ.key), "value": to_json(v, typ.value)} for k, v in value]
    return to_json(value, typ)
