"""Dates and durations: the month-end rule by hand from the calendar, strict parsing, today in
a zone, duration words, and the columnar evaluator's vectorised arithmetic against the
pendulum path on every day of 2024–2027 for every duration the bundled policies use.

The law's rule for deadlines in months or years is domstolloven § 148 second ledd (LD-mirror
§ 148): the deadline ends on the day of the last month "som efter sit tal svarer til den dag,
da fristen begynder at løpe. Har ikke maaneden dette tal, ender fristen paa den sidste dag i
maaneden"; for days (first ledd) the start day is not counted, so n days on is `date + n`.
"""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from engine.lang import ast
from engine.lang import types as T
from engine.lang.render import Voice, show
from engine.lang.semantics.operators import OPERATORS
from engine.policy.data_records import Locale
from engine.values.time import (DateRangeError, Months, add_days, add_duration, add_months, duration_words,
                                parse_date, today_in)

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- the month-end rule, expectations read off the calendar ----------------------------------
# Month lengths: Jan 31, Feb 28 (29 in 2024 and 2028: divisible by 4, not a century), Mar 31,
# Apr 30, May 31, Jun 30, Jul 31, Aug 31, Sep 30, Oct 31, Nov 30, Dec 31.

@pytest.mark.parametrize("start, months, expected", [
    ("2026-01-31", 1, "2026-02-28"),     # February 2026 has no 31st: its last day
    ("2024-01-31", 1, "2024-02-29"),     # 2024 is a leap year: 29 February
    ("2024-02-29", 12, "2025-02-28"),    # 2025 has no 29 February
    ("2024-02-29", 48, "2028-02-29"),    # 2028 has one
    ("2024-02-29", 36, "2027-02-28"),    # 3 years (foreldelse)
    ("2024-02-29", 120, "2034-02-28"),   # 10 years
    ("2024-02-29", 1, "2024-03-29"),     # the day number is kept, not "the month's end"
    ("2026-02-28", 1, "2026-03-28"),     # likewise: 28 March, not 31 March
    ("2026-11-30", 3, "2027-02-28"),     # across a year end into a short February
    ("2027-11-30", 3, "2028-02-29"),     # ... and into a leap February
    ("2026-12-31", 2, "2027-02-28"),
    ("2026-08-31", 1, "2026-09-30"),     # September has 30 days
    ("2026-03-31", 6, "2026-09-30"),
    ("2026-05-31", 1, "2026-06-30"),
    ("2026-10-31", 1, "2026-11-30"),
    ("2026-01-15", 3, "2026-04-15"),     # mid-month: nothing to clamp
    ("2026-01-31", 36, "2029-01-31"),
    ("2026-03-31", -1, "2026-02-28"),    # backwards the same way
    ("2024-03-31", -1, "2024-02-29"),
    ("2024-02-29", -12, "2023-02-28"),
    ("2026-01-15", -13, "2024-12-15"),   # more than a year back
    ("2026-07-31", -6, "2026-01-31"),
    ("2026-01-31", 0, "2026-01-31"),
])
def test_month_end_table(start, months, expected):
    assert add_months(day(start), months) == day(expected)
    assert add_duration(day(start), Months(months)) == day(expected)


def test_month_arithmetic_is_not_reversible_at_month_end():
    # 31 Jan + 1 month = 28 Feb, and 28 Feb - 1 month = 28 Jan (not back to the 31st)
    assert add_months(add_months(day("2026-01-31"), 1), -1) == day("2026-01-28")
    # one addition of 2 months is not two additions of 1: 31 Mar against 28 Mar
    assert add_months(day("2026-01-31"), 2) == day("2026-03-31")
    assert add_months(add_months(day("2026-01-31"), 1), 1) == day("2026-03-28")


@pytest.mark.parametrize("start, days, expected", [
    ("2024-02-28", 1, "2024-02-29"),     # leap day
    ("2023-02-28", 1, "2023-03-01"),
    ("2026-12-18", 14, "2027-01-01"),    # 13 days left in December, then 1 January
    ("2024-01-01", 365, "2024-12-31"),   # 2024 has 366 days
    ("2025-01-01", 365, "2026-01-01"),
    ("2026-03-16", -14, "2026-03-02"),
    ("2024-03-01", -1, "2024-02-29"),
])
def test_day_table(start, days, expected):
    assert add_days(day(start), days) == day(expected)
    assert add_duration(day(start), days) == day(expected)


def test_months_arithmetic():
    assert Months(3) + Months(9) == Months(12)
    assert Months(12) - Months(3) == Months(9)
    assert -Months(2) == Months(-2)
    assert Months(1) < Months(2)


