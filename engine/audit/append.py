"""Appending a decision: what the service, `frin decide --log` and `frin batch --log` call.

The record is committed before the caller answers (or prints), so a decision the log does not
hold was never given out.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .backend import DecisionLog
from .record import Record, new_record

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["log_decision"]


def log_decision(log: DecisionLog, decision: dict, document: bytes, *, source: str, request: dict,
                 keep_case: bool = True, catalog: Catalog | None = None) -> Record:
    """Append `decision` (its JSON without trace) for the case `document` (the bytes decided);
    `catalog`, the one that decided it, tells the record's `inputs` (inputs.py)."""
    from .inputs import decision_inputs
    decision = {k: v for k, v in decision.items() if k != "trace"}
    inputs = decision_inputs(catalog, decision, bool(request.get("include_drafts"))) if catalog is not None else None
    return log.append(lambda seq, prev: new_record(seq, prev, source=source, document=document,
                                                   keep_case=keep_case, decision=decision, request=request,
                                                   inputs=inputs))
