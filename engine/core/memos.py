"""The engine's process-wide memos, forgotten together every few catalogs.

Some evaluation memos are keyed by the `id()` of AST nodes and checked versions and keep those
objects alive, so that an id is never reused while its answer is kept (run/plan.py,
run/prefix_filter.py, run/compiled_values.py, decide/enforce.py). A long-running process loads
one catalog after another (`frin serve` reloading its folder, a test worker): unforgotten, every
catalog it ever loaded stayed in memory (measured: +8.7 MB a catalog, 120 checked versions of 12
dropped catalogs still alive). Each such memo is made here (`memo()`), and every catalog built
(`Catalog.__post_init__`) counts: every `KEEP` catalogs they are all forgotten, so they keep at
most that many catalogs alive. Each is bounded too (`limit` entries, then it starts afresh), for a
process that keeps one catalog but asks of ever more versions. Forgetting is never wrong, only a
recomputation.
"""
from __future__ import annotations

from typing import Any

__all__ = ["KEEP", "catalog_built", "memo"]

KEEP = 4                            # catalogs built between two forgettings
_MEMOS: list[dict[Any, Any]] = []
_built = 0


class _Memo(dict[Any, Any]):
    """A dict that starts afresh when an entry would make it hold more than `limit`."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: Any, value: Any) -> None:
        if len(self) >= self.limit and key not in self:
            self.clear()
        super().__setitem__(key, value)


def memo(limit: int) -> dict[Any, Any]:
    """A new process-wide memo of at most `limit` entries, forgotten with the others (`catalog_built`)."""
    made = _Memo(limit)
    _MEMOS.append(made)
    return made


def catalog_built() -> None:
    """Count one catalog built; every `KEEP`th forgets every memo."""
    global _built
    _built += 1
    if _built >= KEEP:
        _built = 0
        for made in _MEMOS:
            made.clear()
