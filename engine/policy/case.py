"""Cases: the schema as types for the checker, and case files as typed run-time values.

`case.schema.json` is the single description of a case: its `x-frist-type` marks,
enums, `required` lists and defaults give the checker its record types, and the same
schema validates case files. A loaded case is a plain dict of run-time values (Decimal
money, `datetime.date`s) with schema defaults filled in; checks the schema cannot express
(step names from the policy, payments before the invoice, credit above the amount) are
reported with the field path and line:col.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic, did_you_mean, relative
from ..core.document import Document, load_document
from ..core.errors import CaseError
from ..core.schema_check import load_schema, schema_diagnostics
from ..lang import types as T
from ..values.money import parse_money
from ..values.time import parse_date

__all__ = ["case_type", "root_fields", "LoadedCase", "load_case", "case_from_data", "pin_decision_date_defaults", "STEP",
           "dotted"]

STEP = "Step"
_SCALARS = {"Money": T.MONEY, "Date": T.DATE, "Text": T.TEXT, "Number": T.NUMBER, "Bool": T.BOOL}


def _resolve(schema: dict, root: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        target = root
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return merged
    return schema


def _type_of(name: str, schema: dict, root: dict, steps: tuple[str, ...]) -> T.Type:
    schema = _resolve(schema, root)
    mark = schema.get("x-frist-type")
    if mark == STEP:
        return T.Enum(STEP, steps)
    if mark in _SCALARS:
        return _SCALARS[mark]
    if "enum" in schema:
        return T.Enum(name, tuple(schema["enum"]))
    kind = schema.get("type")
    if kind == "boolean":
        return T.BOOL
    if kind == "object":
        required = set(schema.get("required", ()))
        fields = []
        for key, sub in schema.get("properties", {}).items():
            if key == "$schema":
                continue
            sub_resolved = _resolve(sub, root)
            field_type = _type_of(key, sub_resolved, root, steps)
            if key not in required and "default" not in sub_resolved and not _all_defaulted(sub_resolved, root):
                field_type = T.Optional(field_type)
            fields.append((key, field_type))
        return T.Record(name, tuple(fields))
    if kind == "array":
        return T.ListOf(_type_of(name.rstrip("s"), schema["items"], root, steps))
    return T.TEXT


def _all_defaulted(schema: dict, root: dict) -> bool:
    """An object whose every property has a default is filled in when absent."""
    if schema.get("type") != "object":
        return False
    props = schema.get("properties", {})
    return bool(props) and all("default" in _resolve(p, root) for p in props.values())


@lru_cache(maxsize=64)
def case_type(steps: tuple[str, ...]) -> T.Record:
    """The record type of a whole case for a policy with these step names."""
    root = load_schema("case.schema.json")
    return _type_of("case", root, root, steps)  # type: ignore[return-value]


def root_fields(steps: tuple[str, ...]) -> dict[str, T.Type]:
    return dict(case_type(steps).fields)


@dataclass
class LoadedCase:
    data: dict                      # run-time values, defaults filled in
    raw: dict                       # as written
    document: Document | None
    path: str

    @property
    def case_id(self) -> str:
        return self.data["case_id"]


def load_case(path: str | Path) -> LoadedCase:
    """Read and schema-check a case file (YAML or JSON). Raises `CaseError`."""
    doc = load_document(path, relative(path))
    if isinstance(doc, Diagnostic):
        raise CaseError([doc])
    if not isinstance(doc.data, dict):
        raise CaseError([Diagnostic("schema-violation", "a case must be a mapping", doc.span(()))])
    return _build(doc.data, doc, doc.path)


def case_from_data(data: dict, where: str = "<case>", document: Document | None = None, prefix: tuple = ()) -> LoadedCase:
    """A case from already-parsed data (an embedded example, a batch row)."""
    if document is not None:
        sub = Document(document.source, data,
                       {k[len(prefix):]: v for k, v in document.value_spans.items() if k[:len(prefix)] == prefix},
                       {k[len(prefix):]: v for k, v in document.key_spans.items() if k[:len(prefix)] == prefix})
        return _build(data, sub, where)
    return _build(data, None, where)


def _build(data: dict, doc: Document | None, where: str) -> LoadedCase:
    if doc is None:
        from ..core.source import Source
        doc = Document(Source(where, ""), data)
    problems = schema_diagnostics(doc, "case.schema.json", "case")
    if problems:
        raise CaseError(problems)
    root = load_schema("case.schema.json")
    problems = []
    converted = _convert(data, root, root, (), doc, problems)
    _semantic_checks(converted, doc, problems)
    if problems:
        raise CaseError(problems)
    return LoadedCase(converted, data, doc, where)


def _convert(value: Any, schema: dict, root: dict, path: tuple, doc: Document, problems: list) -> Any:
    schema = _resolve(schema, root)
    mark = schema.get("x-frist-type")
    try:
        if mark == "Money":
            return parse_money(value)
        if mark == "Date":
            return parse_date(value)
    except ValueError as err:
        problems.append(Diagnostic("invalid-value", f"{dotted(path)}: {err}", doc.span(path)))
        return None
    if schema.get("type") == "object":
        out = {}
        for key, sub in schema.get("properties", {}).items():
            if key == "$schema":
                continue
            sub = _resolve(sub, root)
            if key in value:
                out[key] = _convert(value[key], sub, root, path + (key,), doc, problems)
            elif "default" in sub:
                out[key] = _convert(sub["default"], sub, root, path + (key,), doc, problems)
            elif _all_defaulted(sub, root):
                out[key] = _convert({}, sub, root, path + (key,), doc, problems)
            else:
                out[key] = None
        return out
    if schema.get("type") == "array":
        return [_convert(item, schema["items"], root, path + (i,), doc, problems) for i, item in enumerate(value)]
    return value


DUPLICATE_INVOICE = "repeats the invoice number of an earlier claim; give each claim its own (a decision names set-aside claims by invoice)"


def dotted(path: tuple) -> str:
    """A path into a case as its fields read: `claims[0].amount`."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _semantic_checks(case: dict, doc: Document, problems: list) -> None:
    def bad(code: str, message: str, path: tuple, help: str | None = None) -> None:
        problems.append(Diagnostic(code, message, doc.span(path), help=help))

    for i, claim in enumerate(case["claims"]):
        at = ("claims", i)
        if claim["amount"] is not None and claim["amount"] <= 0:
            bad("invalid-amount", f"claims[{i}].amount must be positive, not {claim['amount']}", at + ("amount",))
        credited = claim["credited"]        # against a wrong amount it is not judged: the amount is the one cause
        if credited is not None and claim["amount"] is not None and claim["amount"] > 0 \
                and not (0 <= credited <= claim["amount"]):
            bad("invalid-amount", f"claims[{i}].credited must be between 0 and the amount", at + ("credited",))
        if claim["issued"] and claim["due"] and claim["due"] < claim["issued"]:
            bad("invalid-date", f"claims[{i}].due is before the invoice was issued", at + ("due",))
    # Two claims with one invoice number: a decision's set-aside list names claims by invoice,
    # so which one was set aside could not be told (and an invoice entered twice is counted twice).
    first_of: dict = {}
    for i, claim in enumerate(case["claims"]):
        if claim["invoice"] in first_of:
            bad("duplicate-invoice", f"claims[{i}].invoice `{claim['invoice']}` {DUPLICATE_INVOICE} "
                f"(claims[{first_of[claim['invoice']]}])", ("claims", i, "invoice"))
        first_of.setdefault(claim["invoice"], i)
    # A payment before every invoice was issued pays nothing; one before a due date is a prepayment
    # (lawful, it lowers the principal before interest runs). Without every claim's `issued`, when
    # the first invoice went out is not known: no payment date is refused then.
    issued = [c["issued"] for c in case["claims"]]
    earliest = min(issued) if issued and all(issued) else None
    for i, payment in enumerate(case["payments"]):
        if payment["amount"] is not None and payment["amount"] <= 0:
            bad("invalid-amount", f"payments[{i}].amount must be positive", ("payments", i, "amount"))
        if earliest and payment["date"] and payment["date"] < earliest:
            bad("invalid-date", f"payments[{i}] is dated {payment['date']}, before the first invoice ({earliest})",
                ("payments", i, "date"), help="check the payment date or the invoice's `issued` date")
    dates = [e["date"] for e in case["events"]]
    for i in range(1, len(dates)):
        if dates[i] and dates[i - 1] and dates[i] < dates[i - 1]:
            bad("events-out-of-order", f"events[{i}] ({dates[i]}) is before events[{i - 1}] ({dates[i - 1]})",
                ("events", i, "date"), help="list events oldest first")
    for i, event in enumerate(case["events"]):
        if event["fee"] is not None and event["fee"] < 0:
            bad("invalid-amount", f"events[{i}].fee must not be negative", ("events", i, "fee"))


