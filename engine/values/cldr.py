"""Numbers, money, percentages and dates as a language writes them, from the CLDR data Babel ships.

A locale file that names a CLDR locale (`cldr: nb_NO`, policy/locale.py) has its numbers,
amounts and dates written by Babel rather than by rules written here: the thousands
separator (a no-break space in Norwegian), the minus sign, the currency's symbol and its
place, the names of months. A locale without one (English, the language of the audit trail)
keeps the plain forms (`1050.00 NOK`, `2026-03-02`).

Babel is imported on first use, so commands that print nothing for people (`decide`, the
JSON of `explain`) do not pay for it at start-up.

>>> from decimal import Decimal; import datetime as dt
>>> money(Decimal("1050.5"), "NOK", "nb_NO"), date(dt.date(2026, 3, 2), "nb_NO")
('1\\xa0050,50\\xa0kr', '2. mars 2026')
>>> number(Decimal("-1050.25"), "nb_NO"), percent(Decimal("0.1225"), "nb_NO")
('-1\\xa0050,25', '12,25\\xa0%')
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

__all__ = ["money", "number", "percent", "date"]


def money(value: Decimal, currency: str, cldr: str) -> str:
    """An amount in `currency` (ISO 4217) with the currency's minor unit, as `cldr` writes it."""
    from babel.numbers import format_currency
    return format_currency(value, currency, locale=cldr)


def number(value: Decimal | int, cldr: str) -> str:
    """A number with every decimal it has (none added, none rounded away)."""
    from babel.numbers import format_decimal
    return format_decimal(value, locale=cldr, decimal_quantization=False)


def percent(fraction: Decimal, cldr: str) -> str:
    """A percentage from its fraction (`0.1225` → `12,25 %`), every decimal kept."""
    from babel.numbers import format_percent
    return format_percent(fraction, locale=cldr, decimal_quantization=False)


def date(day: dt.date, cldr: str) -> str:
    """A calendar date in running text (`2. mars 2026`)."""
    from babel.dates import format_date
    return format_date(day, "long", locale=cldr)
