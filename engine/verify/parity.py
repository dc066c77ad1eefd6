"""Every embedded example through every evaluator: `validate` proves them equal, field by field.

The reference evaluator decides the example (and is what `expect` is checked against);
the compiled fast path (`decide --no-trace`, batch fallback) and, when the batch extra is
installed, the columnar evaluator (`frin batch`) must produce the same decision in every
field, or refuse the case the same way. A difference is a bug in Frist, reported as an
error at the example so that a policy is never published on an example only one
evaluator was shown to decide (issue 13: the compiled path could decide differently and
`validate` could not see it).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.diagnostics import Diagnostic
from ..core.errors import CaseError, EvaluationError, UsageError
from ..policy.outputs import json_order

if TYPE_CHECKING:
    from ..check.pipeline import Catalog
    from ..policy.case import LoadedCase
    from ..policy.model import Example

__all__ = ["Decided", "evaluator_problems", "columnar_fields"]

_CRASH = "crashed: "
_HELP = "the evaluators must agree; this is a bug in Frist: please report it with this policy file"


def columnar_fields() -> tuple[str, ...]:
    """What a columnar decision row holds: the trace-free decision minus format/reasons/warnings."""
    return ("action", "rule", *(o.name for o in json_order()), "step", "amounts")


@dataclass
class Decided:
    """One example as the reference evaluator decided it (a decision dict, or its error message)."""

    example: Example
    case: LoadedCase
    as_of: dt.date
    include_drafts: bool
    reference: dict | str


def evaluator_problems(catalog: Catalog, decided: list[Decided]) -> list[Diagnostic]:
    """Differences between the reference's outcome and the compiled and columnar evaluators'."""
    from ..decide.decision import decide_case
    out: list[Diagnostic] = []
    for d in decided:
        try:
            compiled: dict | str = decide_case(catalog, d.case, d.as_of, include_drafts=d.include_drafts, fast=True
                                               ).to_dict(include_trace=False)
        except (EvaluationError, UsageError) as err:
            compiled = str(err)
        except Exception as err:  # noqa: BLE001 - a crash is reported at the example, as a bug
            compiled = f"{_CRASH}{type(err).__name__}: {err}"
        out += _compare("compiled", d.reference, compiled, None, d.example)
    for d, columnar in zip(decided, _columnar(catalog, decided)):
        if columnar is not None:
            out += _compare("columnar", d.reference, columnar, columnar_fields(), d.example)
    return out


def _compare(name: str, reference: dict | str, got: dict | str, fields, example: Example) -> list[Diagnostic]:
    def problem(message: str) -> list[Diagnostic]:
        return [Diagnostic("evaluator-mismatch", f"example `{example.name}`: {message}", example.span, help=_HELP)]

    if isinstance(got, str) and got.startswith(_CRASH):
        return problem(f"the {name} evaluator {got}")
    if isinstance(got, str):
        if isinstance(reference, str):
            return []
        return problem(f"the {name} evaluator fails ({got}), the reference decides {reference['action']}")
    if isinstance(reference, str):
        return problem(f"the {name} evaluator decides it ({got['action']}), the reference fails: {reference}")
    if "held_back" in got or (fields and "violations" in reference):     # a decision the law forbids
        want = sorted(f"{v['policy'].partition('@')[0]}/{v['constraint']}" for v in reference.get("violations", ()))
        if got.get("held_back") != want:
            return problem(f"the {name} evaluator holds back `{got.get('held_back')}`, the reference `{want}`")
        return []
    for key in fields or reference:
        if reference.get(key) != got.get(key):
            return problem(f"the {name} evaluator gives {key} `{got.get(key)}`, the reference `{reference.get(key)}`")
    return []


def _columnar(catalog: Catalog, decided: list[Decided]) -> list[dict | str | None]:
    """The columnar evaluator's decision of each example (fields of `columnar_fields()`) or its
    refusal; all None when the batch extra (Polars) is not installed.

    One table per draft/published kind: the columnar evaluator runs once per policy version
    (rows with different dates share a run when the same versions are in force), so this
    costs a few runs, not one per example.
    """
    try:
        import polars as pl
    except ImportError:
        return [None] * len(decided)
    from ..batch.api import decide_table
    from ..batch.io import flat_row
    from ..batch.output import row_json
    results: list[dict | str | None] = ["not decided"] * len(decided)
    for drafts in (False, True):
        rows = [i for i, d in enumerate(decided) if d.include_drafts == drafts]
        if not rows:
            continue
        docs = [dict(flat_row(_plain(decided[i].case.data)), as_of=decided[i].as_of.isoformat(),
                     case_id=str(n)) for n, i in enumerate(rows)]
        held: list[dict] = []
        try:
            frame = pl.DataFrame(docs, infer_schema_length=None)
            decisions, rejects = decide_table(frame, None, None, catalog, drafts, ignore_unknown=True, violations=held)
        except (EvaluationError, UsageError, CaseError) as err:
            for i in rows:
                results[i] = str(err)
            continue
        except Exception as err:  # noqa: BLE001 - a crash is reported at each example, as a bug
            for i in rows:
                results[i] = f"{_CRASH}{type(err).__name__}: {err}"
            continue
        for problem in rejects.iter_rows(named=True):
            results[rows[problem["row"] - 1]] = str(problem["problem"])
        for row in decisions.iter_rows(named=True):
            got = row_json(row)
            results[rows[row["row"] - 1]] = {k: got.get(k) for k in columnar_fields()}
        for h in held:              # the law forbids what the rule proposed: held back, by constraint
            slot = rows[h["row"] - 1]
            names = results[slot]["held_back"] if isinstance(results[slot], dict) and "held_back" in results[slot] else []
            results[slot] = {"held_back": sorted(names + [h["constraint"]])}
    return results


def _plain(value: Any) -> Any:
    """A case as JSON-like data (YAML gives dates as text already; Decimals become text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if type(value).__name__ == "Decimal":
        return str(value)
    return value
