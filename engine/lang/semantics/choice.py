"""How a decision picks its rule: the first rule, in policy order, whose `when` holds.

A rule after the deciding one is never evaluated (its `when` may fail or read a missing
value without harm); a case no rule matches is an error, never a silent default. The
three forms of that meaning live here:

- `first_match`, the scalar form (the reference evaluator);
- `inline_rule`, the compiled form: one `if` per rule, in order, each returning;
- `columnar_rule`, the column form: a row still undecided takes the rule whose `when`
  holds on it; a row left undecided after every rule is re-decided by the scalar form,
  which reports `no_rule_matches`.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, TypeVar

from ...core.errors import EvaluationError

__all__ = ["first_match", "inline_rule", "columnar_rule", "no_rule_matches"]

R = TypeVar("R")


def first_match(rules: Sequence[R], holds: Callable[[R], bool],
                seen: Callable[[R, bool | None], None] | None = None) -> R | None:
    """The first rule whose `holds(rule)` is true, or None; rules after it are not asked.

    `seen(rule, matched)` is told the outcome of every rule in order (None: not reached).
    """
    chosen = None
    for rule in rules:
        if chosen is not None:
            if seen is not None:
                seen(rule, None)
            continue
        matched = bool(holds(rule))
        if seen is not None:
            seen(rule, matched)
        if matched:
            chosen = rule
    return chosen


def inline_rule(index: int, rule_id: str, when: str, indent: str) -> str:
    """The compiled test of rule `index`: its outputs follow, indented, and end in a `return`."""
    return f"{indent}if {when}:  # rule {index}: {rule_id!r}"


def columnar_rule(pl: Any, chosen: Any, index: int, when: Any) -> Any:
    """The column of chosen rule indexes after rule `index` (`chosen` is null where none matched yet)."""
    hit = chosen.is_null() & when.fill_null(False)
    return pl.when(hit).then(pl.lit(index, dtype=pl.Int32)).otherwise(chosen)


def no_rule_matches(version_key: str, case_id: str) -> EvaluationError:
    return EvaluationError(f"no rule of {version_key} matches case {case_id}",
                           help="end the rules with a fallback `when: true`")
