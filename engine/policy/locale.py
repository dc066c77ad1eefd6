"""Locales: every word an explanation prints, one file per language, as data.

A locale file (`<catalog>/locales/<code>.yaml`, schema `schemas/locale.schema.json`) holds
the fixed phrases of `explain` and `--why-not`, the names of amounts and outputs, the words
for values (none, yes/no, days, months), how numbers are written (or the CLDR locale, `cldr`,
whose numbers, money and dates Babel writes: values/cldr.py), and the phrases of the
ledger's events (values/ledger.py: one per kind of event, with its figures as placeholders).
The engine holds no language: `--lang` offers the locales found, a jurisdiction
lists the ones its policies are written in (docs/architecture.md, "Jurisdiction as data").
Files are found like jurisdiction files (beside the policy folders, then the bundled
catalog's) and loaded through the load cache.
"""
from __future__ import annotations

import hashlib
import string
from collections.abc import Sequence
from pathlib import Path

from ..core.diagnostics import Diagnostic
from ..values.ledger import EVENT_FIGURES
from .data_records import Locale
from .jurisdiction_files import data_files, data_folders

__all__ = ["Locale", "LOCALES", "load_locales", "locale_codes", "PLACEHOLDERS", "NOTICE_PLACEHOLDERS", "load_locale_file"]

LOCALES = "locales"

# The placeholders each phrase is formatted with (the rest take none): the engine's side of
# the file's contract, checked when a file is loaded so a typo is an error at its place.
PLACEHOLDERS = {
    "schedule": {"value", "day", "n"}, "blocked": {"rule", "action", "step"}, "blocked_step": {"step"}, "why_not": {"action"},
    "is_decision": {"rule"}, "not_reached_by": {"rule", "first"}, "does_not_hold": {"rule"}, "first": {"start"},
    "step": {"day", "action", "rule", "fee", "deadline"}, "step_fee": {"fee"}, "step_deadline": {"day"},
    "earliest_steps": {"day", "rule"}, "earliest_now": {"day", "rule"}, "not_on_ladder": {"end"},
    "not_by": {"day"}, "time_alone": {"day", "rule"}, "never_alone": {"day"},
}
# A locale's `notices` phrases (decide/notice.py): the placeholders each kind is formatted with.
NOTICE_PLACEHOLDERS = {
    "fee_not_owed": {"index", "step", "day", "fee", "text", "rule", "source"},
    "fee_partly_owed": {"index", "step", "day", "fee", "unowed", "owed", "text", "rule", "source"},
    "fee_unchecked": {"index", "step", "day", "fee"},
    "review_due": {"figure", "version", "day"},
    "stale_figure": {"figure", "version", "day", "policy"},
    "stale_allowed": {"figure", "version", "day", "policy", "source"},
}
# A locale's `diff` and `timeline` phrases (review/page_words.py): those with placeholders (the rest take none).
DIFF_PLACEHOLDERS = {
    "changed_of": {"changed", "cases"}, "cases_in": {"folder"}, "users": {"policy"}, "n_of_m": {"n", "m"},
    "unchanged_one": {"n"}, "unchanged_many": {"n"}, "fields_changed": {"action", "fields"},
    "meta": {"old", "new", "cases"}, "text_title": {"old", "new", "folder"}, "text_group": {"kind", "cases"},
    "case_one": {"n"}, "case_many": {"n"}, "text_users": {"policy"}, "text_user": {"version", "reads", "changed", "cases"},
    "text_by_action": {"actions"}, "same_one": {"n"}, "same_many": {"n"}, "resolved_one": {"n"}, "resolved_many": {"n"},
    "folded_note": {"folded"},
}
TIMELINE_PLACEHOLDERS = {
    "title": {"case", "policy", "start", "pays"}, "heading": {"case"}, "paid_on": {"amount", "day"},
    "received": {"amount", "day"}, "new_version": {"change"}, "records": {"step"}, "wait_to": {"day"}, "review": {"day"},
}
# A locale's `ledger` phrases: each kind of event's figures (values/ledger.py), and the parts of one.
LEDGER_PLACEHOLDERS = {**{kind: set(figures) for kind, figures in EVENT_FIGURES.items()},
                       "taken": {"bucket", "amount"}, "overpaid": {"amount"}}
GRAPH_PLACEHOLDERS = {"title": {"policy"}, "dot_legend": {"policy"}, "fee": {"fee"}, "set_aside": {"rule"},
                      "every_claim": {"claims"}}