def test_results_are_plain_dates():
    # pendulum's Date is a subclass with its own repr; decisions and the cache see datetime.date
    for value in (add_days(day("2026-01-01"), 1), add_months(day("2026-01-31"), 1), parse_date("2026-01-01"),
                  today_in("Europe/Oslo")):
        assert type(value) is dt.date


def test_leaving_the_calendar_is_a_date_range_error():
    for compute in (lambda: add_months(day("9999-12-01"), 1), lambda: add_days(day("9999-12-01"), 400),
                    lambda: add_months(day("0001-01-31"), -1), lambda: add_days(day("0001-01-01"), -1)):
        with pytest.raises(DateRangeError, match="beyond the calendar"):
            compute()


# --- strict parsing ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2026-W10-1", "2026-061", "20260302",         # ISO week, ordinal and basic forms: pendulum would read them
    "2026-03-02T00:00", "2026-03-02 00:00",       # date-times
    "2026-3-2", "2026-1-5", "26-01-01", "２０２６-03-02",   # not four-two-two ASCII digits
    "2026-02-30", "2023-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01",   # no such day
    "", "tomorrow", " 2026-03-02",
])
def test_parse_date_refuses_all_but_yyyy_mm_dd(text):
    with pytest.raises(ValueError, match=r"^`.*` is not a date \(YYYY-MM-DD\)$"):
        parse_date(text)


def test_parse_date():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_date("1900-01-01") == dt.date(1900, 1, 1)
    with pytest.raises(DateRangeError, match="outside the years Frist supports"):
        parse_date("1899-12-31")
    with pytest.raises(ValueError):
        parse_date(20260302)            # type: ignore[arg-type]


# --- today in the jurisdiction's zone ----------------------------------------------------------

@pytest.mark.parametrize("instant, zone, expected", [
    ("2026-12-31T23:30:00+00:00", "Europe/Oslo", "2027-01-01"),      # CET = UTC+1: already past midnight
    ("2026-12-31T23:30:00+00:00", "UTC", "2026-12-31"),
    ("2026-06-30T22:30:00+00:00", "Europe/Amsterdam", "2026-07-01"),  # CEST = UTC+2
    ("2026-06-30T21:30:00+00:00", "Europe/Amsterdam", "2026-06-30"),  # 23:30 there
    ("2026-03-29T00:30:00+00:00", "Europe/Oslo", "2026-03-29"),      # the night summer time starts
])
def test_today_in_a_zone(instant, zone, expected):
    assert today_in(zone, dt.datetime.fromisoformat(instant)) == day(expected)


# --- durations in words ------------------------------------------------------------------------

@pytest.mark.parametrize("count, unit, language, expected", [
    (14, "day", "nb", "14 dager"), (1, "day", "nb", "1 dag"), (6, "month", "nb", "6 måneder"),
    (1, "month", "nb", "1 måned"), (-1, "day", "nb", "-1 dag"), (0, "day", "nb", "0 dager"),
    (14, "day", "nl", "14 dagen"), (6, "month", "nl", "6 maanden"), (1, "month", "nl", "1 maand"),
    (14, "day", "en", "14 days"), (1, "month", "en", "1 month"),
])
def test_duration_words_from_pendulum(count, unit, language, expected):
    assert duration_words(count, unit, language) == expected


def test_duration_words_fall_back_to_the_locale_file():
    # Northern Sami: pendulum has no words for it, so the locale file's are used
    assert duration_words(14, "day", "se") is None
    assert duration_words(14, "day", "../en") is None           # a code, never a path
    sami = Locale(code="se", name="davvisámegiella", group=" ", decimal=",", literals_as_written=False,
                  values={"none": "ii makkárge", "true": "juo", "false": "ii", "day": "{n} beaivi",
                          "days": "{n} beaivvi", "month": "{n} mánnu", "months": "{n} mánu", "items": "[{n}]"},
                  words={}, ledger={}, path="se.yaml")
    voice = Voice("se", None, sami)
    assert show(14, T.DAYS, voice) == "14 beaivvi"
    assert show(Months(1), T.MONTHS, voice) == "1 mánnu"


def test_show_uses_pendulums_words_for_a_language_it_knows():
    nb = Locale(code="nb", name="norsk bokmål", group=" ", decimal=",", literals_as_written=False,
                values={"none": "ingen", "true": "ja", "false": "nei", "day": "X", "days": "X", "month": "X",
                        "months": "X", "items": "[{n}]"}, words={}, ledger={}, path="nb.yaml")
    assert show(14, T.DAYS, Voice("nb", None, nb)) == "14 dager"
    assert show(Months(6), T.MONTHS, Voice("nb", None, nb)) == "6 måneder"
    assert show(14, T.DAYS) == "14 days"                          # no locale: the plain form


