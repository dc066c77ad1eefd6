"""Calendar dates and durations on pendulum, with the month-end rule stated.

Run-time forms: a Date is a plain `datetime.date` (what pendulum's parser and clock give, its
`Date` subclass, is converted back, so decisions, the load cache and the compiled code see
one type); a day-based Duration is an `int` of days; a month-based Duration is `Months` (a
year is 12 months).

pendulum defines the calendar rules (docs/language.md, "Dates and durations"): adding days
and months, strict date parsing behind a shape check, today in a time zone, and the words
for a number of days or months in many languages. Its month rule keeps the day of the month
and, where the target month is shorter, ends on its last day: 31 January + 1 month = 28 (or
29) February, 29 February 2024 + 12 months = 28 February 2025. That is the law's rule for
deadlines in months or years, domstolloven § 148 second ledd: the deadline ends on the day
"som efter sit tal svarer til den dag, da fristen begynder at løpe. Har ikke maaneden dette
tal, ender fristen paa den sidste dag i maaneden" (LD-mirror § 148). Day deadlines (§ 148
first ledd: the start day is not counted) are `date + n days`.

pendulum is imported on first use, not with this module: a command that never reads or
computes a date (`frin --help`) does not pay for its import (bench/README.md, "pendulum").
The columnar evaluator keeps its own vectorised arithmetic (Polars `offset_by`, which has the
same month rule); tests/values/test_dates.py checks the two agree on every day of 2024–2027.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

__all__ = ["Months", "parse_date", "format_date", "add_days", "add_months", "add_duration", "today_in",
           "duration_words", "DATE_MIN", "DATE_MAX", "DateRangeError"]

# Exactly YYYY-MM-DD in ASCII digits. pendulum's parser is an ISO 8601 parser and lenient
# about the form: it also reads week dates (2026-W10-1), ordinal dates (2026-061), the basic
# format (20260302) and date-times (2026-03-02T00:00), so only text of this shape reaches it.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A language code pendulum may have words for (a locale file's `locale:`; never a path).
_LANGUAGE = re.compile(r"[a-z]{2,3}")

# The years a case, a policy or a command-line date may name. Debt collection has no use
# for dates outside them, and deadlines years ahead (foreldelse: 3, 10 years) stay far from
# Python's year 9999 limit, so date arithmetic on accepted input cannot overflow.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)


class DateRangeError(ValueError, ArithmeticError):
    """A date (given or computed) outside the calendar Frist works in.

    An ArithmeticError too, so evaluation reports an overflowing deadline as an
    evaluation error (never a crash) wherever date arithmetic happens.
    """


@dataclass(frozen=True, slots=True, order=True)
class Months:
    """A month-based duration; years are 12 months.

    >>> Months(36)
    Months(36)
    """

    count: int

    def __repr__(self) -> str:
        return f"Months({self.count})"

    def __neg__(self) -> Months:
        return Months(-self.count)

    def __add__(self, other: Months) -> Months:
        return Months(self.count + other.count)

    def __sub__(self, other: Months) -> Months:
        return Months(self.count - other.count)


def parse_date(text: str) -> dt.date:
    """Parse an ISO calendar date strictly (`2026-01-15`); week and ordinal dates are refused.

    >>> parse_date("2026-02-28")
    datetime.date(2026, 2, 28)
    >>> parse_date("2026-W10-1")
    Traceback (most recent call last):
    ValueError: `2026-W10-1` is not a date (YYYY-MM-DD)
    """
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise ValueError(f"`{text}` is not a date (YYYY-MM-DD)")
    import pendulum
    try:
        parsed = pendulum.parse(text, exact=True)     # refuses 2026-02-30, month 13, year 0
    except ValueError:                                 # pendulum's ParserError is one
        raise ValueError(f"`{text}` is not a date (YYYY-MM-DD)") from None
    if not isinstance(parsed, dt.date):                # YYYY-MM-DD parses to a Date, never a Time or Duration
        raise ValueError(f"`{text}` is not a date (YYYY-MM-DD)")
    value = _plain(parsed)
    if not DATE_MIN <= value <= DATE_MAX:
        raise DateRangeError(f"`{text}` is outside the years Frist supports ({DATE_MIN.year}–{DATE_MAX.year})")
    return value


def format_date(value: dt.date) -> str:
    return value.isoformat()


def add_days(date: dt.date, days: int) -> dt.date:
    """`date` plus (or, negative, minus) whole days.

    >>> add_days(dt.date(2024, 2, 28), 1), add_days(dt.date(2026, 12, 18), 14)
    (datetime.date(2024, 2, 29), datetime.date(2027, 1, 1))
    """
    return _moved(date, days, "day")


def add_months(date: dt.date, months: int) -> dt.date:
    """Add calendar months, ending on the month's last day where it is shorter (domstolloven § 148).

    >>> add_months(dt.date(2026, 1, 31), 1), add_months(dt.date(2024, 2, 29), 12)
    (datetime.date(2026, 2, 28), datetime.date(2025, 2, 28))
    """
    return _moved(date, months, "month")


def add_duration(date: dt.date, duration: int | Months) -> dt.date:
    """Date + Duration for either run-time form of Duration.

    >>> add_duration(dt.date(2026, 1, 15), 14), add_duration(dt.date(2026, 1, 15), Months(3))
    (datetime.date(2026, 1, 29), datetime.date(2026, 4, 15))
    """
    if isinstance(duration, Months):
        return add_months(date, duration.count)
    return add_days(date, duration)


def today_in(zone: str, instant: dt.datetime | None = None) -> dt.date:
    """The calendar date in the IANA time zone `zone` (a jurisdiction's, not the machine's)
    now, or at `instant` (an aware datetime).

    >>> today_in("Europe/Oslo", dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone.utc))
    datetime.date(2027, 1, 1)
    """
    import pendulum
    moment = pendulum.now(zone) if instant is None else pendulum.instance(instant).in_timezone(zone)
    return _plain(moment.date())


def duration_words(count: int, unit: str, language: str) -> str | None:
    """`count` days or months (`unit`: "day" or "month") written in `language` with
    pendulum's locale data (its words and the language's plural rule), or None where pendulum has
    no words for the language: the caller then uses the locale file's.

    >>> duration_words(14, "day", "nb"), duration_words(6, "month", "nl"), duration_words(1, "month", "en")
    ('14 dager', '6 maanden', '1 month')
    >>> duration_words(14, "day", "se") is None
    True
    """
    words = _pendulum_words(language) if unit in ("day", "month") else None
    if words is None:
        return None
    pattern = words.translation(f"units.{unit}.{words.plural(abs(count))}")
    return pattern.format(count) if isinstance(pattern, str) else None


@cache
def _pendulum_words(language: str) -> Any:          # pendulum's Locale (untyped), or None
    """pendulum's locale for `language`, or None (asked once: a miss looks in its package folder)."""
    if not _LANGUAGE.fullmatch(language):
        return None
    from pendulum.locales.locale import Locale
    try:
        return Locale.load(language)
    except ValueError:                                 # no such locale in pendulum
        return None


def _moved(date: dt.date, count: int, unit: str) -> dt.date:
    try:
        add = _pendulum_add()
        return add(date, days=count) if unit == "day" else add(date, months=count)
    except (OverflowError, ValueError):             # past year 9999 or before year 1
        raise DateRangeError(f"{date} + {count} {unit}(s) is beyond the calendar") from None


@cache
def _pendulum_add() -> Callable[..., dt.date]:
    """pendulum's `add_duration`, the function its `Date.add` runs: called on the plain date
    it keeps the date's type (no `pendulum.Date` made and converted back, ≈ 40 % less CPU a
    call, which the law search of `validate` makes some 90,000 times)."""
    from pendulum.helpers import add_duration
    return add_duration


def _plain(date: dt.date) -> dt.date:
    """A `datetime.date` of pendulum's `Date` (a subclass: its repr, pickling and `type()` differ)."""
    return dt.date(date.year, date.month, date.day)
