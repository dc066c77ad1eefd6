"""The words of an explanation come from the locale files (policy/locale.py). The ledger
records how it ran as structured events (values/ledger.py `LedgerEvent`: a kind and its
figures, no sentence); they are written here with the locale's `ledger` phrases, amounts as
the locale writes numbers, so a ledger's lines are wholly in the reader's language.
"""
from __future__ import annotations

from ..values.money import group_digits, round_ore

__all__ = ["ledger_line", "notice_text"]


def _amount(value, locale) -> str:
    return group_digits(f"{round_ore(value):.2f}", locale.group, locale.decimal)


def ledger_line(event, locale) -> str:
    """One step of the ledger in `locale`'s language (a `policy.locale.Locale`).

    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from types import SimpleNamespace as L
    >>> from engine.values.ledger import LedgerEvent
    >>> nb = L(group=" ", decimal=",", ledger={"cost": "{day}  kostnad {amount}"})
    >>> ledger_line(LedgerEvent("cost", {"day": dt.date(2026, 3, 2), "amount": Decimal("1038"), "full": Decimal("1038")}), nb)
    '2026-03-02  kostnad 1 038,00'
    """
    phrases = locale.ledger
    shown = {}
    for name, value in event.figures.items():
        if name == "payer":
            shown[name] = phrases["payers"][value]
        elif name == "taken":
            shown[name] = ", ".join(phrases["taken"].format(bucket=phrases["buckets"][bucket], amount=_amount(amount, locale))
                                    for bucket, amount in value)
        elif name == "overpaid":
            shown[name] = phrases["overpaid"].format(amount=_amount(value, locale)) if value else ""
        elif name == "claims":
            shown[name] = str(value)
        elif hasattr(value, "isoformat"):
            shown[name] = value.isoformat()
        else:
            shown[name] = _amount(value, locale)
    return phrases[event.kind].format(**shown)


def notice_text(notice, voice) -> str:
    """A decision's warning in `voice`'s language (a `decide.notice.Notice`; any other text as it is)."""
    said = getattr(notice, "said", None)
    return said(voice) if said is not None else str(notice)
