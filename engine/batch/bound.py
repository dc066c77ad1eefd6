"""The version a (policy, day) resolves to and the versions it binds, asked of the catalog once per run.

A batch asks `Catalog.bind` for every decision date of every chunk (grouping the rows), for
every day a recorded fee was charged (the law that judges it) and for every decision date
again (the stale-figure holds): thousands of times for the same few hundred days (and
`Catalog.resolve` for every (policy, day) of every chunk). A catalog
never changes once loaded, so the answer is kept per catalog (weakly: it goes with the
catalog; dropped if its version tables are replaced) and per question. An error is not kept:
it is raised again, as asked.
"""
from __future__ import annotations

import datetime as dt
import weakref

__all__ = ["bound_on", "resolved_on"]

_LIMIT = 50_000             # days kept per catalog (a run over every day of decades stays far below)
_KEPT: dict[int, tuple[weakref.ref, tuple[int, int], dict]] = {}   # id(catalog) → (catalog, weakly; its tables; answers)


def _answers(catalog) -> dict:
    """The answers kept for `catalog` (a new, empty dict for a catalog not seen before, or whose version
    tables were replaced since: a test may swap `catalog.checked` for a subset)."""
    number = id(catalog)
    tables = (id(catalog.checked), id(catalog.policies))
    held = _KEPT.get(number)
    if held is None or held[0]() is not catalog or held[1] != tables:     # a catalog is a dataclass (not hashable)

        def gone(_: weakref.ref) -> None:
            _KEPT.pop(number, None)
        held = _KEPT[number] = (weakref.ref(catalog, gone), tables, {})
    if len(held[2]) >= _LIMIT:
        held[2].clear()
    return held[2]


def bound_on(catalog, main, day: dt.date, include_drafts: bool) -> dict:
    """`catalog.bind(main, day, include_drafts)`, the same dict for the same question (callers never change it)."""
    memo = _answers(catalog)
    key = ("bind", main.version.key, day, include_drafts)
    got = memo.get(key)
    if got is None:
        got = memo[key] = catalog.bind(main, day, include_drafts)
    return got


def resolved_on(catalog, name: str, day: dt.date, include_drafts: bool, pinned: str | None):
    """`catalog.resolve(name, day, include_drafts, pinned)`, asked once per question (an error is asked again)."""
    memo = _answers(catalog)
    key = ("resolve", name, day, include_drafts, pinned)
    got = memo.get(key)
    if got is None:
        got = memo[key] = catalog.resolve(name, day, include_drafts, pinned)
    return got
