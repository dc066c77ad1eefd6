"""The record of a locale file (policy/locale.py loads it), apart from its loader so the load
cache's codec can allow-list it without importing a module that uses the cache (as
policy/jurisdiction.py holds the `Jurisdiction` record and jurisdiction_files.py its loader).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Locale"]


@dataclass(frozen=True, slots=True)
class Locale:
    code: str
    name: str
    group: str                      # thousands separator of numbers and percentages
    decimal: str
    literals_as_written: bool       # a condition's literals as written in the policy, or as values
    values: dict                    # none, true, false, day, days, month, months, items
    words: dict                     # the fixed phrases; `amount_names`, `outputs` are mappings
    ledger: dict                    # the ledger's event phrases (values/ledger.py EVENT_FIGURES), payers, buckets
    path: str
    sha256: str = ""
    cldr: str | None = None         # the CLDR locale Babel writes numbers, money and dates in (values/cldr.py)
