"""The law as constraints on every process (docs/language.md, "Constraints").

A policy may declare `constraints:`; they bind every decision of every policy that uses
it. One implementation judges a decision (`enforce.violations`), whatever evaluator made
it; `history` judges the fees already recorded in a case the same way; `search` runs
generated boundary cases for `frist validate`; `page` writes docs/law-enforces.md.
"""
from .record import DECISION, decision_type, record_of

__all__ = ["DECISION", "decision_type", "record_of"]
