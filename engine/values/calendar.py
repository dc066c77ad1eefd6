"""Business days for a country, from the maintained `holidays` library.

A policy's jurisdiction file names its calendar (`calendar: {country: NO}`, a policy may
name its own); the engine knows no country's holidays and no country's weekend itself. Whether a day is a working day is
`holidays`' own `is_working_day`: not the country's weekend (Saturday and Sunday in Norway,
Friday and Saturday in Israel) unless the country moved a working day onto it, and not a
public holiday. A jurisdiction may instead state its weekend (`weekend: [friday, saturday]`):
then a day on it is a working day only if the country moved one there.

Importing `holidays` (it loads every country's module) and building a country's year cost
more than the rest of a cold `frin explain`, so a calendar asks `holidays` once per country
and year and keeps the answers (one flag per day, and the holidays' names) in the cache
store (`core.cache_store`), keyed by the year and the installed `holidays` release and signed;
`holidays` is imported only when a year is not cached yet. Stepping over working days walks those flags the way `holidays`'
`get_nth_working_day` walks `is_working_day`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

__all__ = ["BusinessCalendar", "calendar_for", "known_country", "supported_countries"]


def supported_countries() -> list[str]:
    import holidays
    return sorted(holidays.list_supported_countries())


def known_country(code: str) -> bool:
    import holidays
    return code in holidays.list_supported_countries()


@dataclass(frozen=True, slots=True)
class _Year:
    first: int                  # ordinal of 1 January
    working: str                # "1" per working day, "0" otherwise, from 1 January on
    names: dict[str, str]       # ISO date → holiday name


class BusinessCalendar:
    """Working days of one country: not its weekend, not a public holiday. A jurisdiction may instead state its weekend (`weekend: [friday, saturday]`):
then a day on it is a working day only if the country moved one there.

    >>> no = BusinessCalendar("NO")
    >>> no.next_business_day(dt.date(2026, 4, 2))   # Maundy Thursday → the Tuesday after Easter
    datetime.date(2026, 4, 7)
    >>> no.add_business_days(dt.date(2026, 12, 24), 1)   # 24 Dec is a working day; 25-27 are not
    datetime.date(2026, 12, 28)
    >>> sorted(no.weekend)                               # Saturday, Sunday (date.weekday numbers)
    [5, 6]
    """

    def __init__(self, country: str, weekend: tuple[int, ...] | None = None) -> None:
        self.country = country
        self.stated_weekend = tuple(sorted(weekend)) if weekend is not None else None
        self._years: dict[int, _Year] = {}

    def __repr__(self) -> str:
        extra = f", weekend={self.stated_weekend!r}" if self.stated_weekend is not None else ""
        return f"BusinessCalendar({self.country!r}{extra})"

    def __reduce__(self) -> tuple[Callable[..., BusinessCalendar], tuple[str, tuple[int, ...] | None]]:
        return calendar_for, (self.country, self.stated_weekend)    # one per country and weekend, also after pickling

    @property
    def weekend(self) -> frozenset[int]:
        """The weekend days as `date.weekday()` numbers (0 = Monday): as stated, else from `holidays`."""
        if self.stated_weekend is not None:
            return frozenset(self.stated_weekend)
        return frozenset(_library(self.country).weekend)

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = _load_year(self.country, year, self.stated_weekend)
        return found

    def holiday_name(self, day: dt.date) -> str | None:
        return self._year(day.year).names.get(day.isoformat())

    def is_business_day(self, day: dt.date) -> bool:
        year = self._year(day.year)
        return year.working[day.toordinal() - year.first] == "1"

    def next_business_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a business day, else the first one after it."""
        return day if self.is_business_day(day) else self.add_business_days(day, 1)

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th business day after `day` (before it when negative); `day` for 0."""
        step = dt.timedelta(days=1 if count >= 0 else -1)
        for _ in range(abs(count)):
            day += step
            while not self.is_business_day(day):
                day += step
        return day


@lru_cache(maxsize=None)
def calendar_for(country: str, weekend: tuple[int, ...] | None = None) -> BusinessCalendar:
    """One shared calendar per country (and stated weekend)."""
    return BusinessCalendar(country, weekend)


@lru_cache(maxsize=None)
def _library(country: str) -> Any:                  # holidays' HolidayBase (a dict of date → name)
    import holidays
    return holidays.country_holidays(country)


def _from_library(country: str, year: int, weekend: tuple[int, ...] | None = None) -> _Year:
    """One year of the country's calendar, asked of `holidays` (with a stated weekend: a day on it
    is a working day only when the country moved one there, as `is_working_day` has it)."""
    calendar = _library(country)
    first = dt.date(year, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]
    if weekend is None:
        working = "".join("1" if calendar.is_working_day(d) else "0" for d in days)
    else:
        moved: set[dt.date] = getattr(calendar, "weekend_workdays", set())
        working = "".join("1" if (d in moved if d.weekday() in weekend else d not in calendar) else "0" for d in days)
    names = {d.isoformat(): calendar.get(d) for d in days if d in calendar}
    return _Year(first.toordinal(), working, names)


def _load_year(country: str, year: int, weekend: tuple[int, ...] | None = None) -> _Year:
    import json
    key = country + ("-w" + "".join(map(str, weekend)) if weekend is not None else "")
    stored = _read(key, year)
    if stored is not None:
        try:
            data = json.loads(stored)
            found = _Year(dt.date(year, 1, 1).toordinal(), data["working"], data["names"])
            if len(found.working) == (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days:
                return found
        except (ValueError, KeyError, TypeError):
            pass
    found = _from_library(country, year, weekend)
    _write(key, year, json.dumps({"working": found.working, "names": found.names}, ensure_ascii=False))
    return found


@lru_cache(maxsize=1)
def _release() -> str | None:
    """A stamp of the installed `holidays` (its folder and version file), without importing it."""
    import hashlib
    import os
    from importlib.util import find_spec
    spec = find_spec("holidays")
    if spec is None or not spec.origin:
        return None
    try:
        stat = os.stat(os.path.join(os.path.dirname(spec.origin), "version.py"))
    except OSError:
        return None
    return hashlib.sha256(f"{spec.origin}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:16]


def _key(country: str, year: int) -> str | None:
    """The store key of a country's year: the year and the `holidays` release are bound into it
    (and so into the entry's signature), so a year copied over another year's entry is refused.

    Entries are signed with the cache folder's per-user key (`core.cache_store`), as every
    cache's are: a calendar planted in a shared or restored cache folder could move every deadline.
    """
    release = _release()
    if release is None:
        return None
    from ..core.cache_store import entry_key
    return entry_key("calendar", country, year=year, hashes=[release])


def _read(country: str, year: int) -> bytes | None:
    from ..core.cache_store import CacheStore
    key, store = _key(country, year), CacheStore.open()
    return None if key is None or store is None else store.read(key, 1 << 20)


def _write(country: str, year: int, text: str) -> None:
    """Store a year (signed, atomically); a failed write only costs time."""
    from ..core.cache_store import CacheStore
    key, store = _key(country, year), CacheStore.open()
    if key is not None and store is not None:
        store.write(key, text.encode("utf-8"))
