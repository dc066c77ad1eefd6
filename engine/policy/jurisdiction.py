"""Jurisdictions: what a country's policies take from the country, as data.

A jurisdiction file (`<catalog>/jurisdictions/<code>.yaml`, schema
`schemas/jurisdiction.schema.json`) names the currency (ISO 4217 code, minor unit, how each
language writes an amount), the time zone whose date is `today`, the business-day calendar
(country, and the weekend when it is not the `holidays` library's) and the languages every
text of its policies is written in. A policy names its jurisdiction (`jurisdiction: NL`);
one that names none belongs to the jurisdiction marked `default: true` (Norway in the bundled
catalog, so the versions published before jurisdictions existed keep their bytes and hashes).

The engine knows no country: a new one is a jurisdiction file, locale files and policies
(docs/architecture.md, "Jurisdiction as data"). Jurisdiction files are looked up beside the
policy folders given, then in the bundled catalog; a local file shadows a bundled one of the
same code. Loading a file goes through the load cache like a policy file (schema check
and all), so a warm run does not import jsonschema for it: `jurisdiction_files.py`, apart
from these records because the cache's codec must know the records without the loader.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.diagnostics import Diagnostic, did_you_mean
from ..core.source import Span
from ..values.money import MoneyStyle

__all__ = ["Jurisdiction", "Jurisdictions", "LawViewSpec", "FOLDER", "WEEKDAYS", "unknown_jurisdiction", "unknown_calendar"]

FOLDER = "jurisdictions"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The columnar evaluator keeps amounts as Int64 hundredths and rounds with `round_ore`:
# a currency with another minor unit needs those generalised first (docs/architecture.md).
SUPPORTED_MINOR_UNITS = (2,)


@dataclass(frozen=True, slots=True)
class LawViewSpec:
    """Where the law's own view of a case reads its figures (the jurisdiction file's `law.view`).

    The engine computes the view (engine/run/law_view.py) from the case and these figures of
    the law policy in force on the decision date; every amount a process emits is judged
    against it (docs/law-enforces.md).
    """

    policy: str                                  # the law policy whose figures the view reads
    interest: tuple                              # ((debtor kind, Schedule[Percent] parameter), ...)
    compensation: tuple                          # ((debtor kind, Schedule[Money] parameter), ...)
    order: str                                   # the law's allocation order of a payment
    source: str
    span: Span | None = None                     # the `law.view` key, for diagnostics

    def interest_for(self, kind: str) -> str | None:
        return dict(self.interest).get(kind)

    def compensation_for(self, kind: str) -> str | None:
        return dict(self.compensation).get(kind)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    code: str
    name: str
    default: bool
    currency: str                                # ISO 4217 code
    minor_unit: int
    money: dict                                  # language → MoneyStyle
    timezone: str                                # IANA zone of `today`
    country: str                                 # the holidays library's country code
    weekend: tuple | None                        # date.weekday() numbers, or None: the library's
    languages: tuple                             # the first is `--lang`'s default
    path: str                                    # as shown in diagnostics
    span: Span | None = None                     # the `jurisdiction:` value, for diagnostics
    sha256: str = ""                             # of the file's text (validate's verified record)
    laws: tuple = ()                             # the law policies binding every process of it
    law_source: str = ""
    law_span: Span | None = None                 # the `law.policies` value, for diagnostics
    view: LawViewSpec | None = None                  # how the engine computes the law's view of a case
    outputs: tuple = ()                          # ((role, output name), ...): its decisions' outputs (policy/outputs.py)
    part_judged_on: str = "charged"              # the day whose law judges a recorded charge part (decide/charge_part.py)

    def money_style(self, lang: str) -> MoneyStyle:
        """How `lang` writes this currency (the first language's way if the file gives none)."""
        return self.money.get(lang) or self.money[self.languages[0]]


@dataclass
class Jurisdictions:
    """Every jurisdiction a catalog can name, by code, and the default one's code."""

    by_code: dict[str, Jurisdiction]
    default: str | None
    broken: frozenset = frozenset()             # codes (file names) of files with errors, already reported

    def of(self, named: str | None) -> Jurisdiction | None:
        return self.by_code.get(named if named is not None else self.default or "")


def unknown_jurisdiction(named: str, known: Jurisdictions, span: Span | None) -> Diagnostic:
    return Diagnostic("unknown-jurisdiction", f"no jurisdiction `{named}` (no file `{FOLDER}/{named}.yaml` "
                      "beside the policy folders or in the bundled catalog)", span,
                      help=did_you_mean(named, list(known.by_code)) or
                      f"known: {', '.join(sorted(known.by_code)) or 'none'}; or add `{FOLDER}/{named}.yaml` "
                      "(schemas/jurisdiction.schema.json) beside the policy folders")


def unknown_calendar(country: str, span: Span | None) -> Diagnostic | None:
    """`unknown-calendar` when the `holidays` library has no calendar for `country` (a policy's own
    `calendar:` or a jurisdiction's), else None. Imports `holidays`: only on a load-cache miss."""
    from ..values.calendar import known_country, supported_countries
    if known_country(country):
        return None
    return Diagnostic("unknown-calendar", f"no holiday calendar for country `{country}`", span,
                      help=did_you_mean(country, supported_countries()) or "use an ISO 3166 code such as \"NO\"")
