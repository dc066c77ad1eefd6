"""A case list's items by position: the flattened items and where each row's first and last item is.

The fields of every row's first or last item (`first(...)`, `last(...)`, `ColumnarRun.positional`)
are gathers of the flattened items at indexes read off the list's Arrow offsets, made once per
list and run. A list kernel (`list.eval(field).list.get(-1)`) works out the index row by row again
for each field it reads: on the ladder's 1 M event lists 5–6 CPU ms a field, against ~1.5 ms a
field and ~2 ms for the indexes (one Polars thread). Where every row holds exactly one item, the
flattened items are the rows themselves.
"""
from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

__all__ = ["ListItems", "list_items"]

_NEWEST = pl.CompatLevel.newest()


class ListItems:
    """List column `column` by position (`list_items` makes one)."""

    def __init__(self, column: pl.Series) -> None:
        self.column = column
        arr = column.to_arrow(compat_level=_NEWEST)      # zero copy: only the offsets are read
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        offsets = np.asarray(arr.offsets, dtype=np.int64)
        self.items: pl.Series | None = column.explode(empty_as_null=False, keep_nulls=False)
        if arr.null_count or len(self.items) != offsets[-1] - offsets[0]:
            self.items = None       # a null list's offsets may span items not its own: list kernels
        self._offsets = offsets
        self._has = offsets[1:] > offsets[:-1]          # the row holds an item
        self.every = bool(self._has.all())
        # every row holds exactly one item: the items are the rows
        self.one_each = self.items is not None and self.every and len(self.items) == len(column)
        self._at: dict[str, pl.Series] = {}

    def field(self, which: str, fields: tuple[str, ...]) -> pl.Series:
        """Per row, the field `fields` of its first or last item (`which`); null where the row has none."""
        if self.items is None:
            item = pl.element()
            for f in fields:
                item = item.struct.field(f)
            values = self.column.list.eval(item)
            return values.list.first() if which == "first" else values.list.last()
        values = self.items
        for f in fields:
            values = values.struct.field(f)
        if self.one_each:
            return values
        if not len(values):                 # no row holds an item
            return pl.Series(values.name, [None] * len(self.column), dtype=values.dtype)
        picked = values.gather(self._index(which, len(values)))
        return picked if self.every else pl.select(pl.when(pl.Series(self._has)).then(picked)).to_series()

    def _index(self, which: str, items: int) -> pl.Series:
        """Per row, the index of its first or last item of the `items` (of a neighbour where it has none)."""
        if which not in self._at:
            offsets = self._offsets
            at = offsets[:-1] - offsets[0] if which == "first" else offsets[1:] - (offsets[0] + 1)
            if not self.every:
                at = np.clip(at, 0, items - 1)
            self._at[which] = pl.Series(at)
        return self._at[which]


def list_items(column: pl.Series) -> ListItems:
    """`column` (a list of structs) by position."""
    return ListItems(column.rechunk())
