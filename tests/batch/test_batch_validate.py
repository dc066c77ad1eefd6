"""The case checks as columns give the row-by-row checks' rejects, row, field and message (issue 19).

`validate.to_case_frame` flags rows with column expressions and explains only the
flagged ones with `layout.checked_case_frame`; on every bad-row fixture below (one per
check the case schema and `engine.policy.case` make) both must reject the same rows with
the same (row, field, problem), and keep the same valid rows with the same values.
"""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from engine.batch.layout import ROW, checked_case_frame
from engine.batch.validate import to_case_frame

STEPS = ("reminder", "purring", "inkassovarsel", "betalingsoppfordring")
AS_OF = "2026-03-02"
CLAIM = {"invoice": "1", "amount": "1250.00", "due": "2026-01-15"}
GOOD = {"case_id": "G", "creditor_vat_registered": "true", "debtor_kind": "consumer", "claims": [CLAIM]}

BAD_ROWS = {  # name → the flat row (lists as lists of objects, as Parquet carries them)
    "unknown kind": {"debtor_kind": "alien"},
    "no kind": {"debtor_kind": None},
    "not a bool": {"creditor_vat_registered": "yes"},
    "three decimals": {"claims": [dict(CLAIM, amount="12.345")]},
    "too large": {"claims": [dict(CLAIM, amount="99999999999999999999.00")]},
    "year 0": {"claims": [dict(CLAIM, due="0000-01-01")]},
    "year 9999": {"claims": [dict(CLAIM, due="9999-06-01")]},
    "no date": {"claims": [dict(CLAIM, due="15.01.2026")]},
    "amount zero": {"claims": [dict(CLAIM, amount="0.00")]},
    "credited above amount": {"claims": [dict(CLAIM, credited="2000.00")]},
    "due before issued": {"claims": [dict(CLAIM, issued="2026-02-01")]},
    "handed over later": {"claims": [dict(CLAIM, handed_over="2026-04-01")]},
    "no claims": {"claims": []},
    "claims null": {"claims": None},
    "payment zero": {"payments": [{"date": "2026-02-01", "amount": "0.00"}]},
    "payment later": {"payments": [{"date": "2026-04-01", "amount": "10.00"}]},
    "payment before invoice": {"claims": [dict(CLAIM, issued="2026-01-01")],
                               "payments": [{"date": "2025-12-01", "amount": "10.00"}]},
    "payment to nobody": {"payments": [{"date": "2026-02-01", "amount": "10.00", "to": "bank"}]},
    "negative fee": {"events": [{"step": "reminder", "date": "2026-02-01", "fee": "-1.00"}]},
    "events out of order": {"events": [{"step": "reminder", "date": "2026-02-10"},
                                       {"step": "purring", "date": "2026-02-01"}]},
    "unknown step": {"events": [{"step": "letter", "date": "2026-02-01"}]},
    "event later": {"events": [{"step": "reminder", "date": "2026-03-05"}]},
    "event without date": {"events": [{"step": "reminder"}]},
    "second claim bad": {"claims": [CLAIM, dict(CLAIM, invoice="2", amount="-5.00")]},
    # one per rule of schemas/case.schema.json and engine.policy.case not covered above
    "no vat_registered": {"creditor_vat_registered": None},
    "no invoice": {"claims": [{k: v for k, v in CLAIM.items() if k != "invoice"}]},
    "no due": {"claims": [{k: v for k, v in CLAIM.items() if k != "due"}]},
    "credited negative": {"claims": [dict(CLAIM, credited="-1.00")]},
    "invoice twice": {"claims": [CLAIM, dict(CLAIM, amount="10.00")]},
    "invoice twice after another": {"claims": [CLAIM, dict(CLAIM, invoice="2"), dict(CLAIM, amount="10.00")]},
    "payment without amount": {"payments": [{"date": "2026-02-01"}]},
    "event without step": {"events": [{"date": "2026-02-01"}]},
}


def _frame(rows: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame([{"payments": [], "events": [], **GOOD, **r} for r in rows], infer_schema_length=None)
    typed = {"payments": pl.Struct({"date": pl.String, "amount": pl.String, "to": pl.String}),
             "events": pl.Struct({"step": pl.String, "date": pl.String})}
    frame = frame.with_columns(pl.col(n).cast(pl.List(t)) for n, t in typed.items() if frame.schema[n] == pl.List(pl.Null))
    return frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))


def _both(frame: pl.DataFrame):
    """(column checks, row-by-row checks) of `frame`."""
    as_of = pl.Series([dt.date.fromisoformat(AS_OF)] * frame.height)
    return to_case_frame(frame, STEPS, as_of), checked_case_frame(frame, STEPS, as_of)


@pytest.mark.parametrize("name", list(BAD_ROWS))
def test_each_bad_row_is_rejected_alike_between_good_rows(name):
    frame = _frame([{"case_id": "A"}, dict(BAD_ROWS[name], case_id="BAD"), {"case_id": "B"}])
    (fast, fast_rejects), (slow, slow_rejects) = _both(frame)
    assert slow_rejects.height and set(slow_rejects.get_column("row")) == {2}, slow_rejects
    assert fast_rejects.sort(["row", "field", "problem"]).equals(slow_rejects.sort(["row", "field", "problem"]))
    assert fast.equals(slow) and fast.get_column(ROW).to_list() == [1, 3]


