"""JSON Lines read as columns: every bad line rejected with the per-case check's messages (issue 19).

`frin batch` reads a chunk of lines with a columnar JSON reader and checks it as columns
(`engine/batch/jsonl.py`); a line a check flags is checked as `frin decide` checks a case
file. For every bad-line fixture below, set among valid lines, the rejects of that line
must be exactly the messages `engine.policy.case.case_from_data` gives the same document,
and every valid line must be decided; valid lines that look odd (escapes, `$schema`, the
word null inside text) must not be lost or rejected.
"""
from __future__ import annotations

import json

import pytest

from engine.batch.io import read_cases
from engine.core.errors import CaseError
from engine.policy.case import case_from_data

GOOD = {"case_id": "G", "policy": "demo", "as_of": "2026-03-02", "creditor": {"vat_registered": True},
        "debtor": {"kind": "consumer"}, "claims": [{"invoice": "1", "amount": "1250.00", "due": "2026-01-15"}]}
CLAIM = GOOD["claims"][0]


def bad(**changes) -> dict:
    return {**GOOD, **changes}


BAD = {
    "number for money": bad(claims=[dict(CLAIM, amount=1250)]),
    "float for money": bad(claims=[dict(CLAIM, amount=12.5)]),
    "money with a space": bad(claims=[dict(CLAIM, amount="1 250.00")]),
    "three decimals": bad(claims=[dict(CLAIM, amount="12.345")]),
    "null name": bad(debtor={"kind": "consumer", "name": None}),
    "null claims": bad(claims=None),
    "text for a bool": bad(creditor={"vat_registered": "true"}),
    "number for a bool": bad(claims=[dict(CLAIM, disputed=1)]),
    "object for text": bad(case_id={"id": "x"}),
    "list for a record": bad(debtor=[{"kind": "consumer"}]),
    "record for a list": bad(claims=CLAIM),
    "strings in a list": bad(claims=["1"]),
    "unknown key": bad(debtor_canpay=True),
    "unknown nested key": bad(debtor={"kind": "consumer", "canpay": True}),
    "unknown item key": bad(claims=[dict(CLAIM, amout="1.00")]),
    "no creditor": {k: v for k, v in GOOD.items() if k != "creditor"},
    "no kind": bad(debtor={}),
    "no amount": bad(claims=[{k: v for k, v in CLAIM.items() if k != "amount"}]),
    "empty case id": bad(case_id=""),
    "empty invoice": bad(claims=[dict(CLAIM, invoice="")]),
    "bad policy name": bad(policy="Demo!"),
    "unknown kind": bad(debtor={"kind": "alien"}),
    "not a date": bad(claims=[dict(CLAIM, due="15.01.2026")]),
    "no such day": bad(claims=[dict(CLAIM, due="2026-02-30")]),
    "year 0": bad(claims=[dict(CLAIM, due="0000-01-01")]),
    "zero amount": bad(claims=[dict(CLAIM, amount="0.00")]),
    "credited above": bad(claims=[dict(CLAIM, credited="2000.00")]),
    "due before issued": bad(claims=[dict(CLAIM, issued="2026-02-01")]),
    "no claims": bad(claims=[]),
    "payment before invoice": bad(claims=[dict(CLAIM, issued="2026-01-01")], payments=[{"date": "2025-01-01", "amount": "1.00"}]),
    "payment to nobody": bad(payments=[{"date": "2026-02-01", "amount": "1.00", "to": "bank"}]),
    "negative fee": bad(events=[{"step": "reminder", "date": "2026-02-01", "fee": "-1.00"}]),
    "events out of order": bad(events=[{"step": "reminder", "date": "2026-02-10"}, {"step": "purring", "date": "2026-02-01"}]),
    # one per rule of schemas/case.schema.json and engine.policy.case not covered above
    "no case id": {k: v for k, v in GOOD.items() if k != "case_id"},
    "as_of not a date": bad(as_of="02.03.2026"),
    "no vat_registered": bad(creditor={"name": "C"}),
    "no invoice": bad(claims=[{k: v for k, v in CLAIM.items() if k != "invoice"}]),
    "no due": bad(claims=[{k: v for k, v in CLAIM.items() if k != "due"}]),
    "credited negative": bad(claims=[dict(CLAIM, credited="-1.00")]),
    "invoice twice": bad(claims=[CLAIM, dict(CLAIM, amount="10.00")]),
    "agreement not a bool": bad(agreement={"instalment_plan": "yes"}),
    "payment without amount": bad(payments=[{"date": "2026-02-01"}]),
    "payment zero": bad(payments=[{"date": "2026-02-01", "amount": "0.00"}]),
    "event without step": bad(events=[{"date": "2026-02-01"}]),
    "event without date": bad(events=[{"step": "reminder"}]),
    "payments not a list": bad(payments={"date": "2026-02-01", "amount": "1.00"}),
}
ODD_BUT_VALID = [
    bad(case_id='quote " and backslash \\ in the id', debtor={"kind": "consumer", "name": "\u00c5se \u00d8yen"}),
    {"$schema": "../schemas/case.schema.json", **bad(case_id="S")},
    bad(case_id="N", debtor={"kind": "consumer", "name": "null"}),
    bad(case_id="W", claims=[dict(CLAIM, invoice="a: null, b")]),
]


def per_case(doc: dict) -> list[str]:
    try:
        case_from_data(doc, "line")
    except CaseError as err:
        return [d.message for d in err.diagnostics]
    return []


def _read(tmp_path, docs: list[dict]) -> tuple[list[int], dict[int, list[str]]]:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    rows, rejects = [], {}
    for chunk, found in read_cases(path, chunk_rows=500):
        rows += chunk.get_column("__input_row").to_list()
        if chunk.height > 8:     # the valid lines come as columns (lists of structs), not one by one as JSON text
            assert str(chunk.schema["claims"]).startswith("List(Struct"), chunk.schema
        for r in found:
            rejects.setdefault(r["row"], []).append(r["problem"])
    return sorted(rows), rejects


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_line_among_good_ones_has_the_per_case_messages(tmp_path, name):
    want = per_case(BAD[name])
    assert want, f"{name}: the fixture must be a case `frin decide` refuses"
    docs = [dict(GOOD, case_id=f"G{i}") for i in range(150)] + [BAD[name]] + [dict(GOOD, case_id=f"H{i}") for i in range(150)]
    rows, rejects = _read(tmp_path, docs)
    assert rejects == {151: want}
    assert rows == [r for r in range(1, 302) if r != 151]


def test_all_bad_lines_in_one_chunk(tmp_path):
    docs = list(BAD.values()) + [dict(GOOD, case_id=f"G{i}") for i in range(100)]
    rows, rejects = _read(tmp_path, docs)
    assert rejects == {i: per_case(d) for i, d in enumerate(BAD.values(), 1)}
    assert rows == list(range(len(BAD) + 1, len(docs) + 1))


def test_odd_but_valid_lines_are_read(tmp_path):
    assert all(per_case(d) == [] for d in ODD_BUT_VALID)
    rows, rejects = _read(tmp_path, ODD_BUT_VALID + [dict(GOOD, case_id=f"G{i}") for i in range(100)])
    assert rejects == {} and rows == list(range(1, 105))
