"""The first and last item of a case list by its offsets (`columnar/list_items.py`) equal Polars'
list kernels: empty rows, null rows, rows with several items, slices of a frame, no item at all."""
from __future__ import annotations

import polars as pl
import pytest

from engine.columnar.list_items import list_items

ITEM = pl.Struct({"a": pl.Int64, "b": pl.String})
LISTS = {
    "empty rows and two items": [[{"a": 1, "b": "x"}], [], [{"a": 2, "b": "y"}, {"a": 3, "b": None}]],
    "a null row": [[{"a": 1, "b": "x"}], None, [{"a": 2, "b": "y"}]],
    "no item at all": [[], []],
    "one item each": [[{"a": 1, "b": "x"}], [{"a": 2, "b": None}]],
    "empty at both ends": [[], [{"a": 1, "b": "x"}], []],
}


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("cut", [None, (1, 2), (1, 1)])
def test_first_and_last_fields_equal_the_list_kernels(name, cut):
    column = pl.Series("c", LISTS[name], dtype=pl.List(ITEM))
    if cut is not None:
        column = column.slice(*cut)
    items = list_items(column)
    for which in ("first", "last"):
        for field in ("a", "b"):
            kernel = column.list.eval(pl.element().struct.field(field))
            want = (kernel.list.first() if which == "first" else kernel.list.last()).to_list()
            assert items.field(which, (field,)).to_list() == want, (which, field)


def test_one_item_each_reads_the_items_as_the_rows():
    column = pl.Series("c", LISTS["one item each"], dtype=pl.List(ITEM))
    assert list_items(column).one_each and not list_items(pl.Series("c", LISTS["a null row"], dtype=pl.List(ITEM))).one_each
