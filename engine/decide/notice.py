"""A decision's warnings as data, written for a reader only when shown.

A `Notice` is the English text the decision JSON has always carried (it *is* that string,
so JSON, batch rejects and every `in`/`join` on warnings see no change) and keeps what the
text was made of: the recorded letter, its fee and date, the constraint it breaks. `explain
--lang nb` writes it again from the locale's `notices` phrases, with the constraint's own
text in that language and the amount and date in the locale's forms
(`… gebyr 100,00 kr …: Gebyret for inkassovarsel kan ikke overstige 1/20 av inkassosatsen.`).

>>> import datetime as dt; from decimal import Decimal
>>> n = Notice("fee_unchecked", index=0, step="purring", day=dt.date(2019, 5, 2), fee=Decimal("70"))
>>> str(n)
'events[0] (purring 2019-05-02, fee 70.00): no version of the law in force on 2019-05-02; the fee was not checked'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..values.money import format_money

if TYPE_CHECKING:
    from ..lang.render import Voice

__all__ = ["Notice"]

# The English text of each kind (the decision JSON's); the placeholders a locale's phrase may
# use are policy/locale.py's NOTICE_PLACEHOLDERS.
_ENGLISH = {
    "fee_not_owed": "events[{index}] ({step} {day}, fee {fee}) is not owed: {text} [{rule}; {source}]",
    "fee_partly_owed": "events[{index}] ({step} {day}, fee {fee}) {unowed} of it is not owed ({owed} is): {text} "
                       "[{rule}; {source}]",
    "fee_unchecked": "events[{index}] ({step} {day}, fee {amount}): no version of the law in force on {day}; "
                     "the fee was not checked",
    "review_due": "{figure} ({version}) was due for review on {day}",
    "stale_figure": "`{figure}` ({version}) was due for review on {day} and no later version of `{policy}` exists: "
                    "it may no longer be the law",
    "stale_allowed": "decided with a stale figure (--allow-stale): `{figure}` ({version}) was due for review on {day} "
                     "and no later version of `{policy}` exists: it may no longer be the law [{source}]",
}


class Notice(str):
    """One warning: `kind` (a key of `_ENGLISH`) and the values its text is made of.

    fee_not_owed:  index, step, day, fee (Decimal), currency (ISO code), constraint (model.Constraint), rule
    fee_partly_owed: the same and owed (the lawful part kept)
    fee_unchecked: index, step, day, fee
    review_due:    figure (`policy.name`), version (its key), day
    stale_figure:  figure, version, day (its review date), policy: a stale figure a decision is held for
    stale_allowed: the same and source: a stale figure a decision was made with (`--allow-stale`)
    """

    kind: str
    fields: dict

    def __new__(cls, kind: str, **fields: Any) -> Notice:
        plain = {**fields, "day": fields["day"].isoformat()}
        if kind in ("fee_not_owed", "fee_partly_owed"):
            money = lambda v: f"{format_money(v)} {fields['currency']}".rstrip()     # noqa: E731
            plain.update(fee=money(fields["fee"]), text=fields["constraint"].said("en"), source=fields["constraint"].source)
            if kind == "fee_partly_owed":
                plain.update(unowed=money(fields["fee"] - fields["owed"]), owed=money(fields["owed"]))
        elif kind == "fee_unchecked":
            plain["amount"] = format_money(fields["fee"])
        self = super().__new__(cls, _ENGLISH[kind].format(**plain))
        self.kind, self.fields = kind, fields
        return self

    def said(self, voice: Voice) -> str:
        """This warning in `voice`'s language (a `lang.render.Voice`): the locale's phrase for its
        kind, else the English text."""
        phrases = (voice.locale.words.get("notices") or {}) if voice.locale is not None else {}
        phrase = phrases.get(self.kind)
        if phrase is None:
            return str(self)
        values = {**self.fields, "day": voice.date(self.fields["day"])}
        if "fee" in self.fields:
            values["fee"] = voice.amount(self.fields["fee"])
        if self.kind in ("fee_not_owed", "fee_partly_owed"):
            values.update(text=self.fields["constraint"].said(voice.lang), source=self.fields["constraint"].source)
        if self.kind == "fee_partly_owed":
            values.update(unowed=voice.amount(self.fields["fee"] - self.fields["owed"]), owed=voice.amount(self.fields["owed"]))
        return phrase.format(**values)