# `frin validate --lang` (explain/diagnostic_words.py); its `messages` pairs are checked on their own.
VALIDATE_PLACEHOLDERS = {"summary": {"verdict", "data", "files", "examples", "errors", "warnings", "proved", "ms"},
                         "data": {"n"}, "proved": {"n", "bound"}, "more": {"n", "shown"},
                         "test_failed": {"n"}, "test_passed": {"n"}, "test_in": {"parts", "seconds"},
                         "test_coverage": {"percent", "fired", "total"}, "test_below": {"min"},
                         "test_not_fired": {"policy", "rules"}}
NEW_VERSION_PLACEHOLDERS = {"created": {"file", "base", "day", "draft"}, "figures": {"todo"},
                            "marker_value": {"day", "source"}, "marker_schedule": {"name", "day"},
                            "marker_header": {"day", "base"}}
BATCH_PLACEHOLDERS = {"decided": {"n", "seconds", "output"}, "rejected": {"n", "problems", "file"},
                      "warnings": {"rows", "n"}, "per_case": {"n", "rows", "reason"}, "bugs": {"n"},
                      "law_per_row": {"n", "reason"}, "set_aside_columns": {"n"},
                      "total": {"rows", "decided", "rejected"}}
# `frin lock`, `init`, `fmt`, `log`, `replay --lang` (explain/command_words.py): each section's placeholders.
COMMAND_PLACEHOLDERS = {
    "lock": {"not_locked": {"key"}, "locked": {"key"}, "rewrote": {"key"}, "forgot": {"key"}, "refused": {"file", "n"},
             "checked": {"verdict", "locked", "file", "added", "changed", "missing", "moved", "backdated"},
             "written": {"file", "added", "rewritten", "forgotten", "locked"}},
    "init": {"created": {"folder"}, "counts": {"cases", "examples", "locked"}, "pinned": {"files", "pin"}},
    "fmt": {"would": {"file"}, "reformatted": {"file"}, "summary_check": {"n", "unchanged", "locked"},
            "summary": {"n", "unchanged", "locked"}, "locked": {"n"}},
    "log": {"ok": {"n", "log", "hash"}, "broken": {"seq", "id", "log", "reason", "held"}, "exported": {"n", "log", "output"}},
    "decide": {"logged": {"id", "log"}},
    "serve": {"started": {"command", "policies", "versions", "locked", "drafts", "folder", "lock", "log", "kept", "url"},
              "cannot_listen": {"command", "host", "port"}, "reloaded": {"command", "generation"},
              "reload_refused": {"command", "generation", "error"}},
    "replay": {"note": {"note"}, "identical": {"id", "policy", "day"}, "different": {"id", "policy", "day", "n"},
               "field": {"field", "logged", "replayed"}},
}
_KINDS = {None, "", "money", "date", "list", "text"}
_VALUE_PLACEHOLDERS = {"day": {"n"}, "days": {"n"}, "month": {"n"}, "months": {"n"}, "items": {"n"}}


def locale_codes(paths: Sequence[str | Path]) -> list[str]:
    """The languages with a locale file beside `paths` or in the bundled catalog (no file is read)."""
    return sorted({f.stem for folder in data_folders(paths, LOCALES) for f in folder.glob("*.yaml")})


def load_locales(paths: Sequence[str | Path]) -> tuple[dict[str, Locale], set[str], list[Diagnostic]]:
    """Every locale beside `paths` and in the bundled catalog (local ones first), the codes
    of files with errors (already reported), and the diagnostics."""
    found: dict[str, Locale] = {}
    broken: set[str] = set()
    problems: list[Diagnostic] = []
    for _, locale in data_files(data_folders(paths, LOCALES), _load, problems, broken):
        found.setdefault(locale.code, locale)
    return found, broken, problems


def _fields(text: str) -> set[str]:
    """The placeholders `text` is formatted with; `{` (never allowed) for a brace out of place or
    a placeholder with a format or conversion (`{day:d}`): the engine gives every value already
    written, and a format the value does not take would stop the command that writes the phrase
    (a decision with a stale figure, for a `notices` phrase) where the locale check passed."""
    try:
        parsed = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return {"{"}
    if any(spec or conversion for _, spec, conversion in parsed):
        return {"{"}
    return {name for name, _, _ in parsed}


def load_locale_file(path: Path, shown: str) -> tuple[Locale | None, list[Diagnostic]]:
    """One locale file on its own (`frin validate` of a copy outside any catalog)."""
    return _load(path, shown)


