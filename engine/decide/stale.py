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
from typing import TYPE_CHECKING

from ..policy.model import Constraint
from .enforce import Violation
from .notice import Notice

if TYPE_CHECKING:
    from ..check.pipeline import Catalog
    from ..policy.model import Parameter
    from ..run.runtime import Bound

__all__ = ["stale_figures", "stale_violations", "stale_warnings"]


def stale_figures(catalog: Catalog, bindings: dict, as_of: dt.date) -> list[tuple]:
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


def _fields(bound: Bound, p: Parameter) -> dict:
    return {"figure": f"{bound.version.name}.{p.name}", "version": bound.version.key, "day": p.review_by,
            "policy": bound.version.name}


def stale_violations(stale: list[tuple], locales: dict | None = None) -> list[Violation]:
    """One held reason per stale figure (the figure's own source, its file:line:col), its text in
    English and in each language of the figure's jurisdiction whose locale (`locales`: language →
    Locale) has a `notices.stale_figure` phrase, so `explain --lang` shows it in the reader's language."""
    out = []
    for bound, p in stale:
        fields = _fields(bound, p)
        text = {"en": str(Notice("stale_figure", **fields))}
        jurisdiction = bound.checked.jurisdiction
        for lang in (jurisdiction.languages if jurisdiction is not None else ()):
            locale = (locales or {}).get(lang)
            phrase = (locale.words.get("notices") or {}).get("stale_figure") if locale is not None else None
            if phrase and lang != "en":
                text[lang] = phrase.format(**{**fields, "day": p.review_by.isoformat()})
        out.append(Violation(bound.version.key, Constraint("stale-figure", None, None, p.source, text, p.span)))
    return out


def stale_warnings(stale: list[tuple]) -> list[Notice]:
    """What a decision made anyway (`--allow-stale`) records: Notices (the English text in the
    decision JSON, the locale's `notices.stale_allowed` phrase in `explain --lang`)."""
    return [Notice("stale_allowed", **_fields(bound, p), source=p.source) for bound, p in stale]
