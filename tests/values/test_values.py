"""Run-time values: exact money and its named roundings, simple interest across a rate
change, and Norwegian business days (dates and durations: test_dates.py)."""
from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest

from engine.lang.semantics import lookup_bracket
from engine.values.interest import simple_interest, value_on
from engine.values.calendar import BusinessCalendar, calendar_for
from engine.values.money import (DECIMAL_CONTEXT, floor_kr, format_money, format_percent, is_ore_exact, parse_money,
                                 round_kr, round_ore)

D = Decimal


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- money ------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, expected", [
    ("234.375", "234.38"),      # half up, not half even
    ("234.365", "234.37"),      # half even would give 234.36
    ("234.3749", "234.37"),
    ("0.005", "0.01"),
    ("-0.005", "-0.01"),        # half away from zero
    ("187.5", "187.50"),
])
def test_round_ore_is_half_up(amount, expected):
    result = round_ore(D(amount))
    assert result == D(expected) and str(result) == expected


@pytest.mark.parametrize("amount, expected", [
    ("37.50", "38"),            # 750 / 20, the 2026 reminder fee
    ("112.50", "113"),          # half even would give 112
    ("112.49", "112"),
    ("36.00", "36"),
])
def test_round_kr_is_half_up(amount, expected):
    assert str(round_kr(D(amount))) == expected


@pytest.mark.parametrize("amount, expected", [("2071.30", "2071"), ("2071.99", "2071"), ("2071", "2071")])
def test_floor_kr_rounds_down(amount, expected):
    assert str(floor_kr(D(amount))) == expected


def test_rounding_does_not_depend_on_the_callers_context():
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_EVEN
        assert round_ore(D("234.365")) == D("234.37")
        assert round_kr(D("112.50")) == D("113")


@pytest.mark.parametrize("text, expected", [
    ("1250.00", D("1250.00")),
    ("1 250.50", D("1250.50")),
    ("1\u00a0250", D("1250")),
    ("-10", D("-10")),
    ("0.1", D("0.1")),
])
def test_parse_money(text, expected):
    value = parse_money(text)
    assert value == expected and isinstance(value, Decimal)


@pytest.mark.parametrize("text", ["", "abc", "12,50", "NaN", "Infinity", "1e3x"])
def test_parse_money_rejects(text):
    with pytest.raises(ValueError, match="is not an amount"):
        parse_money(text)


def test_money_is_never_a_float():
    assert parse_money("0.1") + parse_money("0.2") == D("0.3")


def test_format_money_and_percent():
    assert [format_money(D(x)) for x in ("38", "187.5", "0", "-1.005")] == ["38.00", "187.50", "0.00", "-1.01"]
    assert format_percent(D("0.1225")) == "12.25 %"
    assert format_percent(D("0.10")) == "10 %"


def test_is_ore_exact():
    assert is_ore_exact(D("187.50")) and not is_ore_exact(D("234.375"))


def test_decimal_context_traps_division_by_zero():
    with decimal.localcontext(DECIMAL_CONTEXT), pytest.raises(decimal.DivisionByZero):
        D(1) / D(0)


# --- simple interest ---------------------------------------------------------------------------

RATES = [(day("2026-01-01"), D("0.12")), (day("2025-07-01"), D("0.1225"))]   # newest first


def test_interest_across_a_rate_change():
    # 10 000 NOK from 1 Dec 2025 to 31 Jan 2026: interest runs 2 Dec - 31 Jan.
    #   2 Dec - 31 Dec: 30 days at 12.25 %  → 10 000 × 0.1225 × 30 / 365 = 36 750 / 365
    #   1 Jan - 31 Jan: 31 days at 12.00 %  → 10 000 × 0.12   × 31 / 365 = 37 200 / 365
    #   total 73 950 / 365 = 202.6027…
    result = simple_interest(D("10000"), day("2025-12-01"), day("2026-01-31"), RATES)
    assert abs(result - D(73950) / D(365)) < D("1e-20")
    assert round_ore(result) == D("202.60")


def test_interest_with_the_change_on_the_last_day():
    # 31 Dec at 12.25 %, 1 Jan at 12 %: (1225 + 1200) / 365
    result = simple_interest(D("10000"), day("2025-12-30"), day("2026-01-01"), RATES)
    assert round_ore(result) == D("6.64")
    assert abs(result - D(2425) / D(365)) < D("1e-20")


def test_interest_with_the_change_on_the_first_day():
    # from 1 Jan: the change is not inside the period; all 31 days at 12 %
    result = simple_interest(D("10000"), day("2026-01-01"), day("2026-02-01"), RATES)
    assert abs(result - D(37200) / D(365)) < D("1e-20")


def test_no_interest_for_an_empty_period_or_amount():
    assert simple_interest(D("10000"), day("2026-01-31"), day("2026-01-31"), RATES) == 0
    assert simple_interest(D("10000"), day("2026-02-01"), day("2026-01-31"), RATES) == 0
    assert simple_interest(D("0"), day("2026-01-01"), day("2026-12-31"), RATES) == 0