def test_all_bad_rows_at_once_and_the_valid_ones_keep_their_values():
    rows = [dict(r, case_id=n) for n, r in BAD_ROWS.items()] + [
        {"case_id": "OK1"}, {"case_id": "OK2", "payments": [{"date": "2026-02-01", "amount": "10.00", "to": "creditor"}],
                             "events": [{"step": "reminder", "date": "2026-02-01", "fee": "35.00", "due": "2026-02-15"}]}]
    (fast, fast_rejects), (slow, slow_rejects) = _both(_frame(rows))
    assert fast_rejects.sort(["row", "field", "problem"]).equals(slow_rejects.sort(["row", "field", "problem"]))
    assert set(slow_rejects.get_column("row")) == set(range(1, len(BAD_ROWS) + 1))
    assert fast.equals(slow) and fast.height == 2
    day = lambda text: (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days  # noqa: E731 - day numbers
    assert fast.get_column("events").to_list()[1] == [{"step": "reminder", "date": day("2026-02-01"), "fee": 3500,
                                                       "due": day("2026-02-15")}]


def test_a_list_column_with_no_item_type_is_read_as_empty_lists():
    """A Parquet list column where every list is empty is typed `list<null>`; it is not a crash."""
    frame = pl.DataFrame([{"payments": [], "events": [], **GOOD}], infer_schema_length=None)
    frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    cases, rejects = to_case_frame(frame, STEPS, pl.Series([dt.date.fromisoformat(AS_OF)]))
    assert rejects.height == 0 and cases.get_column("payments").to_list() == [[]]


@pytest.mark.parametrize("scale", [2, 3])
def test_decimal_money_columns_are_checked_alike(scale):
    """Parquet money is a decimal column: in range and exact to the øre, or the reject names it."""
    from decimal import Decimal
    amounts = [Decimal("1250.00"), Decimal("99999999999999.00"), Decimal("0.01"), Decimal("-5.00")]
    if scale == 3:
        amounts.append(Decimal("12.345"))
    claims = pl.Series("claims", [[{"invoice": "1", "amount": a, "due": dt.date(2026, 1, 15)}] for a in amounts],
                       dtype=pl.List(pl.Struct({"invoice": pl.String, "amount": pl.Decimal(20, scale), "due": pl.Date})))
    frame = pl.DataFrame({"case_id": [f"C{i}" for i in range(len(amounts))], "creditor_vat_registered": [True] * len(amounts),
                          "debtor_kind": ["consumer"] * len(amounts)}).with_columns(claims)
    frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    (fast, fast_rejects), (slow, slow_rejects) = _both(frame)
    assert fast_rejects.sort(["row", "field", "problem"]).equals(slow_rejects.sort(["row", "field", "problem"]))
    assert fast.equals(slow) and fast.get_column("claims").to_list()[0][0]["amount"] == 125000
    problems: dict[int, str] = {}
    for row, problem in zip(slow_rejects.get_column("row"), slow_rejects.get_column("problem")):
        problems[row] = problems.get(row, "") + problem + "; "
    assert "larger than the largest amount" in problems[2] and "must be positive" in problems[4]
    assert "between 0 and the amount" not in problems[4]        # the amount is the one cause, as `decide` says
    assert set(problems) == ({2, 4} if scale == 2 else {2, 4, 5})
    assert scale == 2 or "more than two decimals" in problems[5]


def test_a_payment_is_before_the_first_invoice_only_when_every_claim_says_when_it_was_issued():
    """As `engine.policy.case`: without every claim's `issued`, no payment date is refused."""
    early = [{"date": "2025-12-01", "amount": "10.00"}]
    rows = [{"case_id": "KNOWN", "claims": [dict(CLAIM, issued="2026-01-01")], "payments": early},
            {"case_id": "UNKNOWN", "claims": [dict(CLAIM, issued="2026-01-01"), dict(CLAIM, invoice="2")], "payments": early}]
    (fast, fast_rejects), (slow, slow_rejects) = _both(_frame(rows))
    assert fast_rejects.equals(slow_rejects) and fast.equals(slow)
    assert slow_rejects.get_column("row").to_list() == [1] and fast.get_column(ROW).to_list() == [2]


def test_both_checks_give_the_frame_layout_every_reader_takes():
    """Names of a closed set (a step, a debtor's kind) are Enums of their members in the checked frame,
    by either way in, exactly as `frame.frame_schema` (which `frame_from_cases` builds frames with) says."""
    from engine.columnar.frame import frame_schema
    rows = [{"case_id": "E", "events": [{"step": "purring", "date": "2026-02-01"}]}, {"case_id": "F"}]
    (fast, _), (slow, _) = _both(_frame(rows))
    want = frame_schema(STEPS)
    for frame in (fast, slow):
        assert {k: v for k, v in frame.schema.items() if k in want} == want
    assert want["debtor.kind"] == pl.Enum(["consumer", "business"])
    assert fast.get_column("events").to_list()[0][0]["step"] == "purring"      # read back as the name