# --- the columnar evaluator against the pendulum path ---------------------------------------

def policy_durations() -> set:
    """Every duration the bundled policies name: Duration parameters and literals in any expression."""
    from engine.batch.api import catalog_for
    found: set = set()
    for checked in catalog_for(POLICIES).checked.values():
        found |= {checked.params[n] for n, typ in checked.param_types.items() if typ in (T.DAYS, T.MONTHS)}
        exprs = [*checked.definitions.values(), *checked.amounts.values()]
        for rule in checked.rules + checked.set_aside:
            exprs += [rule.when, *rule.outputs.values()]
        for constraint in checked.constraints:
            exprs += [constraint.when, constraint.require]
        found |= {node.value for e in exprs if e is not None for node in ast.walk(e)
                  if isinstance(node, ast.Literal) and node.kind in ("Days", "Months")}
    return found


_DATE_ENTRIES = [entry for (op, left, right), entry in OPERATORS.items()
                 if T.DATE in (left, right) and entry.result == T.DATE]


def test_columnar_date_arithmetic_agrees_with_pendulum():
    """Every Date ± Duration entry of the semantics table: its scalar form (pendulum, what the
    evaluator and the compiled code call) against its column form (Polars), on every day of
    2024–2027 (every month end, 29 February 2024) and every duration the policies use, with
    the duration a constant (a literal, a parameter) and a column (a computed duration)."""
    pl = pytest.importorskip("polars", reason="the columnar evaluator needs the batch extra: pip install -e '.[batch]'")
    from engine.columnar.frame import from_day, to_day
    from engine.columnar.kit import Kit
    from engine.columnar.values import Col

    durations = policy_durations()
    assert {14, 28, Months(6), Months(36)} <= durations          # the collector sees the policies
    days = [day("2024-01-01") + dt.timedelta(days=i) for i in range(366 + 365 * 3)]
    assert days[-1] == day("2027-12-31") and day("2024-02-29") in days
    assert len(_DATE_ENTRIES) == 6                                # date ± days, days + date, the same for months
    k = Kit()
    for entry in _DATE_ENTRIES:
        unit = entry.right if entry.left == T.DATE else entry.left
        of_unit = sorted(d if unit == T.DAYS else d.count for d in durations if isinstance(d, Months) == (unit == T.MONTHS))
        assert of_unit, unit
        rows = list(itertools.product(days, of_unit))
        frame = pl.DataFrame({"d": [to_day(d) for d, _ in rows], "n": [n for _, n in rows]},
                             schema={"d": pl.Int32, "n": pl.Int64})
        value = (lambda n: n) if unit == T.DAYS else Months
        want = [entry.impl(d, value(n)) if entry.left == T.DATE else entry.impl(value(n), d) for d, n in rows]
        date_col = Col(pl.col("d"), "date")
        for duration, label in [(Col(pl.col("n"), "days" if unit == T.DAYS else "months"), "column"),
                                *[(k.literal(value(n), unit), n) for n in of_unit]]:
            args = (date_col, duration) if entry.left == T.DATE else (duration, date_col)
            out = entry.columnar(k, *args, None)
            picked = frame if label == "column" else frame.filter(pl.col("n") == label)
            expected = want if label == "column" else [w for w, (_, n) in zip(want, rows) if n == label]
            got = picked.select(out.expr.alias("out"), (out.err if out.err is not None else pl.lit(False)).alias("err"))
            assert not got.get_column("err").any(), (entry.op, entry.left, entry.right, label)
            mismatches = [(r, g, w) for r, g, w in zip(picked.iter_rows(), map(from_day, got.get_column("out")), expected)
                          if g != w]
            assert not mismatches, (entry.op, str(entry.left), str(entry.right), label, mismatches[:5])



def test_frist_help_does_not_import_pendulum():
    """`frin --help` imports engine.values.time but reads and computes no date, so pendulum
    (its cost: bench/README.md, "pendulum") stays unloaded. A fresh interpreter: this one has it."""
    import subprocess
    import sys
    probe = ("import io, sys, cli; cli.run(['--help'], io.StringIO(), io.StringIO()); "
             "print('engine.values.time' in sys.modules, 'pendulum' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=POLICIES.parent, capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "True False"), done.stderr
