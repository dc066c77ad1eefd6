"""`frin validate --lang LANG`: the report in the reader's language.

The checks write each diagnostic in English where they find it (a stable `code`, a message,
a help, notes: what tests, editors and the JSON key on). A locale's `words.validate` holds
the report's own words (the verdict line, severity words, `help`, `note`) and `messages`,
the pairs each message, help and note label is written in the language by (explain/phrases.py).
A text no pair matches stays English: tests/check/test_validate_lang.py renders every deliberately
broken policy in nb and fails on English words, so a new message without its pair is noticed.
`file:line:col`, the code in brackets and JSON keys stay as they are.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..core.diagnostics import Diagnostic, render
from .phrases import Phrases

__all__ = ["ReportWords", "report_words", "locale_words", "localized_report"]


class ReportWords:
    """The validate report's words of one locale (a `policy.locale.Locale` with `words.validate`)."""

    def __init__(self, locale, known: dict[str, str] | None = None) -> None:
        self.locale = locale
        self.words = dict(locale.words.get("validate") or {})
        pairs = list(self.words.get("messages") or ())
        self.phrases = Phrases([*pairs, *_bundled_pairs(locale, {english for english, _ in pairs})],
                               getattr(locale, "cldr", None), known or {})

    def word(self, key: str, english: str) -> str:
        return self.words.get(key, english)

    def text(self, english: str | None) -> str | None:
        return self.phrases.text(english)

    def number(self, shown: str) -> str:
        """A plain decimal (`20.0`) as the language writes it (Babel; as it is without a CLDR locale)."""
        if self.phrases.cldr is None:
            return shown
        from decimal import Decimal

        from ..values.cldr import number
        return number(Decimal(shown), self.phrases.cldr)

    def diagnostic(self, d: Diagnostic) -> Diagnostic:
        return replace(d, message=self.text(d.message) or d.message, help=self.text(d.help),
                       notes=tuple((self.text(label) or label, span) for label, span in d.notes))


def _bundled_pairs(locale, have: set[str]) -> list:
    """The bundled locale's pairs of the same language that `locale` lacks: a folder made by an
    older `frin init` keeps its own copy of the locale files, without the pairs of messages added
    since (explain/command_words.py does the same for a command's lines)."""
    from ..policy.locale import load_locales
    bundled = load_locales([])[0].get(locale.code)
    if bundled is None or bundled.sha256 == getattr(locale, "sha256", None):
        return []
    return [pair for pair in ((bundled.words.get("validate") or {}).get("messages") or ()) if pair[0] not in have]


def report_words(catalog, lang: str | None, stderr) -> ReportWords | None:
    """The words of `--lang` (None: English, the checks' own), from the catalog's locale files.
    A language with no locale file is a usage error; one whose file has errors (reported in the
    report itself) gives the report in English, said on stderr."""
    if lang is None or lang == "en":
        return None
    locale = catalog.locales.get(lang)
    if locale is None:
        from ..policy.locale import locale_codes
        known = sorted(set(catalog.locales) | set(locale_codes([])))
        from ..core.errors import UsageError
        if lang not in known:
            raise UsageError(f"--lang `{lang}`: no locale file `locales/{lang}.yaml` beside the policies or in the "
                             f"bundled catalog (locales: {', '.join(known) or 'none'})")
        print(f"note: the locale file of `{lang}` has errors (reported below); the report is in English", file=stderr)
        return None
    return ReportWords(locale, _constraint_texts(catalog, lang))


def _constraint_texts(catalog, lang: str) -> dict[str, str]:
    """Each constraint's English text -> its text in `lang`, as the law's authors wrote it: a
    `breaks-law` message quotes the constraint in English (`{text:text}` in the pairs)."""
    policies = getattr(catalog, "policies", None)
    if policies is None:
        return {}
    return {c.text["en"]: c.text[lang] for version in policies.all() for c in version.constraints
            if "en" in c.text and lang in c.text}


def locale_words(paths, lang: str | None, stderr) -> ReportWords | None:
    """`report_words` for a command that loads no catalog of its own (`frin test`): the locale
    files beside `paths` and in the bundled catalog."""
    if lang is None or lang == "en":
        return None
    from types import SimpleNamespace

    from ..policy.locale import load_locales
    locales, _, _ = load_locales([p for p in paths if p])
    return report_words(SimpleNamespace(locales=locales), lang, stderr)


_HEADLINE = re.compile(r"^(?P<where>\S+: )(?P<severity>error|warning|note)(?P<code>\[[a-z0-9-]+\]: )", re.MULTILINE)
_LABEL = re.compile(r"^(?P<indent>  = )(?P<label>help|note)(?P<colon>: )", re.MULTILINE)


def localized_report(problems: list[Diagnostic], fmt: str, words: ReportWords | None) -> str:
    """The rendered diagnostics (`core.diagnostics.render`) in the language of `words` (None: English).
    JSON and GitHub annotations are for machines: their messages are translated, their keys not."""
    if words is None:
        return render(problems, fmt)
    from ..core.diagnostics import Capped
    shown = Capped(words.diagnostic(d) for d in problems)
    shown.omitted = getattr(problems, "omitted", 0)
    out = render(shown, fmt)
    if fmt not in ("text", "concise"):
        return out
    out = _HEADLINE.sub(lambda m: m["where"] + words.word(m["severity"], m["severity"]) + m["code"], out)
    out = _LABEL.sub(lambda m: m["indent"] + words.word(m["label"], m["label"]) + m["colon"], out)
    more = re.compile(r"^… and (?P<n>\d+) more problem\(s\) not shown \(the first (?P<shown>\d+) are above\)$", re.MULTILINE)
    return more.sub(lambda m: words.word("more", m.group()).format(n=m["n"], shown=m["shown"]), out)
