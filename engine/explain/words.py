"""The words of an explanation come from the locale files (policy/locale.py); the ledger's
journal is written in English (values/ledger.py), so its lines are translated here with the
locale's `journal` phrases, and the amounts in them written as the locale writes numbers.
"""
from __future__ import annotations

import re

from ..values.money import group_digits

__all__ = ["journal_line", "notice_text"]

_AMOUNT = re.compile(r"(?<![\d-])-?\d+\.\d{2}(?!\d)")


def journal_line(line: str, locale) -> str:
    """One line of the ledger journal in `locale`'s language (a `policy.locale.Locale`).

    >>> from types import SimpleNamespace as L
    >>> journal_line("2026-03-02  cost 1038.00", L(group=" ", decimal=",", journal=(("cost", "kostnad"),)))
    '2026-03-02  kostnad 1 038,00'
    """
    out = _AMOUNT.sub(lambda m: group_digits(m.group(), locale.group, locale.decimal), line)
    for english, translated in locale.journal:
        out = out.replace(english, translated)
    return out


def notice_text(notice, voice) -> str:
    """A decision's warning in `voice`'s language (a `decide.notice.Notice`; any other text as it is)."""
    said = getattr(notice, "said", None)
    return said(voice) if said is not None else str(notice)
