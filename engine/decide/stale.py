"""Stale statutory figures are never charged silently.

A figure with a `review_by` date is set for a period (the half-yearly interest rates, the
inkassosats); once that date has passed on the decision date and the catalog holds no later
published version of its policy, the figure may no longer be the law. A decision that would
charge with it is held instead: `legal_review`, the reason naming each stale figure, its
review date and its source (`stale-figure`). Deciding anyway is an explicit choice
(`frin decide --allow-stale`, `decide_case(..., allow_stale=True)`): the decision is then made
and says so in its warnings, figure by figure, so it never passes for a current one.
"""
from __future__ import annotations

import datetime as dt

from ..policy.model import Constraint
from .enforce import Violation

__all__ = ["stale_figures", "stale_violations", "stale_warnings"]


def stale_figures(catalog, bindings: dict, as_of: dt.date) -> list[tuple]:
    """(Bound, Parameter) for every figure of the bound versions whose `review_by` is before
    `as_of` while no later published version of its policy exists."""
    out = []
    for name, bound in sorted(bindings.items()):
        version = bound.version
        later = [v for v in catalog.versions(name) if not v.is_draft and v.effective > version.effective]
        if later:
            continue
        for p in version.parameters.values():
            if p.review_by is not None and p.review_by < as_of:
                out.append((bound, p))
    return out


def _text(bound, p) -> str:
    return (f"`{bound.version.name}.{p.name}` ({bound.version.key}) was due for review on {p.review_by} and no "
            f"later version of `{bound.version.name}` exists: it may no longer be the law")


def stale_violations(stale: list[tuple]) -> list[Violation]:
    """One held reason per stale figure (the figure's own source, its file:line:col)."""
    return [Violation(bound.version.key, Constraint("stale-figure", None, None, p.source, {"en": _text(bound, p)}, p.span))
            for bound, p in stale]


def stale_warnings(stale: list[tuple]) -> list[str]:
    """What a decision made anyway (`--allow-stale`) records."""
    return [f"decided with a stale figure (--allow-stale): {_text(bound, p)} [{p.source}]" for bound, p in stale]
