"""The words of an explanation, in English and Norwegian (bokmål), and the ledger in nb.

One table for every fixed phrase `explain` and `--why-not` print, so `--lang nb` is
Norwegian throughout. The ledger writes its journal (values/ledger.py) in English; its
fixed phrases are translated here, and the amounts in it formatted the Norwegian way.
"""
from __future__ import annotations

import re

from ..lang.render import nb_number

__all__ = ["WORDS", "journal_line"]

WORDS = {
    "en": {"case": "Case", "on": "on", "decided": "decided by", "uses": "uses", "in_force": "in force",
           "decision": "Decision", "amounts": "Amounts", "rules": "Rules, in order (the first that holds decides)",
           "not_reached": "not reached (an earlier rule decided)", "not_evaluated": "not evaluated",
           "defs": "Definitions evaluated", "figures": "Figures used", "source": "source", "warnings": "Warnings",
           "none": "none", "why": "because", "open": "open", "review_by": "review by",
           "schedule": "{value} on {day} (schedule of {n} entries)", "brackets": "brackets", "above": "above",
           "blocked": "The law forbids what rule `{rule}` proposed ({action}{step}); the case goes to legal review",
           "broken": "breaks",
           "aside": "Claims set aside (not collected; the amounts leave them out)", "claim": "claim",
           "all_aside": "none considered: every claim is set aside; the first reason in the policy's set_aside order decides",
           "amount_names": {},
           "outputs": {"fee": "fee", "salaer": "salær", "payment_deadline": "payment deadline",
                       "not_before": "not before", "next_review": "next review", "commission": "commission"},
           # --why-not
           "why_not": "Why not `{action}`?", "is_decision": "it is the decision (rule `{rule}`)",
           "not_reached_by": "rule `{rule}` was not reached: rule `{first}` decided first",
           "does_not_hold": "rule `{rule}` does not hold:",
           "first": "What must happen first (the ladder from {start} as `frist timeline` projects it, "
                    "if nobody pays and each step is taken on its date):",
           "step": "{day}  {action} (rule `{rule}`){fee}{deadline}",
           "step_fee": ", fee {fee}", "step_deadline": ", payment deadline {day}",
           "earliest_steps": "Earliest date it can be decided: {day} (rule `{rule}`), if the steps above are taken on time.",
           "earliest_now": "Earliest date it can be decided: {day} (rule `{rule}`); nothing needs to be sent first.",
           "not_on_ladder": "The ladder does not reach it: {end}.",
           "not_by": "The ladder does not reach it before {day}.",
           "time_alone": "By time alone (nothing sent, nothing paid) it becomes the decision on {day} (rule `{rule}`).",
           "never_alone": "By time alone (nothing sent, nothing paid) it is not the decision on any day up to {day}: "
                          "something else must happen on the case first."},
    "nb": {"case": "Sak", "on": "per", "decided": "avgjort av", "uses": "bruker", "in_force": "gjelder",
           "decision": "Avgjørelse", "amounts": "Beløp", "rules": "Regler, i rekkefølge (den første som slår til avgjør)",
           "not_reached": "ikke vurdert (en tidligere regel avgjorde)", "not_evaluated": "ikke beregnet",
           "defs": "Definisjoner beregnet", "figures": "Satser brukt", "source": "kilde", "warnings": "Advarsler",
           "none": "ingen", "why": "fordi", "open": "inntil videre", "review_by": "vurderes innen",
           "schedule": "{value} per {day} (tabell med {n} satser)", "brackets": "trinn", "above": "over",
           "blocked": "Loven forbyr det regel `{rule}` foreslo ({action}{step}); saken går til juridisk vurdering",
           "broken": "bryter",
           "aside": "Krav holdt utenfor (krevs ikke inn; beløpene tar dem ikke med)", "claim": "krav",
           "all_aside": "ingen vurdert: alle krav er holdt utenfor; den første grunnen i policyens set_aside-rekkefølge avgjør",
           "amount_names": {"principal": "hovedstol", "interest": "renter", "fees": "gebyrer og salær",
                            "paid": "betalt", "total": "totalt", "costs": "kostnader",
                            "interest_accrued": "påløpte renter", "overpaid": "overbetalt"},
           "outputs": {"fee": "gebyr", "salaer": "salær", "payment_deadline": "betalingsfrist",
                       "not_before": "tidligst", "next_review": "ny vurdering", "commission": "provisjon"},
           "why_not": "Hvorfor ikke `{action}`?", "is_decision": "det er avgjørelsen (regel `{rule}`)",
           "not_reached_by": "regel `{rule}` ble ikke vurdert: regel `{first}` avgjorde først",
           "does_not_hold": "regel `{rule}` slår ikke til:",
           "first": "Dette må skje først (trappen fra {start} slik `frist timeline` fremskriver den, "
                    "om ingen betaler og hvert steg tas på sin dato):",
           "step": "{day}  {action} (regel `{rule}`){fee}{deadline}",
           "step_fee": ", gebyr {fee}", "step_deadline": ", betalingsfrist {day}",
           "earliest_steps": "Tidligste dato det kan avgjøres: {day} (regel `{rule}`), om stegene over tas i tide.",
           "earliest_now": "Tidligste dato det kan avgjøres: {day} (regel `{rule}`); ingenting må sendes først.",
           "not_on_ladder": "Trappen når det ikke: {end}.",
           "not_by": "Trappen når det ikke før {day}.",
           "time_alone": "Bare ved at tiden går (ingenting sendt, ingenting betalt) blir det avgjørelsen {day} (regel `{rule}`).",
           "never_alone": "Bare ved at tiden går (ingenting sendt, ingenting betalt) blir det ikke avgjørelsen "
                          "noen dag til og med {day}: noe annet må skje i saken først."},
}

# The ledger journal's fixed phrases (values/ledger.py), longest first.
_JOURNAL_NB = [
    ("interest from the day after each due date", "renter fra dagen etter hver forfallsdato"),
    ("§ 3a compensation (offset against fees)", "§ 3a-kompensasjon (motregnet mot gebyrene)"),
    ("less the offset", "fratrukket motregningen"),
    ("interest accrued", "påløpte renter"), ("interest so far", "renter så langt"),
    ("in all", "i alt"), ("unpaid:", "ubetalt:"), ("to the collector", "til inkassoselskapet"),
    ("to the creditor", "til kreditor"), ("claim(s)", "krav"), ("overpaid", "overbetalt"),
    ("principal", "hovedstol"), ("interest", "renter"), ("costs", "kostnader"), ("cost", "kostnad"),
    ("paid", "betalt"), (" in ", " i "),
]
_AMOUNT = re.compile(r"(?<![\d-])-?\d+\.\d{2}(?!\d)")


def journal_line(line: str, lang: str) -> str:
    """One line of the ledger journal in `lang` (the journal is written in English).

    >>> journal_line("2026-03-02  cost 1038.00", "nb")
    '2026-03-02  kostnad 1 038,00'
    """
    if lang != "nb":
        return line
    out = _AMOUNT.sub(lambda m: nb_number(m.group()), line)
    for en, nb in _JOURNAL_NB:
        out = out.replace(en, nb)
    return out
