"""Formatting run-time values by type, for decisions (JSON) and explanations (text).

>>> import datetime as dt; from decimal import Decimal
>>> from engine.lang import types as T
>>> from engine.values.money import MoneyStyle
>>> en = Voice("en", MoneyStyle("NOK"))
>>> show(Decimal("38"), T.MONEY, en), show(45, T.DAYS, en), show(dt.date(2026, 3, 2), T.DATE, en)
('38.00 NOK', '45 days', '2026-03-02')

An amount is written the way the policy's jurisdiction file says for the language (a
`Voice`: the language and its `MoneyStyle`); Norwegian text (`nb`) writes numbers with a
space between thousands and a decimal comma (JSON keeps the machine format: `to_json`).

>>> nb = Voice("nb", MoneyStyle("NOK", "{amount} kr", " ", ","))
>>> show(Decimal("1050"), T.MONEY, nb), show(Decimal("0.1225"), T.PERCENT, nb), show(45, T.DAYS, nb)
('1 050,00 kr', '12,25 %', '45 dager')
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass
from typing import Any

from . import types as T
from ..values.money import MoneyStyle, format_money, format_percent
from ..values.time import Months

__all__ = ["Voice", "show", "to_json", "nb_number"]


@dataclass(frozen=True, slots=True)
class Voice:
    """The language a text is written in, and how it writes the policy's currency.

    `money` is None only where no policy is at hand: an amount is then its bare number.
    """

    lang: str = "en"
    money: MoneyStyle | None = None

    @classmethod
    def of(cls, jurisdiction, lang: str = "en") -> Voice:
        """The voice of `lang` for a policy of `jurisdiction` (a `policy.jurisdiction.Jurisdiction`, or None)."""
        return cls(lang, jurisdiction.money_style(lang) if jurisdiction is not None else None)

    def amount(self, value: Decimal) -> str:
        return self.money.format(value) if self.money is not None else format_money(value)


def nb_number(text: str) -> str:
    """`1050.00` as Norwegian text: `1 050,00` (thousands spaced, decimal comma).

    >>> nb_number("1234567.5"), nb_number("-38.00"), nb_number("0.25")
    ('1 234 567,5', '-38,00', '0,25')
    """
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = digits.partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:]] + groups
    return sign + " ".join([whole] + groups) + ("," + frac if dot else "")


def _show_nb(value: Any, inner: T.Type | None, voice: Voice) -> str | None:
    """The Norwegian form where it differs from the English one, else None."""
    if value is None:
        return "ingen"
    if inner == T.MONEY:
        return voice.amount(value)
    if inner == T.PERCENT:
        return nb_number(format_percent(value)[:-2]) + " %"
    if inner == T.DAYS:
        return f"{value} dag" if value in (1, -1) else f"{value} dager"
    if isinstance(value, Months):
        return f"{value.count} måned" if value.count in (1, -1) else f"{value.count} måneder"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, Decimal):
        return nb_number(show(value, T.NUMBER))
    if isinstance(value, list):
        return f"[{len(value)} elementer]"
    if isinstance(value, dict):
        fields = inner if isinstance(inner, T.Record) else None
        return ", ".join(f"{k} {show(v, fields.field(k) if fields else None, voice)}" for k, v in value.items())
    return None


def show(value: Any, typ: T.Type | None, voice: Voice | str = "en") -> str:
    """Human form: `38.00 NOK`, `45 days`, `12.25 %`, `none` (nb: `38,00 kr`, `45 dager`, `ingen`)."""
    if isinstance(voice, str):
        voice = Voice(voice)
    inner = T.unwrap(typ) if typ is not None else None
    if voice.lang == "nb":
        shown = _show_nb(value, inner, voice)
        if shown is not None:
            return shown
    if value is None:
        return "none"
    if inner == T.MONEY:
        return voice.amount(value)
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
        return ", ".join(f"{k} {show(v, fields.field(k) if fields else None, voice)}" for k, v in value.items())
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
