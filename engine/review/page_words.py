"""The words of the pages for people (`frin diff` and `frin timeline` as Markdown, HTML or
text, `frin graph` as Mermaid or DOT) in the reader's language.

The diff page compliance staff review names each changed field as the output registry does
(policy/outputs.py: `payment_deadline` is the locale's `outputs` word, "betalingsfrist"),
an amount by the locale's `amount_names` ("renter", not `amounts.interest`), and writes
amounts and dates as the language does (lang/render.Voice: `38,00 kr`, `16. mars 2026`).
The fixed phrases are the locale's `diff`, `timeline` and `graph` words, each falling back to the
English below. JSON keeps the machine form.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..lang import types as T
from ..lang.render import Voice
from ..policy.outputs import by_name

__all__ = ["PageWords", "DIFF", "TIMELINE", "GRAPH"]


@dataclass(frozen=True)
class PageWords:
    """A voice (its locale's words) for one page: `section` names the locale's phrases
    (`diff`, `timeline`), `english` holds every key with its English phrase."""

    voice: Voice
    section: str = "diff"
    english: dict | None = None

    def __call__(self, key: str, **values) -> str:
        words = self.voice.locale.words.get(self.section, {}) if self.voice.locale is not None else {}
        return (words.get(key) or (self.english or DIFF)[key]).format(**values)

    def count(self, n: int, one: str, many: str) -> str:
        return self(one if n == 1 else many, n=n)

    def field(self, name: str) -> str:
        """A decision field's label: an output's word, an amount's name, or the page's own word."""
        locale = self.voice.locale
        if name.startswith("amounts."):
            amount = name.split(".", 1)[1]
            return (locale.words["amount_names"].get(amount) if locale is not None else None) or amount
        output = by_name().get(name)
        if output is not None:
            return (locale.words["outputs"].get(output.label) if locale is not None else None) or name
        return self(f"field_{name}") if f"field_{name}" in DIFF else name

    def amount(self, shown: str | None) -> str:
        """An amount of the page (`"1050.00"`) as the language writes it; a language without a
        CLDR locale (English) keeps the machine form its tables have always shown."""
        if not shown:
            return ""
        return self.voice.amount(Decimal(shown)) if self.voice.cldr is not None else shown

    def phrase(self, english: str) -> str:
        """An English text the engine wrote (a decision's warning, a schedule entry's `from DATE`)
        in the page's language, by the locale's `phrases` pairs (explain/phrases.py)."""
        from ..explain.phrases import Phrases
        return Phrases.of(self.voice.locale, "phrases").text(english)

    def value(self, name: str, shown):
        """A field's value as the language writes it (amounts, dates, the warnings); anything else as it is."""
        if not isinstance(shown, str):
            return shown
        if name == "warnings":          # the decision's warnings, joined with "; " (review/diff.py `Warnings`)
            parts = getattr(shown, "parts", None)
            return "; ".join(self.warning(part) for part in (parts if parts is not None else shown.split("; ")))
        output = by_name().get(name)
        typ = T.unwrap(output.type) if output is not None else (T.MONEY if name.startswith("amounts.") else None)
        try:
            if typ == T.MONEY:
                return self.amount(shown)
            if typ == T.DATE:
                return self.voice.date(dt.date.fromisoformat(shown))
        except (InvalidOperation, ValueError):
            pass
        return shown

    def warning(self, part) -> str:
        """One warning of a decision in the page's language: a Notice by the locale's phrase and
        the constraint's own text, a plain text by the locale's `phrases` pairs."""
        from ..explain.words import notice_text
        return self.phrase(notice_text(part, self.voice) if hasattr(part, "kind") else part)

    def file_value(self, shown):
        """A value of the policy file's changes: a date (`review_by: 2027-01-01`) and the value the
        engine computed for an expression (`round_kr(inkassosats / 20) (= 38.00 NOK)`, review/diff.py)
        as the language writes them; anything else (an expression, an amount as written, a source)
        as written."""
        if isinstance(shown, str) and len(shown) == 10 and shown[4] == "-" and shown[7] == "-":
            return self.day(shown)
        cldr = self.voice.cldr
        computed = _COMPUTED.fullmatch(shown) if isinstance(shown, str) and cldr is not None else None
        if computed is not None and cldr is not None:
            from ..explain.phrases import money_in_text
            value = computed["value"]
            value = self.day(value) if _ISO_DAY.fullmatch(value) else money_in_text(value, cldr)
            return f"{computed['written']} (= {value})"
        return shown

    def day(self, iso: str | None) -> str:
        if not iso:
            return ""
        try:
            return self.voice.date(dt.date.fromisoformat(iso))
        except ValueError:
            return iso


_COMPUTED = re.compile(r"(?P<written>.+) \(= (?P<value>[^()]+)\)")     # an expression and the value it computes
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# Each page's phrases in English: the fallback for a locale without them, and the keys (with
# their placeholders) a locale's `diff` and `timeline` sections may give.
DIFF = {
    "title": "Policy diff", "changed_of": "{changed} of {cases} cases change", "cases_in": "cases in {folder}",
    "cases": "cases", "changed": "changed", "unchanged": "unchanged", "with_errors": "with errors",
    "not_affected": "not affected", "invalid": "invalid case files",
    "changed_decisions": "Changed decisions", "none": "None.", "case": "case", "field": "field", "old": "old",
    "new": "new", "responsible": "responsible", "rule": "rule", "figures": "figures", "definitions": "definitions",
    "changed_read": "changed figures read", "users": "Policies that use {policy}", "policy": "policy",
    "reads": "changed figures it reads", "cases_changed": "cases changed", "n_of_m": "{n} of {m}", "draft": "draft",
    "changes": "Changes in the policy file", "item": "item", "change": "change", "by_action": "Decisions by action",
    "action": "action", "file": "file", "error": "error", "invalid_files": "Invalid case files",
    "unchanged_one": "{n} unchanged case", "unchanged_many": "{n} unchanged cases",
    "now_fails": "now fails", "no_longer_fails": "no longer fails", "error_both": "error on both sides",
    "fields_changed": "{action}: {fields} changed", "meta": "old: {old} · new: {new} · cases: {cases}",
    "added": "added", "removed": "removed", "parameter": "parameter", "definition": "definition",
    "field_action": "action", "field_rule": "rule", "field_step": "step", "field_set_aside": "claims set aside",
    "field_warnings": "warnings",
    "field_error": "error",
    # the summary at the top and the warnings folded away (review/diff_summary.py)
    "summary": "Summary", "contents": "Contents", "changed_figures": "Changed figures", "figure": "figure",
    "source": "source", "by_field": "Changed decisions by field", "by_policy": "Changed decisions by policy",
    "decisions": "decisions",
    "same_one": "{n} warning the same on both sides", "same_many": "{n} warnings the same on both sides",
    "resolved_one": "{n} review-date warning resolved by the new version",
    "resolved_many": "{n} review-date warnings resolved by the new version",
    "folded_note": "Folded into each decision (open it to read them): {folded}. Every other warning that differs is shown.",
    "full_change": "the whole decision",
    # the terminal's summary (`--format text`)
    "text_title": "diff {old} → {new} on the cases in {folder}", "text_group": "{kind} ({cases})",
    "case_one": "{n} case", "case_many": "{n} cases",
    "text_users": "policies that use {policy} (the changed figures each reads):",
    "text_user": "{version}: reads {reads}; {changed} of {cases} changed", "text_reads_none": "none of the changed figures",
    "text_changes": "policy changes:", "text_changes_none": "policy changes: none",
    "text_by_action": "by action (old → new): {actions}",
}

TIMELINE = {
    "title": "Timeline for case {case} ({policy}) from {start}, assuming {pays}", "heading": "Timeline for case {case}",
    "no_payment": "no payment", "paid_on": "{amount} on {day}", "received": "received {amount} on {day}",
    "new_version": "new version: {change}", "records": "records step {step}", "end": "end",
    "date": "date", "version": "version", "action": "action (rule)", "fee": "fee", "deadline": "deadline",
    "interest": "interest", "fees_so_far": "fees", "total": "total", "notes": "notes",
    "wait_to": "wait to {day}", "review": "review {day}",
    "footnote": "interest, fees and total are the policy's amounts on each date, before that row's fee is charged",
    "versions_note": "Each row is decided by the versions in force on its date; a highlighted row starts a new version.",
}

GRAPH = {
    "title": "{policy}: escalation ladder (frin graph)",
    "legend": "thick blue: consumers only · dashed orange: businesses only · plain: both",
    "dot_legend": "{policy}: thick blue = consumers only, dashed orange = businesses only",
    "new_case": "new case", "any_stage": "any stage", "fee": "fee {fee}",
    "set_aside": "set aside {rule}", "every_claim": "every claim in {claims}",
}
