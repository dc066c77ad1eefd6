"""Frist engine: policies as data, a typed rule language, decisions that explain themselves.

A thin facade, imported lazily so importing it stays cheap (`frist_inkasso.engine` when
installed, `engine` in the checkout): `decide_batch` (needs the
`batch` extra: polars, pyarrow) is loaded on first use.
"""
from __future__ import annotations

__all__ = ["decide_batch"]


def __getattr__(name: str):
    if name == "decide_batch":
        from .batch.api import decide_batch
        return decide_batch
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
