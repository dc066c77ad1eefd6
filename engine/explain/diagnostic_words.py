"""`frin validate --lang LANG`: the report in the reader's language.

The checks write each diagnostic in English where they find it (a stable `code`, a message,
a help, notes: what tests, editors and the JSON key on). A locale's `words.validate` holds
the report's own phrases (the verdict line, severity words, `help`, `note`) and `messages`:
pairs of an English text, with `{name}` for the parts that vary, and the same text in the
language. A message, help or note label is matched against them whole, longest pattern
first, and written in the language; the parts keep their value, an amount (`{x:money}`) or a
date (`{x:date}`) written as the language writes them (Babel, values/cldr.py), a nested
English text (`{x:text}`, an example's failure) translated the same way. A text no pattern
matches stays English: the locale test (tests/test_validate_lang.py) renders every
deliberately broken policy in nb and fails on English words, so a new message is noticed.
`file:line:col`, the code in brackets and JSON/GitHub output stay as they are.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from ..core.diagnostics import Diagnostic, render

__all__ = ["ReportWords", "report_words", "localized_report"]

_KINDS = {"", "money", "date", "list", "text"}
_ITEMS = re.compile(r", | or | and ")
_MONEY = re.compile(r"(?P<amount>-?\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern
    kinds: dict            # placeholder -> kind
    text: str              # the language's text, with the same placeholders (no kinds)


def _compile(english: str, translated: str) -> _Pattern:
    """A pattern from `english` with `{name}` / `{name:kind}` placeholders; a bad one raises ValueError."""
    out, kinds = ["^"], {}
    for literal, name, spec, _ in string.Formatter().parse(english):
        out.append(re.escape(literal))
        if name is None:
            continue
        if not name.isidentifier() or (spec or "") not in _KINDS:
            raise ValueError(f"placeholder `{{{name}:{spec}}}`: a name, and a kind of money, date, list or text")
        out.append(f"(?P={name})" if name in kinds else f"(?P<{name}>.*?)")
        kinds[name] = spec or ""
    out.append("$")
    used = {n for _, n, _, _ in string.Formatter().parse(translated) if n is not None}
    if not used <= set(kinds):
        raise ValueError(f"`{translated}` uses {', '.join(sorted(used - set(kinds)))}, which `{english}` does not have")
    return _Pattern(re.compile("".join(out), re.DOTALL), kinds, translated)


class ReportWords:
    """The validate report's words of one locale (a `policy.locale.Locale` with `words.validate`)."""

    def __init__(self, locale) -> None:
        words = dict(locale.words.get("validate") or {})
        self.words = words
        self.cldr = getattr(locale, "cldr", None)
        pairs = sorted(words.get("messages") or (), key=lambda p: -len(p[0]))
        self.patterns = tuple(_compile(english, translated) for english, translated in pairs)

    def word(self, key: str, english: str) -> str:
        return self.words.get(key, english)

    def text(self, english: str | None) -> str | None:
        """`english` in the language (as it is when no pattern matches)."""
        if not english:
            return english
        for pattern in self.patterns:
            m = pattern.regex.match(english)
            if m:
                values = {name: self._value(m[name], kind) for name, kind in pattern.kinds.items()}
                return pattern.text.format(**values)
        return english

    def _value(self, shown: str, kind: str) -> str:
        if kind == "text":
            return self.text(shown)
        if self.cldr is None:
            return shown
        if kind == "list":          # `a`, `b` or `c`: the items joined as the language joins them
            from babel.lists import format_list
            return format_list(_ITEMS.split(shown), style="or" if " or " in shown else "standard", locale=self.cldr)
        from ..values import cldr
        if kind == "money":
            return _MONEY.sub(lambda m: _money(m, self.cldr), shown)
        if kind == "date" and _DATE.fullmatch(shown):
            import datetime as dt
            return cldr.date(dt.date.fromisoformat(shown), self.cldr)
        return shown

    def diagnostic(self, d: Diagnostic) -> Diagnostic:
        return replace(d, message=self.text(d.message), help=self.text(d.help),
                       notes=tuple((self.text(label), span) for label, span in d.notes))


def _money(m: re.Match, cldr_code: str) -> str:
    from ..values import cldr
    try:
        return cldr.money(Decimal(m["amount"]), m["currency"], cldr_code)
    except (InvalidOperation, ValueError):
        return m.group()


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
    return ReportWords(locale)


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
