"""Business days for a country, from the maintained `holidays` library.

A policy names its calendar (`calendar: {country: NO}`); the engine knows no country's
holidays itself. Weekends are Saturday and Sunday.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

__all__ = ["BusinessCalendar", "calendar_for", "known_country", "supported_countries"]


def supported_countries() -> list[str]:
    return sorted(holidays.list_supported_countries())


def known_country(code: str) -> bool:
    return code in holidays.list_supported_countries()


class BusinessCalendar:
    """Working days of one country.

    >>> no = BusinessCalendar("NO")
    >>> no.next_business_day(dt.date(2026, 4, 2))   # Maundy Thursday → the Tuesday after Easter
    datetime.date(2026, 4, 7)
    >>> no.add_business_days(dt.date(2026, 12, 24), 1)   # 24 Dec is a working day; 25-27 are not
    datetime.date(2026, 12, 28)
    """

    def __init__(self, country: str) -> None:
        self.country = country
        self._holidays = holidays.country_holidays(country)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.country!r})"

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def is_business_day(self, day: dt.date) -> bool:
        return _is_business_day(self, day)

    def next_business_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a business day, else the first one after it."""
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_business_day(day):
                remaining -= 1
        return day


@lru_cache(maxsize=65536)
def _is_business_day(calendar: BusinessCalendar, day: dt.date) -> bool:
    return day.weekday() < 5 and day not in calendar._holidays


@lru_cache(maxsize=None)
def calendar_for(country: str) -> BusinessCalendar:
    """One shared calendar per country (its holiday cache is shared too)."""
    return BusinessCalendar(country)
