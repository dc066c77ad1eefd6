"""Parity by test: every corpus case, under every policy version it can be decided by, through
the reference, the compiled and the columnar evaluator, compared on every output field.

The selections: each case under each version of its policy on its own `as_of` (what the
snapshots decide), and on the first day each version of each policy it uses (the law,
`no-regulation`, its draft too, with drafts on) is in force that the case's history allows: not before its last
event, payment or hand-over (or its first due date when it has none). The fields compared
come from the output registry (engine/policy/outputs.py), so an output added there is
compared here without a change to this file. The compiled decision must equal the
reference's JSON whole (reasons, warnings, violations included).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from engine.batch.api import decide_table
from engine.batch.io import flat_row
from engine.batch.output import row_json
from engine.core.errors import CaseError, EvaluationError, UsageError
from engine.decide.decision import decide_case
from engine.policy.case import load_case
from engine.policy.outputs import json_order
from support.catalogs import bundled_catalog

TESTS = Path(__file__).resolve().parents[1]
CASES = TESTS / "cases"
LAW = "no-regulation"


def fields() -> tuple[str, ...]:
    """Every field a columnar row can show: the rule's, each registry output, amounts, claims set aside, warnings."""
    return ("action", "rule", "step", *(o.name for o in json_order()), "amounts", "set_aside", "warnings")


@pytest.fixture(scope="module")
def catalog():
    catalog, problems = bundled_catalog(TESTS.parent / "policies")
    assert not [d for d in problems if d.is_error]
    return catalog


def _earliest(data: dict) -> dt.date:
    """The first day the case can be decided on: nothing in its history may lie after it."""
    recorded = [c["handed_over"] for c in data["claims"] if c.get("handed_over")]
    recorded += [x["date"] for key in ("events", "payments") for x in data[key] if x.get("date")]
    return max(recorded) if recorded else min(c["due"] for c in data["claims"])


def _used(catalog, name: str) -> list[str]:
    """The policies a policy's versions use (the law, for the Norwegian processes)."""
    return sorted({used for v in catalog.versions(name) for used in v.uses.values()})


def selections(catalog) -> list[tuple[Path, str, dt.date, bool]]:
    """(case file, policy spec, decision date, include drafts), without repeats."""
    out: dict[tuple, tuple] = {}
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        laws = [(name, law) for name in _used(catalog, folder.name) for law in catalog.versions(name)]
        for path in sorted(folder.glob("*.yaml")):
            data = load_case(str(path)).data
            for version in catalog.versions(folder.name):
                spec = f"{folder.name}@{version.effective}"
                out.setdefault((path, spec, data["as_of"], version.is_draft), None)
            earliest = _earliest(data)
            for name, law in laws:
                day = max(earliest, law.effective)
                try:
                    in_force = catalog.resolve(name, day, law.is_draft)
                except UsageError:
                    continue
                if in_force.version is law:
                    out.setdefault((path, folder.name, day, law.is_draft), None)
    return list(out)


def _plain(value):
    """Case data as JSON-like values (dates ISO, Decimals as text), as a batch input row holds them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _scalar(catalog, path: Path, spec: str, day: dt.date, drafts: bool, fast: bool):
    case = load_case(str(path))
    try:
        return decide_case(catalog, case, day, spec, drafts, fast=fast)
    except (CaseError, EvaluationError, UsageError) as err:
        return f"{type(err).__name__}: {err}"


def _columnar(catalog, chosen: list[tuple]) -> dict[int, object]:
    """Each selection's columnar decision row (JSON shape), the constraints it was held back
    by, or the reject's problem; by index into `chosen`."""
    out: dict[int, object] = {}
    for drafts in (False, True):
        index = [i for i, s in enumerate(chosen) if s[3] == drafts]
        if not index:
            continue
        docs = []
        for n, i in enumerate(index):
            path, spec, day, _ = chosen[i]
            data = _plain(load_case(str(path)).data)
            docs.append(dict(flat_row(data), case_id=str(n), as_of=day.isoformat(), policy=spec))
        held: list[dict] = []
        frame = pl.DataFrame(docs, infer_schema_length=None)
        decided, rejected = decide_table(frame, None, None, catalog, drafts, ignore_unknown=True, violations=held)
        for row in decided.iter_rows(named=True):
            out[index[row["row"] - 1]] = row_json(row)
        for row in rejected.iter_rows(named=True):
            out[index[row["row"] - 1]] = f"rejected: {row['problem']}"
        for h in held:
            got = out.setdefault(index[h["row"] - 1], {"held_back": []})
            got["held_back"] = sorted(got["held_back"] + [h["constraint"]])    # `policy/constraint`, as verify/parity reads it
    return out


