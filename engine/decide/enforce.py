"""Judging one decision against the constraints of the policies its process uses.

This is the one implementation every path shares: `decide` and `explain` (reference
evaluator), `--no-trace` (compiled) and `batch` (columnar) each build the decision's
`record_of(...)` from their result and call `violations`. Constraints are evaluated by
the reference evaluator, in their own policy's scope, with `decision` added to the case;
on decide's fast path (`compiled`: the law search's 20,000 decisions) by compiled expressions
(run/compiled_values.py), with the reference judging again wherever anything raises.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..core import memos
from ..core.errors import EvaluationError
from ..lang.ast import Path, walk
from ..policy.model import Constraint
from ..policy.record import DECISION, binds, charges, record_of
from ..run.compiled_values import CompiledValues
from ..run.evaluator import Evaluator
from ..run.law_view import LawView, law_view, view_spec
from ..run.runtime import Bound, CheckedConstraint, CheckedVersion, Run

if TYPE_CHECKING:
    from ..core.source import Span
    from ..lang import ast
    from ..run.prefix_filter import Judgments, PrefixFilters

__all__ = ["Violation", "constrained", "violations", "judge", "amount_violations"]


@dataclass(frozen=True)
class Violation:
    """A constraint a proposed decision (or a recorded fee) breaks."""

    policy: str                 # the constraining version, name@effective
    constraint: Constraint

    @property
    def name(self) -> str:
        return f"{self.policy.partition('@')[0]}/{self.constraint.id}"

    @property
    def where(self) -> str:
        span = self.constraint.span
        return f"{span.path}:{span.line}:{span.col}"

    def to_json(self) -> dict:
        c = self.constraint
        return {"constraint": c.id, "policy": self.policy, "source": c.source, "text": dict(c.text), "at": self.where}


def constrained(bindings: dict[str, Bound], main: str) -> list[tuple[Bound, CheckedConstraint]]:
    """Every constraint that binds `main`: those of its jurisdiction's law and of the policies it
    uses (transitively), and those an earlier law version had that the bound one dropped
    without citing a repeal (`Bound.carried`)."""
    return [(b, cc) for name, b in sorted(bindings.items()) if name != main
            for b, cc in [(b, cc) for cc in b.checked.constraints] + list(b.carried)]


def violations(bindings: dict[str, Bound], main: str, case: dict, as_of: dt.date, record: dict,
               history: bool = False, reuse: dict | None = None, filters: PrefixFilters | None = None,
               tested: list | None = None, compiled: bool = False) -> list[Violation]:
    """The constraints `record` (a `record_of` the proposed decision) breaks, in file order.

    Args:
        case: the case's run-time data (as the evaluators saw it).
        history: judging a fee recorded in the case's events (skips `history: false` ones).
        reuse: definition values shared by several judgments of the same case, day and bindings
            (history.py judges one recorded fee at several amounts); only definitions that do not
            read `decision` are kept in it, so each is evaluated once per case and day.
        filters: a `PrefixFilters` kept over one history's judgments (run/prefix_filter.py).
        tested: receives "policy/constraint" of each constraint whose `when` held (it was tried).
        compiled: judge by compiled code (run/compiled_values.py) where nothing raises (decide's
            `fast`); otherwise the reference evaluator, so the verdict and any error are the same.

    Raises:
        EvaluationError: a constraint cannot be evaluated (the decision cannot be shown lawful).
    """
    pairs = constrained(bindings, main)
    if not pairs or not binds(record):
        return []
    if compiled:        # the filters and `reuse` are caches of the reference's values: not needed here
        judged = _compiled_judgment(bindings, main, pairs, {**case, DECISION: record}, as_of, history, reuse)
        if judged is not None:
            broken, names = judged
            if tested is not None:
                tested.extend(names)
            return broken
    evaluators: dict[int, Evaluator] = {}

    def evaluator_for(bound: Bound) -> Evaluator:
        key, own = _scope(bindings, bound)
        if key not in evaluators:
            known = dict(reuse) if key == 0 and reuse is not None else {}
            evaluators[key] = Evaluator(Run({**case, DECISION: record}, as_of, own, main, defs=known))
            evaluators[key].filters = filters
        return evaluators[key]

    found: list[Violation] = []
    sessions: dict[int, Judgments] = {}    # evaluator → its `Judgments` (run/prefix_filter.py)
    if filters is not None:             # the same judgment made for an earlier fee of the history may still hold
        verdict_key = ("verdict", history, tuple(record.items()), tuple((id(b.checked), id(cc)) for b, cc in pairs))
        known = filters.verdict(evaluator_for(pairs[0][0]), verdict_key)
        if known is not None:
            return list(known[0])
    for bound, checked in pairs:
        c = checked.constraint
        if history and not c.history:
            continue
        evaluator = evaluator_for(bound)
        try:
            kept = None
            if filters is not None:
                kept = sessions.get(id(evaluator)) or sessions.setdefault(id(evaluator), filters.judgments(evaluator, record))
            if checked.when is not None and not _value(evaluator, checked.when, bound, kept):
                continue
            if tested is not None:
                tested.append(f"{bound.version.name}/{c.id}")
            holds = _value(evaluator, checked.require, bound, kept)
        except EvaluationError as err:
            err.message = f"constraint `{c.id}` of {bound.version.key}: {err.message}"
            raise
        if not holds:
            found.append(Violation(bound.version.key, c))
    if filters is not None:
        filters.remember_verdict(evaluator_for(pairs[0][0]), verdict_key, list(sessions.values()), found)
    if reuse is not None and 0 in evaluators:
        reuse.update((k, v) for k, v in evaluators[0].run.defs.items() if not _reads_decision(bindings, k))
    return found


def _scope(bindings: dict[str, Bound], bound: Bound) -> tuple[int, dict[str, Bound]]:
    """(0, `bindings`) for a constraint of a bound version; for a carried one (`Bound.carried`: an
    earlier law version's, dropped without a cited repeal) (its id, the bindings with that earlier
    version in its place): it reads the definitions of the version it was written in."""
    if bindings.get(bound.version.name) is bound:
        return 0, bindings
    return id(bound), {**bindings, bound.version.name: bound}


def _compiled_judgment(bindings: dict[str, Bound], main: str, pairs: list, data: dict, as_of: dt.date, history: bool,
                       reuse: dict | None) -> tuple[list[Violation], list[str]] | None:
    """`violations` by compiled code: (broken, "policy/constraint" tried), or None where anything raised.
    `reuse` as for `violations`: definitions that do not read `decision`, shared by judgments."""
    scopes: dict[int, CompiledValues] = {}
    found, tested = [], []
    try:
        for bound, checked in pairs:
            c = checked.constraint
            if history and not c.history:
                continue
            key, own = _scope(bindings, bound)
            values = scopes.get(key)
            if values is None:
                values = scopes[key] = CompiledValues(own, data, as_of)
                if key == 0 and reuse is not None:
                    values.defs.update(reuse)
            name = bound.version.name
            if checked.when is not None and not values.holds(checked.when, name):
                continue
            tested.append(f"{name}/{c.id}")
            if not values.holds(checked.require, name):
                found.append(Violation(bound.version.key, c))
    except Exception:   # noqa: BLE001 - anything raised: the reference evaluator judges and reports it
        return None
    if reuse is not None and 0 in scopes:
        reuse.update((k, v) for k, v in scopes[0].defs.items() if not _reads_decision(bindings, k))
    return found, tested


def _value(evaluator: Evaluator, expr: ast.Expr, bound: Bound, kept: Judgments | None) -> Any:
    """A constraint's `when` or `require`: while a history is judged (`kept`: its `Judgments`), the
    value an earlier fee's judgment found where nothing it reads has changed since."""
    if kept is None:
        return evaluator.value(expr, bound)
    known = kept.get(expr)
    if known is not None:
        return known[0]
    value = evaluator.value(expr, bound)
    kept.put(expr, value)
    return value


