"""Run-time structures shared by the evaluators: checked versions, bindings, one run, its trace.

A `CheckedVersion` is a policy version after checking: typed expressions and constant
parameter values. A `Run` is one decision: a case, a date, and for every policy involved
the version in force (`Bound`). A `Trace`, when asked for, records what explain shows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..lang import ast
from ..policy.jurisdiction import Jurisdiction
from ..policy.model import Parameter, PolicyVersion, Rule
from ..values.calendar import BusinessCalendar, calendar_for

__all__ = ["CheckedRule", "CheckedConstraint", "CheckedVersion", "Bound", "Run", "Trace", "RuleOutcome"]


@dataclass
class CheckedRule:
    rule: Rule
    when: ast.Expr
    outputs: dict[str, ast.Expr]


@dataclass
class CheckedConstraint:
    """A constraint with its typed `when` (None: binds every decision) and `require`."""

    constraint: Any
    when: ast.Expr | None
    require: ast.Expr


@dataclass
class CheckedVersion:
    version: PolicyVersion
    params: dict[str, Any] = field(default_factory=dict)            # name → constant value
    param_types: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, ast.Expr] = field(default_factory=dict)  # typed, in dependency order
    rules: list[CheckedRule] = field(default_factory=list)
    set_aside: list[CheckedRule] = field(default_factory=list)      # `when`: the claims a reason holds
    amounts: dict[str, ast.Expr] = field(default_factory=dict)
    constraints: list[CheckedConstraint] = field(default_factory=list)
    jurisdiction: Jurisdiction | None = None                         # its currency, time zone, languages

    @property
    def name(self) -> str:
        return self.version.name

    @property
    def calendar(self) -> BusinessCalendar | None:
        """The policy's own `calendar:` country if it names one, else its jurisdiction's (with the
        jurisdiction's stated weekend, if any, for the jurisdiction's country)."""
        j = self.jurisdiction
        country = self.version.calendar or (j.country if j is not None else None)
        if country is None:
            return None
        return calendar_for(country, j.weekend if j is not None and j.country == country else None)

    def parameter(self, name: str) -> Parameter:
        return self.version.parameters[name]


@dataclass
class Bound:
    """A checked version chosen for one run."""

    checked: CheckedVersion
    # Constraints of earlier versions this one dropped without citing a repeal, as
    # (Bound of the earlier version, CheckedConstraint): they still bind (check/constraints_carried.py).
    carried: tuple = ()

    @property
    def version(self) -> PolicyVersion:
        return self.checked.version

    @property
    def calendar(self) -> BusinessCalendar | None:
        return self.checked.calendar

    def param(self, name: str, trace: Trace | None = None) -> Any:
        value = self.checked.params[name]
        if trace is not None:
            trace.params_read.setdefault((self.version.name, name), self)
        return value


@dataclass
class RuleOutcome:
    rule: CheckedRule
    matched: bool | None           # None: not reached (an earlier rule decided)
    error: str | None = None


@dataclass
class Trace:
    values: dict[int, Any] = field(default_factory=dict)
    definitions: list[tuple[str, str, Any]] = field(default_factory=list)
    params_read: dict[tuple[str, str], Bound] = field(default_factory=dict)
    rules: list[RuleOutcome] = field(default_factory=list)

    def value_of(self, node: ast.Expr, default: Any = None) -> Any:
        return self.values.get(id(node), default)

    def has(self, node: ast.Expr) -> bool:
        return id(node) in self.values


@dataclass
class Run:
    case: dict
    as_of: dt.date
    bindings: dict[str, Bound]                 # policy name → version in force
    main: str                                  # the deciding policy's name
    trace: Trace | None = None
    defs: dict[tuple[str, str], Any] = field(default_factory=dict)

    def bound(self, policy: str) -> Bound:
        return self.bindings[policy]
