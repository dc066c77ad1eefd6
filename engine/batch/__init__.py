"""Batch decisions: `decide_batch` over Arrow/Polars tables and the `frin batch` command."""
from __future__ import annotations

__all__ = ["decide_batch", "decide_table"]


def __getattr__(name: str):
    if name in __all__:
        from . import api
        return getattr(api, name)
    raise AttributeError(name)