def test_value_on_and_lookup():
    assert value_on(RATES, day("2025-12-31")) == D("0.1225")
    assert value_on(RATES, day("2026-01-01")) == D("0.12")
    table = [(D(500), D("0.25")), (D(1000), D("0.35")), (None, D("0.4"))]
    assert [lookup_bracket(table, D(x)) for x in ("500", "500.01", "1000", "1250")] == [
        D("0.25"), D("0.35"), D("0.35"), D("0.4")]


def test_value_on_before_the_schedule_starts():
    from engine.core.errors import EvaluationError
    with pytest.raises(EvaluationError, match="no value on 2025-06-30"):
        value_on(RATES, day("2025-06-30"))


# --- business days (Norway) --------------------------------------------------------------------

@pytest.fixture(scope="module")
def norway() -> BusinessCalendar:
    return BusinessCalendar("NO")


def test_easter_2026(norway):
    # Maundy Thursday 2 April, Good Friday 3, Easter Sunday 5, Easter Monday 6 April
    for d in ("2026-04-02", "2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06"):
        assert not norway.is_business_day(day(d)), d
    assert norway.is_business_day(day("2026-04-01"))
    assert norway.next_business_day(day("2026-04-02")) == day("2026-04-07")
    assert norway.add_business_days(day("2026-04-01"), 1) == day("2026-04-07")
    assert norway.add_business_days(day("2026-04-07"), -1) == day("2026-04-01")


def test_christmas_2026(norway):
    # helligdagsloven: 25 and 26 December are public holidays; 24 December (a Thursday in
    # 2026) is not, even though many offices close.
    assert day("2026-12-24").weekday() == 3
    assert norway.holiday_name(day("2026-12-24")) is None
    assert norway.is_business_day(day("2026-12-24"))
    assert norway.holiday_name(day("2026-12-25")) is not None
    assert norway.holiday_name(day("2026-12-26")) is not None
    assert norway.next_business_day(day("2026-12-24")) == day("2026-12-24")
    assert norway.next_business_day(day("2026-12-25")) == day("2026-12-28")
    assert norway.add_business_days(day("2026-12-24"), 1) == day("2026-12-28")


def test_constitution_day_2026_on_a_sunday(norway):
    # 17 May 2026 is a Sunday; Norway has no substitute holiday, so Monday 18 May is a working day
    assert day("2026-05-17").weekday() == 6
    assert norway.holiday_name(day("2026-05-17")) is not None
    assert norway.next_business_day(day("2026-05-16")) == day("2026-05-18")
    assert norway.is_business_day(day("2026-05-18"))


@pytest.mark.parametrize("holiday", ["2026-01-01", "2026-05-01", "2026-05-14", "2026-05-25"])
def test_other_public_holidays_2026(norway, holiday):
    # New Year, Labour Day, Ascension Day (Thursday), Whit Monday
    assert not norway.is_business_day(day(holiday))


def test_weekends_are_not_business_days(norway):
    assert not norway.is_business_day(day("2026-03-07"))    # Saturday
    assert norway.next_business_day(day("2026-03-07")) == day("2026-03-09")
    assert norway.add_business_days(day("2026-03-06"), 0) == day("2026-03-06")


def test_calendar_for_is_shared():
    assert calendar_for("NO") is calendar_for("NO")


def test_the_weekend_is_the_countrys():
    # holidays' Israel (IL): the weekend is Friday and Saturday, so Sunday is a working day.
    # 2026-03-01 is a Sunday, 2026-03-06 a Friday, 2026-03-07 a Saturday (no holidays that week).
    israel = BusinessCalendar("IL")
    assert sorted(israel.weekend) == [4, 5]
    assert israel.is_business_day(day("2026-03-01"))
    assert not israel.is_business_day(day("2026-03-06"))
    assert israel.next_business_day(day("2026-03-06")) == day("2026-03-08")
    assert sorted(BusinessCalendar("NO").weekend) == [5, 6]


def test_a_cached_calendar_year_answers_as_holidays_does(tmp_path, monkeypatch):
    # The year the cache stores is holidays' is_working_day, day by day: a fresh calendar
    # reading the cached year agrees with the library for every day of 2026.
    import holidays
    monkeypatch.setenv("FRIST_CACHE_DIR", str(tmp_path))
    BusinessCalendar("NO").is_business_day(day("2026-01-01"))          # writes the year
    assert len(list(tmp_path.glob("calendar-*.entry"))) == 1
    cached, library = BusinessCalendar("NO"), holidays.country_holidays("NO")
    for offset in range(365):
        d = day("2026-01-01") + dt.timedelta(days=offset)
        assert cached.is_business_day(d) == library.is_working_day(d), d
        assert cached.holiday_name(d) == library.get(d), d
        assert cached.add_business_days(d, 3) == library.get_nth_working_day(d, 3), d
