"""The Python API, for programs that decide cases without the command line.

    from frist_inkasso import engine          # in a source checkout: import engine
    decided = engine.decide_case("case.yaml")                  # or a dict, as a case file holds it
    decided.action, decided.fee, decided.amounts["total"]      # 'send_inkassovarsel', Decimal('38.00'), ...
    print(engine.explain_case("case.yaml", lang="nb").text)
    result = engine.decide_table(table, policy="kravia")       # Arrow or Polars in, same kind out

The names are `decide_case` and `explain_case`, not `decide`/`explain`: those are the
engine's stage packages, and once imported a package shadows a function of its name.

Why a layer of its own: the engine's `Decision` carries bindings, checked rules and a trace
(what explain needs); a caller wants the answer as plain typed data, the same the decision
JSON (schemas/decision.schema.json) holds, and errors as exceptions. The catalog is found as
the CLI finds it: `policies=` if given, else ./policies when it exists, else the bundled one.
Errors raise `engine.core.errors.FristError` subclasses: `CaseError` (a bad case, with
diagnostics), `PolicyError` (policies with errors), `UsageError` (an unknown policy, a bad
date); a decision the law forbids is not an error: `blocked` is True and `action` says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

__all__ = ["Decided", "Explained", "DecidedTable", "decide_case", "explain_case", "decide_table"]


@dataclass(frozen=True)
class Decided:
    """One case's decision as data: the fields of the decision JSON, money as `Decimal`, dates as `date`."""

    case_id: str
    as_of: dt.date
    policy: str                                 # NAME@VERSION of the policy that decided
    action: str
    rule: str
    step: str | None
    blocked: bool                               # the law forbade what the process proposed
    amounts: Mapping[str, Decimal]              # principal, interest, fees, paid, total, ...
    outputs: Mapping[str, Any]                  # every output of the registry, as in the JSON
    warnings: tuple[str, ...]
    json: Mapping[str, Any] = field(repr=False)  # the whole decision JSON (schemas/decision.schema.json)

    @property
    def fee(self) -> Decimal | None:
        value = self.outputs.get("fee")
        return None if value is None else Decimal(value)

    @property
    def payment_deadline(self) -> dt.date | None:
        return _date(self.outputs.get("payment_deadline"))

    @property
    def next_review(self) -> dt.date | None:
        return _date(self.outputs.get("next_review"))


@dataclass(frozen=True)
class Explained:
    """A decision and its explanation for a person, in `lang`."""

    decision: Decided
    lang: str
    text: str


@dataclass(frozen=True)
class DecidedTable:
    """A table's decisions (the input's kind: `pyarrow.Table` or `polars.DataFrame`) and its
    rejected rows, one dict per problem (row, case_id, field, problem): no row is dropped silently."""

    decisions: Any
    rejects: list[dict]


def _date(text: Any) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(str(text))


def _folder(policies: str | Path | None) -> str:
    if policies is not None:
        return str(policies)
    from ..policy.catalog_source import resolve_default
    return resolve_default("api")[0]


def _as_of(as_of: dt.date | str | None) -> dt.date | None:
    if as_of is None or isinstance(as_of, dt.date):
        return as_of
    from ..cli.options import date_option
    return date_option(str(as_of), "as_of")


def _plain(value: Any) -> Any:
    """A case mapping's values as a case file writes them: dates ISO, amounts as text."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, Decimal)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _case(case: str | Path | Mapping):
    from ..policy.case import case_from_data, load_case
    if isinstance(case, Mapping):
        return case_from_data(_plain(case))
    return load_case(case)


def _decide(case, policy, as_of, policies, include_drafts, trace):
    from ..check.catalog_cache import checked_catalog
    from ..decide.decision import decide_case as decide_loaded
    loaded = _case(case)
    catalog = checked_catalog([_folder(policies)])
    day = _as_of(as_of) or loaded.data.get("as_of") or catalog.today(policy or loaded.data.get("policy"))
    return catalog, decide_loaded(catalog, loaded, day, policy, include_drafts, trace=trace, fast=not trace)


def _typed(decision) -> Decided:
    data = decision.to_dict(include_trace=False)
    policy = data["policy"]
    skip = {"format", "case_id", "as_of", "policy", "action", "rule", "step", "amounts", "set_aside",
            "reasons", "violations", "warnings"}
    return Decided(
        case_id=data["case_id"], as_of=dt.date.fromisoformat(data["as_of"]),
        policy=f"{policy['name']}@{policy['version']}", action=data["action"], rule=data["rule"],
        step=data["step"], blocked=decision.blocked,
        amounts={k: Decimal(v) for k, v in data["amounts"].items() if v is not None},
        outputs={k: v for k, v in data.items() if k not in skip},
        warnings=tuple(data["warnings"]), json=data)


def decide_case(case: str | Path | Mapping, *, policy: str | None = None, as_of: dt.date | str | None = None,
           policies: str | Path | None = None, include_drafts: bool = False) -> Decided:
    """Decide one case: a case file's path, or its data as a mapping (as the file would hold it).

    `policy` (NAME or NAME@VERSION) and `as_of` override the case's; `policies` is the policy
    folder (default: ./policies when it exists, else the bundled catalog)."""
    return _typed(_decide(case, policy, as_of, policies, include_drafts, trace=False)[1])


def explain_case(case: str | Path | Mapping, *, lang: str | None = None, policy: str | None = None,
            as_of: dt.date | str | None = None, policies: str | Path | None = None,
            markdown: bool = False, include_drafts: bool = False) -> Explained:
    """Decide a case and explain the decision for a person (`lang`: one of the jurisdiction's
    languages, default its first), as `frin explain` prints it."""
    from ..explain.text import explain_language, explain_text
    catalog, decision = _decide(case, policy, as_of, policies, include_drafts, trace=True)
    chosen = explain_language(decision, lang)
    return Explained(_typed(decision), chosen, explain_text(decision, catalog, chosen, markdown=markdown))


def decide_table(table: Any, *, policy: str | None = None, as_of: dt.date | str | None = None,
                 policies: str | Path | None = None, include_drafts: bool = False) -> DecidedTable:
    """Decide every case of a table in the flat layout (docs/batch.md) with the columnar
    evaluator; needs the `batch` extra (polars, pyarrow). Rejected rows are returned, not raised."""
    from ..batch.api import decide_batch
    rejects: list[dict] = []
    decisions = decide_batch(table, policy=policy, as_of=as_of, policies_dir=_folder(policies),
                             include_drafts=include_drafts, rejects=rejects)
    return DecidedTable(decisions, rejects)
