"""The records of a catalog's data files: a `Jurisdiction` (policy/jurisdiction.py loads it)
and a `Locale` (policy/locale.py). Plain records, apart from their loaders, so the load cache's
codec can allow-list them without importing a module that uses the cache.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..values.money import MoneyStyle

__all__ = ["Jurisdiction", "Jurisdictions", "Locale"]


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    code: str
    name: str
    default: bool
    currency: str                                # ISO 4217 code
    minor_unit: int
    money: dict                                  # language → MoneyStyle
    timezone: str                                # IANA zone of `today`
    country: str                                 # the holidays library's country code
    weekend: tuple | None                        # date.weekday() numbers, or None: the library's
    languages: tuple                             # the first is `--lang`'s default
    path: str                                    # as shown in diagnostics
    span: object = None                          # the `jurisdiction:` value, for diagnostics
    sha256: str = ""                             # of the file's text (validate's verified record)

    def money_style(self, lang: str) -> MoneyStyle:
        """How `lang` writes this currency (the first language's way if the file gives none)."""
        return self.money.get(lang) or self.money[self.languages[0]]


@dataclass
class Jurisdictions:
    """Every jurisdiction a catalog can name, by code, and the default one's code."""

    by_code: dict[str, Jurisdiction]
    default: str | None
    broken: frozenset = frozenset()             # codes (file names) of files with errors, already reported

    def of(self, named: str | None) -> Jurisdiction | None:
        return self.by_code.get(named if named is not None else self.default or "")


@dataclass(frozen=True, slots=True)
class Locale:
    code: str
    name: str
    group: str                      # thousands separator of numbers and percentages
    decimal: str
    literals_as_written: bool       # a condition's literals as written in the policy, or as values
    values: dict                    # none, true, false, day, days, month, months, items
    words: dict                     # the fixed phrases; `amount_names`, `outputs` are mappings
    journal: tuple                  # (English phrase, this language's), longest first
    path: str
    sha256: str = ""
