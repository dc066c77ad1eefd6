"""Formatting run-time values by type, for decisions (JSON) and explanations (text).

A `Voice` says how: the language's locale file (words for none, yes/no, days, months; how
numbers are written) and the jurisdiction's money format for that language. Days and months
take pendulum's words where it has the language (`values/time.duration_words`), the locale
file's otherwise. Without a
locale (diagnostics, the JSON trace) values take the plain form below; JSON itself keeps the
machine form (`to_json`).

>>> import datetime as dt; from decimal import Decimal
>>> from engine.lang import types as T
>>> from engine.values.money import MoneyStyle
>>> en = Voice("en", MoneyStyle("NOK"))
>>> show(Decimal("38"), T.MONEY, en), show(45, T.DAYS, en), show(dt.date(2026, 3, 2), T.DATE, en)
('38.00 NOK', '45 days', '2026-03-02')
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..values.money import MoneyStyle, format_money, format_percent, group_digits
from ..values.time import Months, duration_words
from . import types as T

__all__ = ["Voice", "show", "to_json", "PLAIN"]

# The plain form of values where no locale file is at hand (diagnostics, the JSON trace):
# the words of a locale file's `values:` (schemas/locale.schema.json).
PLAIN = {"none": "none", "true": "true", "false": "false", "day": "{n} day", "days": "{n} days",
         "month": "{n} months", "months": "{n} months", "items": "[{n} items]"}


@dataclass(frozen=True, slots=True)
class Voice:
    """The language a text is written in: its locale (a `policy.locale.Locale`, or None for the
    plain form) and how it writes the policy's currency (None: the bare number)."""

    lang: str = "en"
    money: MoneyStyle | None = None
    locale: Any = None

    @classmethod
    def of(cls, jurisdiction: Any, lang: str = "en", locale: Any = None) -> Voice:   # a policy Jurisdiction (a higher layer), a Locale
        """The voice of `lang` for a policy of `jurisdiction` (a `policy.jurisdiction.Jurisdiction`, or None)."""
        return cls(lang, jurisdiction.money_style(lang) if jurisdiction is not None else None, locale)

    @property
    def cldr(self) -> str | None:
        """The CLDR locale Babel writes this language's numbers, money and dates in (None: plain forms)."""
        return getattr(self.locale, "cldr", None)

    def amount(self, value: Decimal) -> str:
        if self.cldr is not None and self.money is not None:
            from ..values import cldr
            return cldr.money(value, self.money.code, self.cldr)
        return self.money.format(value) if self.money is not None else format_money(value)

    def number(self, text: str) -> str:
        """A number written the machine way (`1050.5`) as this language writes it (`1 050,5`)."""
        if self.cldr is not None:
            from ..values import cldr
            return cldr.number(Decimal(text), self.cldr)
        return group_digits(text, self.locale.group, self.locale.decimal) if self.locale is not None else text

    def percent(self, fraction: Decimal) -> str:
        if self.cldr is not None:
            from ..values import cldr
            return cldr.percent(fraction, self.cldr)
        return self.number(format_percent(fraction)[:-2]) + " %"

    def date(self, day: dt.date) -> str:
        """A date in running text: the language's own form (`2. mars 2026`), else ISO."""
        if self.cldr is not None:
            from ..values import cldr
            return cldr.date(day, self.cldr)
        return day.isoformat()

    @property
    def words(self) -> dict[str, str]:
        return self.locale.values if self.locale is not None else PLAIN


def _one(count: int) -> bool:
    return count in (1, -1)


def _duration(count: int, unit: str, voice: Voice) -> str:
    """`14 dager`, `6 maanden`: pendulum's words for the voice's language where it has them,
    else the locale file's (and the plain form without a locale)."""
    if voice.locale is not None:
        said = duration_words(count, unit, voice.locale.code)
        if said is not None:
            return said
    return voice.words[unit if _one(count) else unit + "s"].format(n=count)


def show(value: Any, typ: T.Type | None, voice: Voice | str = "en") -> str:
    """Human form: `38.00 NOK`, `45 days`, `12.25 %`, `none` (nb: `38,00 kr`, `45 dager`, `ingen`)."""
    if isinstance(voice, str):
        voice = Voice(voice)
    words = voice.words
    inner = T.unwrap(typ) if typ is not None else None
    if value is None:
        return words["none"]
    if inner == T.MONEY:
        return voice.amount(value)
    if inner == T.PERCENT:
        return voice.percent(value)
    if inner == T.DAYS:
        return _duration(value, "day", voice)
    if isinstance(value, Months):
        return _duration(value.count, "month", voice)
    if isinstance(value, bool):
        return words["true" if value else "false"]
    if isinstance(value, dt.date):
        return voice.date(value)
    if isinstance(value, Decimal):
        return voice.number(f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}")
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return words["items"].format(n=len(value))
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
