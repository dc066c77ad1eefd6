"""What the law search builds its cases from, read from the policies themselves.

The boundary search (law_search.py) starts from claims and histories that make a law's
constraints bite. Every figure here comes from the bound versions (the process and the law
policies that constrain it), never from a country's names or amounts, so a new jurisdiction's
ladder is searched as thoroughly as Norway's:

- the base claim: 2.5 × the smallest positive band limit of the laws' Money tables (Norway's
  salær bands start at 500 → 1,250; the Dutch scale at 2,500 → 6,250), else 10 × the largest
  Money figure the laws name (a claim well above every fee), else 1,250;
- the letter steps: the steps the law policies declare (`steps:`) that the process takes, in
  the process's order;
- the term: the Days figure the laws name most often (the longer on a tie: Norway's and the
  Netherlands' 14 days); a short deadline is half of it;
- an excess fee: twice the smallest positive Money figure the laws name (above any cap that
  figure sets: Norway's 38 → 76, the Dutch minimum of 40 → 80).

`fill_amounts` gives the claim amounts the search's top-up (law_search.py, `_fill`) tries on a
state where a constraint bites: the base scaled across four orders of magnitude and every Money
figure the laws name, ± 1 øre (a fee cap, a minimum, a band limit), so a constraint that the
ladder reaches only at one step (a payment-plan fee) is judged on as many claims as the others.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from ..lang import types as T

__all__ = ["SearchFigures", "search_figures", "constraints_by_jurisdiction", "fill_amounts"]

_FALLBACK_BASE = Decimal("1250.00")
_FALLBACK_TERM = 14


@dataclass(frozen=True)
class SearchFigures:
    base: Decimal                   # the claim every start case owes
    letter_steps: tuple[str, ...]   # the law's steps the process takes, in its order
    term: int                       # days: the deadline a lawful letter gives
    short: int                      # days: a deadline shorter than the law allows
    excess_fee: Decimal             # a fee above what the law lets a letter cost


def _laws(bindings: dict, main: str) -> list:
    """The bound versions that constrain the process (they have constraints), not the process."""
    return [b for name, b in sorted(bindings.items()) if name != main and b.checked.constraints]


def search_figures(bindings: dict, main: str, steps: tuple[str, ...]) -> SearchFigures:
    """The search's figures for the process `main` bound as `bindings` (name → Bound)."""
    laws = _laws(bindings, main) or [b for name, b in bindings.items() if name != main]
    money = [b.checked.params[n] for b in laws for n, t in b.checked.param_types.items()
             if t == T.MONEY and b.checked.params[n] > 0]
    limits = [key for b in laws for p in b.version.parameters.values()
              if isinstance(p.type, T.Table) and p.type.key == T.MONEY
              for key, _ in b.checked.params[p.name] if key is not None and key > 0]
    if limits:
        base = (min(limits) * Decimal("2.5")).quantize(Decimal("0.01"))
    elif money:
        base = (max(money) * 10).quantize(Decimal("0.01"))
    else:
        base = _FALLBACK_BASE
    days = Counter(int(b.checked.params[n]) for b in laws for n, t in b.checked.param_types.items()
                   if t == T.DAYS and 1 < int(b.checked.params[n]) <= 100)
    term = max(days, key=lambda d: (days[d], d)) if days else _FALLBACK_TERM
    named = {s for b in laws for s in b.version.steps}
    excess = (min(money) * 2).quantize(Decimal("0.01")) if money else base / 10
    return SearchFigures(base, tuple(s for s in steps if s in named), term, max(1, term // 2), excess)


_SCALES = ("0.02", "0.1", "0.5", "2", "10", "100")


def fill_amounts(bindings: dict, main: str, base: Decimal) -> list[Decimal]:
    """Claim amounts for the top-up: `base` scaled, and each positive Money figure of the laws ± 1 øre."""
    laws = _laws(bindings, main) or [b for name, b in bindings.items() if name != main]
    cent = Decimal("0.01")
    out = {(base * Decimal(k)).quantize(cent) for k in _SCALES}
    for b in laws:
        for n, t in b.checked.param_types.items():
            if t == T.MONEY and b.checked.params[n] > 0:
                m = b.checked.params[n]
                out |= {m - cent, m, m + cent}
    return sorted(a for a in out if a > 0)


def constraints_by_jurisdiction(catalog) -> dict[str, list[str]]:
    """Jurisdiction code → every "law/constraint" of its laws' versions (the rows of the counts)."""
    out: dict[str, list[str]] = {}
    for code, j in sorted(catalog.jurisdictions.by_code.items()):
        names = [f"{law}/{c.constraint.id}" for law in j.laws for v in catalog.versions(law)
                 if v.key in catalog.checked for c in catalog.checked[v.key].constraints]
        if names:
            out[code] = list(dict.fromkeys(names))
    return out
