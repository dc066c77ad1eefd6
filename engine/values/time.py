"""Calendar dates and durations, with the month-end rule stated.

Run-time forms: a Date is a `datetime.date`; a day-based Duration is an `int` of days; a
month-based Duration is `Months`. Adding months clamps to the last day of a shorter month
(31 January + 1 month = 28 or 29 February), the usual reading of "3 months" in Norwegian
deadlines (and pendulum's and dateutil's rule). The standard library does all of it:
`date.fromisoformat` behind a strict `YYYY-MM-DD` pattern, date differences for the
month's length, `zoneinfo` for today's date in the jurisdiction's zone. (Not the `calendar` module: it
imports `locale`, a fifth of a cold start's imports.)
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Months", "parse_date", "format_date", "add_months", "add_duration", "today_in",
           "DATE_MIN", "DATE_MAX", "DateRangeError"]

# Exactly YYYY-MM-DD in ASCII digits: `date.fromisoformat` alone also takes week dates
# (2026-W10-1), ordinal dates (2026-061) and the basic format (20260302).
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{text}` is not a date (YYYY-MM-DD)") from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise DateRangeError(f"`{text}` is outside the years Frist supports ({DATE_MIN.year}–{DATE_MAX.year})")
    return value


def format_date(value: dt.date) -> str:
    return value.isoformat()


def add_months(date: dt.date, months: int) -> dt.date:
    """Add calendar months, clamping to the month's end.

    >>> add_months(dt.date(2026, 1, 31), 1), add_months(dt.date(2024, 2, 29), 12)
    (datetime.date(2026, 2, 28), datetime.date(2025, 2, 28))
    """
    year, month = divmod(date.year * 12 + date.month - 1 + months, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise DateRangeError(f"{date} + {months} month(s) is beyond the calendar")
    return dt.date(year, month + 1, min(date.day, _days_in_month(year, month + 1)))


def _days_in_month(year: int, month: int) -> int:
    """
    >>> _days_in_month(2024, 2), _days_in_month(2026, 2), _days_in_month(9999, 12)
    (29, 28, 31)
    """
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def add_duration(date: dt.date, duration: int | Months) -> dt.date:
    """Date + Duration for either run-time form of Duration.

    >>> add_duration(dt.date(2026, 1, 15), 14), add_duration(dt.date(2026, 1, 15), Months(3))
    (datetime.date(2026, 1, 29), datetime.date(2026, 4, 15))
    """
    if isinstance(duration, Months):
        return add_months(date, duration.count)
    try:
        return date + dt.timedelta(days=duration)
    except OverflowError:
        raise DateRangeError(f"{date} + {duration} day(s) is beyond the calendar") from None


def today_in(zone: str) -> dt.date:
    """Today's calendar date in the IANA time zone `zone` (a jurisdiction's, not the machine's)."""
    from zoneinfo import ZoneInfo
    return dt.datetime.now(ZoneInfo(zone)).date()
