"""The one signed cache store (engine/core/cache_store.py): an entry is accepted only under the key it
was written for, so an entry copied over another's (another kind, file, version or year) is refused.

Issue 22: holiday calendar years were signed over their content only, so a year copied over
another year's file was read as that year and moved every deadline in it.
"""
import datetime as dt
import shutil

import pytest

from engine.core.cache_store import CacheStore, entry_key
from engine.values.calendar import BusinessCalendar
from support.cache_folder import cache  # noqa: F401 (a fixture: the test's own empty cache folder)


def test_the_key_binds_kind_name_version_year_and_hashes(cache):
    base = entry_key("calendar", "NO", version="1", year=2026, hashes=["a"])
    others = [entry_key("load-policy", "NO", version="1", year=2026, hashes=["a"]),
              entry_key("calendar", "SE", version="1", year=2026, hashes=["a"]),
              entry_key("calendar", "NO", version="2", year=2026, hashes=["a"]),
              entry_key("calendar", "NO", version="1", year=2027, hashes=["a"]),
              entry_key("calendar", "NO", version="1", year=2026, hashes=["b"])]
    assert len({base, *others}) == 6
    assert base == entry_key("calendar", "NO", version="1", year=2026, hashes=["a"])


def test_an_entry_copied_under_another_key_is_refused_and_removed(cache):
    store = CacheStore.open()
    mine, other = entry_key("test", "a"), entry_key("test", "b")
    store.write(mine, b"payload")
    assert store.read(mine) == b"payload"
    shutil.copyfile(store.path(mine), store.path(other))       # validly signed, but for `a`
    assert store.read(other) is None
    assert not store.path(other).exists()
    assert store.read(mine) == b"payload"


def test_a_calendar_year_copied_over_another_year_is_refused(cache):
    # Maundy Thursday (skjærtorsdag) is a Norwegian public holiday: 2 April 2026, 25 March 2027
    # (Easter Sunday 2027 is 28 March). 25 March 2026 is an ordinary Wednesday, so 2026's flags
    # read as 2027's would make 25 March 2027 a working day.
    BusinessCalendar("NO").is_business_day(dt.date(2026, 1, 1))
    (entry_2026,) = cache.glob("calendar-*.entry")
    BusinessCalendar("NO").is_business_day(dt.date(2027, 1, 1))
    (entry_2027,) = set(cache.glob("calendar-*.entry")) - {entry_2026}
    shutil.copyfile(entry_2026, entry_2027)
    assert not BusinessCalendar("NO").is_business_day(dt.date(2027, 3, 25))
    assert entry_2027.read_bytes() != entry_2026.read_bytes()   # refused, asked of holidays, rewritten
    assert not BusinessCalendar("NO").is_business_day(dt.date(2026, 4, 2))


def test_pruning_removes_entries_of_earlier_formats_and_nothing_else(cache):
    from engine.core.cache_store import prune
    cache.mkdir(parents=True)
    old = [cache / "calendar-NO-2026-0123abcd.json", cache / "0123.pickle", cache / "load-policy-ab.entry"]
    kept = [cache / "notes.json", cache / "cache.key.txt"]
    for path in old + kept:
        path.write_bytes(b"x" * 10)
    prune(cache, limit=0)
    assert [p for p in old + kept if p.exists()] == kept
