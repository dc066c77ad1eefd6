"""Formatting run-time values by type, for decisions (JSON) and explanations (text).

>>> import datetime as dt; from decimal import Decimal
>>> from engine import types as T
>>> show(Decimal("38"), T.MONEY), show(45, T.DAYS), show(dt.date(2026, 3, 2), T.DATE)
('38.00 NOK', '45 days', '2026-03-02')
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from . import types as T
from .values.money import format_money, format_percent
from .values.time import Months

__all__ = ["show", "to_json"]


def show(value: Any, typ: T.Type | None) -> str:
    """Human form: `38.00 NOK`, `45 days`, `12.25 %`, `none`."""
    if value is None:
        return "none"
    inner = T.unwrap(typ) if typ is not None else None
    if inner == T.MONEY:
        return f"{format_money(value)} NOK"
    if inner == T.PERCENT:
        return format_percent(value)
    if inner == T.DAYS:
        return f"{value} day" if value in (1, -1) else f"{value} days"
    if isinstance(value, Months):
        return f"{value.count} months"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return f"[{len(value)} items]"
    if isinstance(value, dict):
        fields = inner if isinstance(inner, T.Record) else None
        return ", ".join(f"{k} {show(v, fields.field(k) if fields else None)}" for k, v in value.items())
    return str(value)


def to_json(value: Any, typ: T.Type | None) -> Any:
    """JSON form: money as "38.00", dates ISO, days as integers, percent as "12.25 %"."""
    if value is None or isinstance(value, bool):
        return value
    inner = T.unwrap(typ) if typ is not None else None
    if inner == T.MONEY:
        return format_money(value)
    if inner == T.PERCENT:
        return format_percent(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Months):
        return f"{value.count} months"
    if isinstance(value, Decimal):
        return show(value, T.NUMBER)
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, list):
        return [to_json(v, None) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v, None) for k, v in value.items()}
    return str(value)
