"""The semantics table: every operator, function and aggregate of the rule language, once.

Each entry (`entry.py`) carries its type rule, its scalar implementation, its compiled
(inline) form and its columnar form, or "no columnar form: per case". The checker reads
the type rules; the reference evaluator (`engine/run/evaluator.py`), the compiler
(`engine/run/compiler.py`) and the columnar evaluator (`engine/columnar/`) are drivers that
walk the checked AST and take every operation from here, so they cannot disagree on what
an operation means. `choice.py` states the one rule-level meaning they share: the first
rule whose `when` holds decides. See docs/architecture.md, "The semantics table".

This package imports no Polars: a columnar form receives the columnar layer's kit.
"""
from __future__ import annotations

from .aggregates import AGGREGATES
from .choice import columnar_rule, first_match, inline_rule, no_rule_matches
from .entry import Aggregate, Comparison, Function, Operator, Unary
from .functions import FUNCTIONS, LEDGER, lookup_bracket
from .operators import COMPARISONS, OPERATORS, UNARY, binary, binary_result

__all__ = ["AGGREGATES", "FUNCTIONS", "OPERATORS", "UNARY", "COMPARISONS", "LEDGER", "Aggregate", "Comparison",
           "Function", "Operator", "Unary", "binary", "binary_result", "first_match", "inline_rule",
           "columnar_rule", "no_rule_matches", "lookup_bracket"]