def _load(path: Path, shown: str) -> tuple[Locale | None, list[Diagnostic]]:
    from ..core.schema_check import load_checked
    doc, problems = load_checked(path, shown, "locale.schema.json", "locale file", "locale file")
    if doc is None:
        return None, problems
    d = doc.data
    if path.stem != d["locale"]:
        problems.append(Diagnostic("file-name-mismatch", f"file is named `{path.name}` but `locale` is `{d['locale']}`",
                                   doc.span(("locale",)), help=f"rename the file to `{d['locale']}.yaml`"))
    for section, allowed in (("words", PLACEHOLDERS), ("values", _VALUE_PLACEHOLDERS),
                             (("words", "notices"), NOTICE_PLACEHOLDERS), (("words", "diff"), DIFF_PLACEHOLDERS),
                             (("words", "timeline"), TIMELINE_PLACEHOLDERS), (("words", "graph"), GRAPH_PLACEHOLDERS),
                             (("words", "validate"), VALIDATE_PLACEHOLDERS), (("words", "batch"), BATCH_PLACEHOLDERS),
                             (("words", "new_version"), NEW_VERSION_PLACEHOLDERS),
                             *((("words", name), allowed) for name, allowed in COMMAND_PLACEHOLDERS.items()),
                             ("ledger", LEDGER_PLACEHOLDERS)):
        phrases = d[section] if isinstance(section, str) else d[section[0]].get(section[1]) or {}
        for key, text in phrases.items():
            if isinstance(text, str) and not _fields(text) <= allowed.get(key, set()):
                names = ", ".join(f"`{{{n}}}`" for n in sorted(allowed.get(key, set()))) or "none"
                problems.append(Diagnostic(
                    "invalid-value", f"`{key}` uses a placeholder it is not given",
                    doc.span((*((section,) if isinstance(section, str) else section), key)),
                    help=f"the placeholders of `{key}`: {names}, each plain, without a format such as `:d` "
                         f"(write a brace as `{{{{` or `}}}}`)"))
    pairs = [(("words", "validate", "messages"), (d["words"].get("validate") or {}).get("messages") or ()),
             (("words", "phrases"), d["words"].get("phrases") or ())]
    for at, (i, (english, translated)) in ((at, item) for at, found in pairs for item in enumerate(found)):
        problem = _pair_problem(english, translated)
        if problem:
            problems.append(Diagnostic("invalid-value", f"{'.'.join(at)}[{i}]: {problem}", doc.span((*at, i)),
                                       help="the text in this language takes the English text's placeholders; "
                                            "a kind is money, date, list or text (`{amount:money}`)"))
    if d.get("cldr") is not None and not _known_to_babel(d["cldr"]):
        problems.append(Diagnostic("invalid-value", f"`cldr: {d['cldr']}` is not a locale Babel has CLDR data for",
                                   doc.span(("cldr",)), help="name a CLDR locale such as `nb_NO`, `nl_NL`, `en_GB`, "
                                                             "or leave `cldr` out for the plain forms"))
    if problems:
        return None, problems
    group, decimal = _number_marks(d)
    return Locale(code=d["locale"], name=d["name"], group=group, decimal=decimal,
                  literals_as_written=d["literals"] == "as_written", values=dict(d["values"]), words=dict(d["words"]),
                  ledger=dict(d["ledger"]), path=shown,
                  sha256=hashlib.sha256(path.read_bytes()).hexdigest(), cldr=d.get("cldr")), []


def _pair_problem(english: str, translated: str) -> str | None:
    """What is wrong with a `words.validate.messages` pair (None: nothing)."""
    try:
        given = {name: spec for _, name, spec, _ in string.Formatter().parse(english) if name is not None}
        used = {name for _, name, _, _ in string.Formatter().parse(translated) if name is not None}
    except ValueError as err:
        return f"a brace out of place ({err})"
    if not all(name.isidentifier() and spec in _KINDS for name, spec in given.items()):
        return "a placeholder is not `{name}` or `{name:kind}`"
    if not used <= set(given):
        return f"`{{{sorted(used - set(given))[0]}}}` is not in the English text"
    return None


def _number_marks(d: dict) -> tuple[str, str]:
    """The thousands separator and decimal mark: the file's `number`, else its CLDR locale's."""
    if "number" in d:
        return d["number"]["group"], d["number"]["decimal"]
    from babel.numbers import get_decimal_symbol, get_group_symbol
    return get_group_symbol(d["cldr"]), get_decimal_symbol(d["cldr"])


def _known_to_babel(code: str) -> bool:
    """Babel is imported only here, when a file is loaded (the load cache keeps the result)."""
    from babel import Locale as CldrLocale
    from babel import UnknownLocaleError
    try:
        CldrLocale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True
