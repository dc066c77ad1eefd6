"""`explain --why-not ACTION`: what blocks an action, what must happen first, and when.

Three answers:

- the blocking conditions, from the trace: the failed parts of each rule that would take
  the action, or the earlier rule that decided instead;
- the steps first: the case projected forward as `frin timeline` does (decide/timeline.py:
  every step the ladder takes, on its date, if nobody pays), up to the first decision that
  is ACTION. Its date is the earliest the action can be decided if those steps are taken
  on time;
- by time alone: the first later date on which ACTION is the decision if nothing else
  happens on the case (nothing sent, nothing paid). A decision changes only on a date a
  condition compares with, so instead of re-deciding every day the search decides on the
  dates the traced conditions mention (each, and the day after), the dates the decision
  sets, and the days a used version changes, adding the dates each of those decisions
  mentions; a condition that flips only as interest accrues is not searched for.

Dates are clamped to the years Frist decides in, so a decision near the last one answers too.
"""
from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from ..core.errors import FristError

__all__ = ["WhyNot", "Step", "why_not", "render_why_not", "HORIZON_DAYS"]

HORIZON_DAYS = 3 * 366
MAX_DECISIONS = 500          # bound on the time-alone search (each decision adds a few dates)
ONE_DAY = dt.timedelta(days=1)


@dataclass
class Step:
    date: dt.date
    action: str
    rule: str
    fee: object = None
    deadline: dt.date | None = None


@dataclass
class WhyNot:
    action: str
    rules: list                    # RuleOutcome of rules with that action
    decided_by: str
    earliest: dt.date | None       # by time alone
    earliest_rule: str | None
    horizon: dt.date
    steps: list[Step] = field(default_factory=list)     # the steps the ladder takes first
    with_steps: dt.date | None = None                   # the first date ACTION is decided on the ladder
    with_steps_rule: str | None = None
    ladder_end: str | None = None                       # why the ladder stops without reaching it

    def to_json(self) -> dict:
        return {"action": self.action, "decided_by": self.decided_by,
                "earliest": _iso(self.earliest), "earliest_rule": self.earliest_rule,
                "steps_first": [{"date": s.date.isoformat(), "action": s.action, "rule": s.rule,
                                 "fee": None if s.fee is None else f"{s.fee:.2f}", "payment_deadline": _iso(s.deadline)}
                                for s in self.steps],
                "earliest_with_steps": _iso(self.with_steps), "earliest_with_steps_rule": self.with_steps_rule,
                "ladder_end": self.ladder_end, "horizon": self.horizon.isoformat()}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _plus(day: dt.date, delta: dt.timedelta) -> dt.date:
    """`day + delta`, kept within the years Frist decides in (values/time.py)."""
    from ..values.time import DATE_MAX, DATE_MIN
    try:
        return min(max(day + delta, DATE_MIN), DATE_MAX)
    except OverflowError:
        return DATE_MAX if delta.days > 0 else DATE_MIN


def why_not(decision, catalog, case, action: str, include_drafts: bool = False) -> WhyNot:
    outcomes = [o for o in decision.trace.rules if o.rule.rule.action == action]
    known = {r.rule.action for r in decision.version.rules}
    if action not in known:
        raise FristError(f"no rule of {decision.version.version.key} takes action `{action}` "
                         f"(actions: {', '.join(sorted(known))})")
    horizon = _plus(decision.as_of, dt.timedelta(days=HORIZON_DAYS))
    result = WhyNot(action, outcomes, decision.rule.rule.id, None, None, horizon)
    if decision.action == action:
        return result
    result.earliest, result.earliest_rule = _by_time(decision, catalog, case, action, include_drafts, horizon)
    _on_the_ladder(result, decision, catalog, case, include_drafts)
    return result


def _dates(decision) -> dict[int, dt.date]:
    return {k: v for k, v in decision.trace.values.items() if isinstance(v, dt.date) and not isinstance(v, dt.datetime)}


def _dates_in(decision, other, after: dt.date) -> set[dt.date]:
    """The fixed dates `decision`'s conditions compare with, and the day after each.

    A date that moves with the decision date (`as_of + 14 days`) never marks a day on which
    the decision changes, and following it would be the daily search again: an expression
    whose value differs in `other` (the same case decided on another day) is left out, as
    is the decision date itself.
    """
    mine, theirs = _dates(decision), _dates(other) if other is not None else {}
    out = set()
    for node, day in mine.items():
        if day == decision.as_of or (node in theirs and theirs[node] != day):
            continue
        out |= {day, _plus(day, ONE_DAY)}
    return {d for d in out if d > after}


def _version_days(catalog, decision, after: dt.date, until: dt.date) -> set[dt.date]:
    """The days a version of a policy involved in the decision takes effect."""
    return {v.effective for name in decision.bindings for v in catalog.versions(name) if after < v.effective <= until}


