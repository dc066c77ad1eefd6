"""Frist engine: policies as data, a typed rule language, decisions that explain themselves.

The Python API (api/python.py), imported lazily so importing the package stays cheap
(`frist_inkasso.engine` when installed, `engine` in the checkout):

    decide_case(case, ...) -> Decided          one case, from a file or a mapping
    explain_case(case, lang=...) -> Explained  the decision and its explanation for a person
    decide_table(table, ...) -> DecidedTable   a whole table (the `batch` extra: polars, pyarrow)
    decide_batch(table, ...)              the table API underneath (decisions only; rejects in a list)
"""
from __future__ import annotations

__all__ = ["decide_case", "explain_case", "decide_table", "decide_batch", "Decided", "Explained", "DecidedTable"]

_API = {"decide_case", "explain_case", "decide_table", "Decided", "Explained", "DecidedTable"}


def __getattr__(name: str):
    if name in _API:
        from .api import python
        return getattr(python, name)
    if name == "decide_batch":
        from .batch.api import decide_batch
        return decide_batch
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
