"""The next free date for a new version of a policy, from the catalog, for the tests that play
the docs' routine change (docs/review.md: "From 2027-01-01 the inkassosats is 780 NOK").

Why: the docs name 2027-01-01. Once that change is really made and published, a test that
re-runs `new-version no-regulation 2027-01-01` fails because the version exists (issue 20
item 4). The tests play the same change on the first 1 January after the newest published
version instead, with every date of the docs' commands moved with it.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

__all__ = ["DOC_DATE", "DOC_PREVIOUS", "Retarget", "retarget_for"]

DOC_DATE = "2027-01-01"         # the new version's date in docs/review.md
DOC_PREVIOUS = "2026-07-01"     # the version before it there


def _published(policies: Path, name: str) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(p.stem) for p in (policies / name).glob("*.yaml")
                  if re.fullmatch(r"\d{4}-\d\d-\d\d", p.stem))


class Retarget:
    """The docs' dates → the dates the change is played on in a given catalog."""

    def __init__(self, free: dt.date, previous: dt.date):
        self.free, self.previous = free, previous
        self.years = free.year - dt.date.fromisoformat(DOC_DATE).year     # free is always a 1 January

    @property
    def moved(self) -> bool:
        return self.years != 0 or self.previous.isoformat() != DOC_PREVIOUS

    def date(self, text: str) -> str:
        """A date of the docs' scenario (2027-01-01, 2027-01-04, review_by 2027-07-01) moved by whole years."""
        day = dt.date.fromisoformat(text)
        return day.replace(year=day.year + self.years).isoformat()

    def text(self, text: str) -> str:
        """Every scenario date in `text` moved, and the docs' predecessor named as this one."""
        text = re.sub(r"\b20(2[7-9]|3\d)-\d\d-\d\d\b", lambda m: self.date(m.group()), text)
        return text.replace(f"@{DOC_PREVIOUS}", f"@{self.previous.isoformat()}")

    def argv(self, argv: list[str]) -> list[str]:
        return [self.text(a) for a in argv]



def retarget_for(policies: Path, name: str = "no-regulation") -> Retarget:
    """The first 1 January after the newest published version of `name`, and that version."""
    published = _published(policies, name)
    newest = published[-1]
    return Retarget(dt.date(newest.year + 1, 1, 1), newest)