_READS_DECISION: dict[tuple[int, str], tuple[object, bool]] = memos.memo(5_000)   # (id(checked), name) → (checked, reads)


def _reads_decision(bindings: dict[str, Bound], key: tuple[str, str]) -> bool:
    """Whether definition `key` (policy, name) reads the case field `decision`, itself or through
    the definitions it reads: only one that does not may be shared between judgments."""
    policy, name = key
    checked = bindings[policy].checked
    memo = _READS_DECISION.get((id(checked), name))
    if memo is not None and memo[0] is checked:
        return memo[1]
    _READS_DECISION[(id(checked), name)] = (checked, True)     # a cycle (never checked in) reads as unsafe
    reads = False
    for node in walk(checked.definitions[name]):
        if isinstance(node, Path) and node.ref is not None:
            if node.ref.kind == "field" and node.ref.name == DECISION:
                reads = True
            elif node.ref.kind == "def" and _reads_decision(bindings, (node.ref.scope, node.ref.name)):
                reads = True
        if reads:
            break
    _READS_DECISION[(id(checked), name)] = (checked, reads)
    return reads


_AMOUNT_TEXT = {
    "interest": "The interest reported ({reported}) is more than the statutory interest the law's view of the case "
                "allows ({bound}).",
    "fees": "The fees reported ({reported}) are more than the costs the law allows in this case ({bound}).",
    "costs": "The costs reported ({reported}) are more than the costs the law allows in this case ({bound}).",
    "total": "The total reported ({reported}) is more than the law's view of what the debtor owes ({bound}).",
}


def amount_violations(view: LawView, amounts: dict, record: dict, span: Span) -> list[Violation]:
    """The reported amounts above the law's view (`LawView.exceeds`), one violation each."""
    charged = max((record.get(name) or Decimal(0) for name in charges()), default=Decimal(0))
    out = []
    for name, reported, bound in view.exceeds(amounts, charged):
        text = _AMOUNT_TEXT[name].format(reported=f"{reported:.2f}", bound=f"{bound:.2f}")
        c = Constraint(f"{name}-within-the-law", None, None, view.source, {"en": text}, span)
        out.append(Violation(view.law, c))
    return out


def judge(bindings: dict[str, Bound], main: CheckedVersion, case: dict, as_of: dt.date, action: str, step: str | None,
          outputs: dict, amounts: dict, tested: list | None = None,
          compiled: bool = False) -> tuple[list[Violation], LawView | None]:
    """Everything the law says of a proposed decision: the constraints it breaks (reading the
    law's own balance as `decision.balance`, never the process's `total`) and every reported
    amount above the law's view of the case. The one judgment `decide`, `batch` and
    `validate` share; `main` is the process's CheckedVersion, `case` its run-time data
    (history judged, claims set aside removed).
    """
    view = law_view(bindings, main, case, as_of)
    balance = view.balance if view is not None else None
    record = record_of(action, step, outputs, balance)
    found = violations(bindings, main.name, case, as_of, record, tested=tested, compiled=compiled)
    if view is not None:
        spec = view_spec(main)
        assert spec is not None and spec.span is not None     # a law view comes from the jurisdiction's spec
        found += amount_violations(view, amounts, record, spec.span)
    return found, view