def pin_decision_date_defaults(raw: dict, as_of: dt.date) -> dict:
    """A copy of raw case data with every field marked `x-frist-default: as_of` filled in.

    Such a field (e.g. a claim's `handed_over`) means "the date the case is decided" when
    left out of a case with no steps yet. A projection over later dates (timeline,
    why-not) pins it once, at the start, so the field does not move along with each
    projected decision date. A case that already records steps is left as it is: the
    policy derives the date from them (kravia: the agency's first step is the hand-over).
    """
    import copy
    root = load_schema("case.schema.json")
    if raw.get("events"):
        return copy.deepcopy(raw)

    def fill(value: Any, schema: dict) -> Any:
        schema = _resolve(schema, root)
        if isinstance(value, dict) and schema.get("type") == "object":
            for key, sub in schema.get("properties", {}).items():
                sub = _resolve(sub, root)
                if key not in value and sub.get("x-frist-default") == "as_of":
                    value[key] = as_of.isoformat()
                elif key in value:
                    fill(value[key], sub)
        elif isinstance(value, list) and "items" in schema:
            for item in value:
                fill(item, schema["items"])
        return value

    return fill(copy.deepcopy(raw), root)


def check_steps(case: LoadedCase, steps: tuple[str, ...], policy_key: str) -> None:
    """Every event's step must be one the deciding policy declares."""
    problems = []
    for i, event in enumerate(case.data["events"]):
        if event["step"] not in steps:
            span = case.document.span(("events", i, "step")) if case.document else None
            problems.append(Diagnostic(
                "unknown-step", f"step `{event['step']}` is not one of {policy_key}'s steps", span, path=case.path,
                help=did_you_mean(event["step"], steps) or f"known steps: {', '.join(steps)}"))
    if problems:
        raise CaseError(problems)


def check_not_after(case: LoadedCase, as_of: dt.date) -> None:
    """Events, payments and hand-overs cannot lie after the decision date: the case would contradict itself."""
    problems = []
    for i, claim in enumerate(case.data["claims"]):
        if claim.get("handed_over") is not None and claim["handed_over"] > as_of:
            span = case.document.span(("claims", i, "handed_over")) if case.document else None
            problems.append(Diagnostic(
                "after-decision-date", f"claims[{i}].handed_over is {claim['handed_over']}, after the decision date {as_of}",
                span, path=case.path, help="a claim is decided once it has been handed over: decide on a later date "
                                           "(--as-of) or correct the hand-over date"))
    for field in ("events", "payments"):
        for i, item in enumerate(case.data[field]):
            if item["date"] is not None and item["date"] > as_of:
                span = case.document.span((field, i, "date")) if case.document else None
                problems.append(Diagnostic(
                    "after-decision-date", f"{field}[{i}] is dated {item['date']}, after the decision date {as_of}",
                    span, path=case.path, help="decide on a later date (--as-of) or remove the entry"))
    if problems:
        raise CaseError(problems)