def _by_time(decision, catalog, case, action, include_drafts, horizon):
    from ..decide.decision import decide_case
    from ..policy.case import case_from_data, pin_decision_date_defaults
    # Fields that default to the decision date keep today's value on later days.
    case = case_from_data(pin_decision_date_defaults(case.raw, decision.as_of), case.path)
    start = decision.as_of
    try:
        previous = decide_case(catalog, case, _plus(start, ONE_DAY), decision.main, include_drafts, trace=True)
    except (FristError, OverflowError):
        previous = None
    if previous is not None and previous.action == action and _plus(start, ONE_DAY) > start:
        return _plus(start, ONE_DAY), previous.rule.rule.id
    queue = sorted(_dates_in(decision, previous, start) | _version_days(catalog, decision, start, horizon))
    heapq.heapify(queue)
    seen = set(queue)
    previous = decision
    for _ in range(MAX_DECISIONS):
        if not queue:
            break
        day = heapq.heappop(queue)
        if day > horizon:
            break
        try:
            later = decide_case(catalog, case, day, decision.main, include_drafts, trace=True)
        except (FristError, OverflowError):
            break
        if later.action == action:
            return day, later.rule.rule.id
        for d in _dates_in(later, previous, day) - seen:
            seen.add(d)
            heapq.heappush(queue, d)
        previous = later
    return None, None


def _on_the_ladder(result: WhyNot, decision, catalog, case, include_drafts) -> None:
    from ..decide.timeline import project
    try:
        timeline = project(catalog, case, decision.as_of, until=result.horizon, policy=decision.main,
                           include_drafts=include_drafts)
    except (FristError, OverflowError) as err:
        result.ladder_end = f"the projection stops: {err}"
        return
    for row in timeline.rows:
        d = row.decision
        if d.action == result.action:
            result.with_steps, result.with_steps_rule = row.date, d.rule.rule.id
            return
        if row.recorded:
            result.steps.append(Step(row.date, d.action, d.rule.rule.id, d.outputs.get("fee"),
                                     d.outputs.get("payment_deadline")))
    result.ladder_end = timeline.end


def render_why_not(result: WhyNot, decision, catalog, lang: str = "en", markdown: bool = False) -> str:
    from ..lang import types as T
    from ..lang.render import show
    from ..run.trace import SourceIndex, conditions
    from .text import Doc, voice_for
    voice = voice_for(decision, catalog, lang)
    w = voice.locale.words
    code = (lambda t: f"`{t}`") if markdown else (lambda t: t)
    sources = SourceIndex(decision.bindings)
    doc = Doc("")
    items = doc.section(w["why_not"].format(action=result.action))
    if decision.action == result.action:
        items.append((0, w["is_decision"].format(rule=result.decided_by)))
        return _render(doc, markdown)
    if not result.rules:
        items.append((0, w["all_aside"]))
    for outcome in result.rules:
        rule = outcome.rule.rule
        if outcome.matched is None:
            items.append((0, w["not_reached_by"].format(rule=rule.id, first=result.decided_by)))
            continue
        items.append((0, w["does_not_hold"].format(rule=rule.id)))
        _, parts = conditions(outcome.rule.when, decision.trace, sources, voice)
        for c in parts:
            if c.evaluated and not c.value:
                items.append((1, f"✗ {code(c.text)}   ⇒ {c.detail}"))
            elif not c.evaluated:
                items.append((1, f"· {code(c.text)}   ({w['not_evaluated']})"))
    if result.steps:
        items.append((0, w["first"].format(start=voice.date(decision.as_of))))
        for s in result.steps:
            fee = w["step_fee"].format(fee=show(s.fee, T.MONEY, voice)) if s.fee else ""
            deadline = w["step_deadline"].format(day=voice.date(s.deadline)) if s.deadline else ""
            items.append((1, w["step"].format(day=voice.date(s.date), action=s.action, rule=s.rule, fee=fee, deadline=deadline)))
    if result.with_steps is not None:
        key = "earliest_steps" if result.steps else "earliest_now"
        items.append((0, w[key].format(day=voice.date(result.with_steps), rule=result.with_steps_rule)))
    elif result.ladder_end:
        items.append((0, w["not_on_ladder"].format(end=result.ladder_end.rstrip("."))))
    if result.earliest is not None:
        items.append((0, w["time_alone"].format(day=voice.date(result.earliest), rule=result.earliest_rule)))
    else:
        items.append((0, w["never_alone"].format(day=voice.date(result.horizon))))
    return _render(doc, markdown)


def _render(doc, markdown: bool) -> str:
    from .text import render_doc
    text = render_doc(doc, markdown)
    # the empty title line of `Doc` (a section of an explanation printed just before)
    return text[text.index("\n") + 1:] if not markdown else text[text.index("\n## "):]
