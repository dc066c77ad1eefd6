"""The versions a (policy version, day) binds, asked of the catalog once per run, not once per chunk and group.

A batch asks `Catalog.bind` for every decision date of every chunk (grouping the rows), for
every day a recorded fee was charged (the law that judges it) and for every decision date
again (the stale-figure holds): thousands of times for the same few hundred days. A catalog
never changes once loaded, so the answer is kept per catalog (weakly: it goes with the
catalog) and per (version, day, drafts). An error is not kept: it is raised again, as asked.
"""
from __future__ import annotations

import datetime as dt
import weakref

__all__ = ["bound_on"]

_LIMIT = 50_000             # days kept per catalog (a run over every day of decades stays far below)
_KEPT: dict[int, tuple[weakref.ref, dict]] = {}     # id(catalog) → (the catalog, weakly; its answers)


def bound_on(catalog, main, day: dt.date, include_drafts: bool) -> dict:
    """`catalog.bind(main, day, include_drafts)`, the same dict for the same question (callers never change it)."""
    number = id(catalog)
    held = _KEPT.get(number)
    if held is None or held[0]() is not catalog:     # a catalog is a dataclass (not hashable): kept by id

        def gone(_: weakref.ref) -> None:
            _KEPT.pop(number, None)
        held = _KEPT[number] = (weakref.ref(catalog, gone), {})
    memo = held[1]
    key = (main.version.key, day, include_drafts)
    got = memo.get(key)
    if got is None:
        if len(memo) >= _LIMIT:
            memo.clear()
        got = memo[key] = catalog.bind(main, day, include_drafts)
    return got
