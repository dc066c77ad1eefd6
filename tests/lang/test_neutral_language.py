"""The language and its explanations name no country (issue 22).

- The rounding built-ins have neutral names; the Norwegian ones are aliases of the same entry
  (one meaning in every evaluator and the prover).
- The ledger records structured events; each locale writes every kind of event, so a Dutch
  explanation's ledger has no English in it.
- explain asks the semantics table how a call was computed (`Function.steps`), never a
  function by name.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from engine.explain.words import ledger_line
from engine.lang.semantics import FUNCTIONS
from engine.lang.semantics.functions import ALIASES
from engine.lang.semantics.symbolic import SYMBOLIC_FUNCTIONS
from engine.policy.locale import load_locales
from engine.values.ledger import EVENT_FIGURES, LedgerEvent, settle

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("alias,name", sorted(ALIASES.items()))
def test_a_norwegian_name_is_an_alias_of_the_neutral_entry(alias, name):
    kept, neutral = FUNCTIONS[alias], FUNCTIONS[name]
    assert kept.alias_of == name and neutral.alias_of is None
    assert (kept.impl, kept.columnar, kept.check, kept.arity) == (neutral.impl, neutral.columnar, neutral.check, neutral.arity)
    assert SYMBOLIC_FUNCTIONS[alias] is SYMBOLIC_FUNCTIONS[name]


def test_the_neutral_roundings_round_as_documented():
    # 1037.50 to the minor unit stays 1037.50; to whole units half up 1038; down 1037
    x = Decimal("1037.50")
    assert FUNCTIONS["round_minor"].impl(Decimal("1037.495")) == Decimal("1037.50")
    assert FUNCTIONS["round_major"].impl(x) == Decimal("1038")
    assert FUNCTIONS["floor_major"].impl(x) == Decimal("1037")


def test_every_locale_writes_every_kind_of_ledger_event():
    locales, _, problems = load_locales([ROOT / "policies"])
    assert problems == []
    for code, locale in locales.items():
        assert set(EVENT_FIGURES) <= set(locale.ledger), code
    schema = json.loads((ROOT / "schemas" / "locale.schema.json").read_text())["properties"]["ledger"]
    assert set(EVENT_FIGURES) <= set(schema["required"])


def _events() -> list[LedgerEvent]:
    """One claim of 1,000.00 due 2026-01-15, a 38.00 fee on 2026-02-01, 100.00 paid on 2026-03-01,
    a fixed compensation of 40.00 offset against the fee (tests/values/test_ledger.py has the arithmetic)."""
    events: list = []
    settle([{"due": dt.date(2026, 1, 15), "amount": Decimal("1000"), "credited": Decimal(0)}],
           [{"date": dt.date(2026, 2, 1), "fee": Decimal("38")}],
           [{"date": dt.date(2026, 3, 1), "amount": Decimal("100")}], dt.date(2026, 3, 31),
           [(dt.date(2026, 1, 1), Decimal("0.12"))], "costs, interest, principal", compensation=Decimal("40"),
           journal=events)
    return events


def test_the_ledger_records_events_with_figures_not_sentences():
    events = _events()
    assert [e.kind for e in events] == ["opening", "compensation", "payment", "closing"]
    for e in events:
        assert set(e.figures) == set(EVENT_FIGURES[e.kind]), e
    payment = events[2].figures
    # the compensation (40.00, from 2026-01-16) lifts the costs above the 38.00 fee: the fee adds nothing;
    # the payment settles the 40.00 costs first, then interest, then principal
    assert payment["taken"][0] == ("costs", Decimal("40"))
    assert payment["payer"] == "collector" and payment["overpaid"] is None


def test_a_dutch_ledger_is_written_wholly_in_dutch():
    locales, _, _ = load_locales([ROOT / "policies"])
    english = {phrase for value in locales["en"].ledger.values()
               for phrase in (value.values() if isinstance(value, dict) else [value])}
    words = {w for phrase in english for w in phrase.replace("{", " ").replace("}", " ").split() if w.isalpha() and len(w) > 3}
    for event in _events():
        line = ledger_line(event, locales["nl"])
        assert not [w for w in words if w in line.split()], line
    assert ledger_line(_events()[0], locales["nl"]) == \
        "hoofdsom 1.000,00 in 1 vordering(en), rente vanaf de dag na elke vervaldatum"


def test_explain_names_no_function():
    """explain takes how a call was computed from the semantics table, not by a function's name."""
    text = (ROOT / "engine" / "explain" / "text.py").read_text()
    assert not [name for name in FUNCTIONS if f'"{name}"' in text]
