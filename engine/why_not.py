"""`explain --why-not ACTION`: what blocks an action, and when time alone unblocks it.

The blocking conditions come from the trace (the failed parts of each rule that would
take the action, plus the earlier rule that decided instead). The earliest date is found
by deciding the same case on each later day with the compiled fast path, which is cheap
enough to search three years day by day; "time alone" means nothing else in the case
changes (no payment, no new step).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import FristError

__all__ = ["WhyNot", "why_not", "render_why_not", "HORIZON_DAYS"]

HORIZON_DAYS = 3 * 366


@dataclass
class WhyNot:
    action: str
    rules: list                    # RuleOutcome of rules with that action
    decided_by: str
    earliest: dt.date | None
    earliest_rule: str | None
    horizon: dt.date


def why_not(decision, catalog, case, action: str, include_drafts: bool = False) -> WhyNot:
    from .decision import decide_case
    outcomes = [o for o in decision.trace.rules if o.rule.rule.action == action]
    known = {o.rule.rule.action for o in decision.trace.rules}
    if not outcomes:
        raise FristError(f"no rule of {decision.version.version.key} takes action `{action}` "
                         f"(actions: {', '.join(sorted(known))})")
    earliest = earliest_rule = None
    day = decision.as_of
    horizon = decision.as_of + dt.timedelta(days=HORIZON_DAYS)
    if decision.action != action:
        from .case import case_from_data, pin_decision_date_defaults
        # Fields that default to the decision date keep today's value on later days.
        case = case_from_data(pin_decision_date_defaults(case.raw, decision.as_of), case.path)
        while day < horizon:
            day += dt.timedelta(days=1)
            try:
                later = decide_case(catalog, case, day, decision.main, include_drafts, fast=True)
            except FristError:
                break
            if later.action == action:
                earliest, earliest_rule = day, later.rule.rule.id
                break
    return WhyNot(action, outcomes, decision.rule.rule.id, earliest, earliest_rule, horizon)


def render_why_not(result: WhyNot, decision, lang: str = "en") -> str:
    from .trace import SourceIndex, conditions
    sources = SourceIndex(decision.bindings)
    lines = ["", f"Why not `{result.action}`?"]
    if decision.action == result.action:
        lines.append(f"  it is the decision (rule `{result.decided_by}`)")
        return "\n".join(lines) + "\n"
    for outcome in result.rules:
        rule = outcome.rule.rule
        if outcome.matched is None:
            lines.append(f"  rule `{rule.id}` was not reached: rule `{result.decided_by}` decided first")
            continue
        lines.append(f"  rule `{rule.id}` does not hold:")
        joiner, parts = conditions(outcome.rule.when, decision.trace, sources)
        for c in parts:
            if c.evaluated and not c.value:
                lines.append(f"    ✗ {c.text}   ⇒ {c.detail}")
            elif not c.evaluated:
                lines.append(f"    · {c.text}   (not evaluated)")
    if result.earliest is not None:
        lines.append(f"  by time alone it becomes the decision on {result.earliest} (rule `{result.earliest_rule}`),")
        lines.append("  if nothing else in the case changes")
    else:
        lines.append(f"  time alone does not make it the decision before {result.horizon}")
    return "\n".join(lines) + "\n"
