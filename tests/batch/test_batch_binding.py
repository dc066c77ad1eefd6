"""Rows grouped by the versions their (policy, day) binds, resolved once per version window.

`chunk.group_by_bound_versions` resolves a (spec, window) on its first day only: a window is
the days between two versions' effective dates, on which nothing can change what is in force.
These tests hold it to the day-by-day answer (`Catalog.resolved` and `Catalog.bound` asked on
every day) across every version boundary of the kravia process and its law, and to the
day-by-day reject of a day before a policy's first version (its reason names the day).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from engine.batch.api import catalog_for
from engine.batch.chunk import group_by_bound_versions
from engine.batch.layout import ROW

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")


def _keyed(days: list[dt.date], spec: str) -> pl.DataFrame:
    return pl.DataFrame({ROW: list(range(1, len(days) + 1)), "__day": days,
                         "__spec": [spec] * len(days)}, schema={ROW: pl.Int64, "__day": pl.Date, "__spec": pl.String})


def test_each_day_is_grouped_by_the_versions_it_binds_that_day():
    catalog = catalog_for(POLICIES)
    edges = sorted({v.effective for v in catalog.policies.all()})
    # every version's effective date, the day before it and the day after it, in a shuffled order
    days = sorted({d + dt.timedelta(days=k) for d in edges for k in (-1, 0, 1)
                   if catalog.versions("kravia")[0].effective <= d + dt.timedelta(days=k)}, key=lambda d: (d.day, d))
    groups, keyed, unresolved = group_by_bound_versions(catalog, _keyed(days, "kravia"), False)
    assert not unresolved and len(groups) > 2
    by_number = {g.number: g for g in groups}
    for day, number in keyed.select("__day", "__group").iter_rows():
        main = catalog.resolved("kravia", day)
        want = {name: b.version.key for name, b in catalog.bound(main, day).items()}
        got = by_number[number]
        assert got.main is main, day
        assert {name: b.version.key for name, b in got.bindings.items()} == want, day


def test_a_day_before_the_first_version_is_rejected_with_that_day():
    catalog = catalog_for(POLICIES)
    first = catalog.versions("kravia")[0].effective
    days = [first - dt.timedelta(days=3), first - dt.timedelta(days=2), first, first - dt.timedelta(days=3)]
    groups, keyed, unresolved = group_by_bound_versions(catalog, _keyed(days, "kravia"), False)
    assert len(groups) == 1 and keyed.get_column("__group").to_list() == [-1, -1, 0, -1]
    rejects = pl.concat(unresolved).sort("row")
    assert rejects.get_column("row").to_list() == [1, 2, 4]
    for row, problem in rejects.select("row", "problem").iter_rows():
        assert f"in force on {days[row - 1].isoformat()}" in problem, problem


def test_review_notes_per_window_are_each_days_notes():
    """The `warnings` column's review notes (`group._review_warnings`, found once per window between
    two review dates) are, on each day around every review date, that day's `review_notes`."""
    from engine.batch.group import _review_warnings
    from engine.batch.output import WARNING_SEPARATOR
    from engine.decide.decision import review_notes
    catalog = catalog_for(POLICIES)
    checked = 0
    for name in catalog.policies.names():
        for version in catalog.versions(name):
            main = catalog.checked.get(version.key)
            if main is None or not main.rules:
                continue
            bindings = catalog.bound(main, version.effective)
            reviews = {p.review_by for b in bindings.values() for p in b.version.parameters.values()
                       if p.review_by is not None}
            days = sorted({r + dt.timedelta(days=k) for r in reviews for k in (-1, 0, 1, 2)}, reverse=True)
            if not days:
                continue
            table = pl.DataFrame({"as_of": days}, schema={"as_of": pl.Date})
            got = table.select(_review_warnings(table, bindings).alias("w")).get_column("w").to_list()
            want = [WARNING_SEPARATOR.join(review_notes(bindings, day)) for day in days]
            assert got == want, (version.key, days)
            checked += any(want)
    assert checked
