"""Type-checking a policy's `constraints:` in its own scope plus `decision`.

Constraint expressions are ordinary rule-language expressions: the checker that checks
rules checks them, with one more root name, `decision` (record.py). `when` and `require`
must be Bool. Problems are diagnostics at the expression's file:line:col.
"""
from __future__ import annotations

from dataclasses import replace

from ..core.diagnostics import Diagnostic, duplicate_ids
from ..lang import types as T
from ..policy.record import DECISION, decision_type
from ..run.runtime import CheckedConstraint, CheckedVersion
from .expressions import Checker

__all__ = ["check_constraints"]


def check_constraints(checked: CheckedVersion, scope, out: list[Diagnostic]) -> None:
    """Check every constraint of `checked` (scope: the one its rules are checked in)."""
    v = checked.version
    scope = replace(scope, fields={**scope.fields, DECISION: decision_type(v.steps, checked.jurisdiction)})
    duplicate_ids(v.constraints, "constraint", out)
    checked.constraints = []
    for c in v.constraints:
        checker = Checker(scope, out)
        when = checker.expect(c.when, T.BOOL, "a constraint's `when`") if c.when is not None else None
        assert c.require is not None        # a policy's constraint has one (schema); None is the engine's own
        require = checker.expect(c.require, T.BOOL, "a constraint's `require`")
        checked.constraints.append(CheckedConstraint(c, when, require))