def _shown(decision: dict) -> dict:
    """The reference decision as a columnar row shows it (set-aside claims as claim and reason)."""
    out = {k: decision.get(k) for k in fields() if k != "set_aside"}   # a decision carries its jurisdiction's outputs only
    out["set_aside"] = [{"claim": s["claim"], "reason": s["reason"]} for s in decision["set_aside"]]
    return out


def test_every_case_under_every_version_agrees_on_every_field(catalog):
    chosen = selections(catalog)
    reached = {catalog.resolve(LAW, day, drafts).version.key for _, spec, day, drafts in chosen
               if LAW in _used(catalog, spec.partition("@")[0])}
    assert len(chosen) > 150 and len(reached) >= 6              # the law's versions, the draft included
    columnar = _columnar(catalog, chosen)
    problems = []
    for i, (path, spec, day, drafts) in enumerate(chosen):
        where = f"{path.relative_to(TESTS)} {spec} on {day}{' (drafts)' if drafts else ''}"
        reference = _scalar(catalog, path, spec, day, drafts, fast=False)
        compiled = _scalar(catalog, path, spec, day, drafts, fast=True)
        if isinstance(reference, str):
            if not isinstance(compiled, str) or not isinstance(columnar.get(i), str):
                problems.append(f"{where}: the reference fails ({reference}), compiled {compiled!r:.80}, "
                                f"columnar {columnar.get(i)!r:.80}")
            continue
        ref = reference.to_dict(include_trace=False)
        if isinstance(compiled, str) or compiled.to_dict(include_trace=False) != ref:
            got = compiled if isinstance(compiled, str) else compiled.to_dict(include_trace=False)
            diff = got if isinstance(got, str) else {k: (ref.get(k), got.get(k)) for k in ref if ref.get(k) != got.get(k)}
            problems.append(f"{where}: compiled differs from the reference: {diff}")
        got = columnar.get(i)
        if reference.blocked:
            want = sorted(f"{v.policy.partition('@')[0]}/{v.constraint.id}" for v in reference.violations)
            if not isinstance(got, dict) or got.get("held_back") != want:
                problems.append(f"{where}: columnar {got!r:.120}, the reference is held back by {want}")
            continue
        if not isinstance(got, dict) or "held_back" in got:
            problems.append(f"{where}: columnar {got!r:.160}, the reference decides {ref['action']}")
            continue
        want = _shown(ref)
        diff = {k: (want[k], got.get(k)) for k in want if got.get(k) != want[k]}
        if diff:
            problems.append(f"{where}: columnar differs (reference, columnar): {diff}")
    assert not problems, "\n".join(problems)


def test_a_later_set_aside_reason_is_not_answered_with_an_earlier_ones_column(catalog):
    """Regression (found by the test above): the columnar evaluator probes each `set_aside:`
    reason as an `any(...)` node it builds and drops; its aggregate cache was keyed by the
    node's id(), so the next reason's probe could reuse a dropped probe's id and get the
    earlier reason's column. Kravia k19: the claim (due 2022-11-15) is not time-barred (the
    part payment of 2024-06-01 interrupts; foreldelsesloven § 14: 2024-06-01 + 3 years =
    2027-06-01 > 2026-03-02) but is too old at hand-over (handed over now, 2026-03-02, more
    than 3 years after 2022-11-15, i.e. after 2025-11-15): Kravia refuses it."""
    chosen = [(CASES / "kravia" / "k19-too-old.yaml", "kravia", dt.date(2026, 3, 2), False)]
    got = _columnar(catalog, chosen)[0]
    assert (got["action"], got["rule"], got["set_aside"]) == (
        "refuse", "too_old_at_handover", [{"claim": "0901", "reason": "too_old_at_handover"}])
