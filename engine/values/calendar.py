"""Business days for a country, from the maintained `holidays` library.

A policy names its calendar (`calendar: {country: NO}`); the engine knows no country's
holidays and no country's weekend itself. Both come from `holidays`: its working-day
functions (`is_working_day`, `get_nth_working_day`) skip the country's own weekend (Saturday
and Sunday in Norway, Friday and Saturday in Israel) and its public holidays.

`holidays` is imported, and a country's calendar built, only when a rule needs a business
day (a deadline): the import and the first year of a calendar cost more than the rest of a
cold `frist explain`.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

__all__ = ["BusinessCalendar", "calendar_for", "known_country", "supported_countries"]


def supported_countries() -> list[str]:
    import holidays
    return sorted(holidays.list_supported_countries())


def known_country(code: str) -> bool:
    import holidays
    return code in holidays.list_supported_countries()


class BusinessCalendar:
    """Working days of one country: not its weekend, not a public holiday.

    >>> no = BusinessCalendar("NO")
    >>> no.next_business_day(dt.date(2026, 4, 2))   # Maundy Thursday → the Tuesday after Easter
    datetime.date(2026, 4, 7)
    >>> no.add_business_days(dt.date(2026, 12, 24), 1)   # 24 Dec is a working day; 25-27 are not
    datetime.date(2026, 12, 28)
    >>> sorted(no.weekend)                               # Saturday, Sunday (date.weekday numbers)
    [5, 6]
    """

    def __init__(self, country: str) -> None:
        import holidays
        self.country = country
        self._holidays = holidays.country_holidays(country)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.country!r})"

    def __reduce__(self):
        return calendar_for, (self.country,)        # one calendar per country, also after pickling

    @property
    def weekend(self) -> frozenset[int]:
        """The country's weekend days as `date.weekday()` numbers (0 = Monday)."""
        return frozenset(self._holidays.weekend)

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def is_business_day(self, day: dt.date) -> bool:
        return _is_business_day(self, day)

    def next_business_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a business day, else the first one after it."""
        return day if self.is_business_day(day) else self.add_business_days(day, 1)

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th business day after `day` (before it when negative); `day` for 0."""
        if count == 0:
            return day
        moved = self._holidays.get_nth_working_day(day, count)
        return dt.date(moved.year, moved.month, moved.day)


@lru_cache(maxsize=65536)
def _is_business_day(calendar: BusinessCalendar, day: dt.date) -> bool:
    return calendar._holidays.is_working_day(day)


@lru_cache(maxsize=None)
def calendar_for(country: str) -> BusinessCalendar:
    """One shared calendar per country (its holiday cache is shared too)."""
    return BusinessCalendar(country)
