"""What a command prints for people (`lock`, `init`, `fmt`, `log`, `replay`) in the language
of `--lang`: the lines of one command are a locale's `words.<command>` section, each falling
back to the English the command gives, and a date or a number is written as the language
writes it (Babel, values/cldr.py).

Why one class: every command that prints a few lines for people would otherwise repeat the
same lookup, fallback and unknown-language error (cli/review.py's new-version did); the
diagnostics a command prints go through `diagnostic_words.localized_report` instead.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .diagnostic_words import ReportWords, locale_words, report_words

__all__ = ["CommandWords", "command_words", "catalog_command_words"]


class CommandWords:
    """`said(key, **values)`: the line `key` of `section` in the locale's language, else `english[key]`."""

    def __init__(self, section: str, english: dict[str, str], report: ReportWords | None = None) -> None:
        self.section, self.english, self.report = section, english, report
        locale = report.locale if report is not None else None
        self.cldr = getattr(locale, "cldr", None)
        self.words = dict((locale.words.get(section) or {}) if locale is not None else {})
        if locale is not None and set(english) - set(self.words):
            self.words = {**_bundled(locale.code, section), **self.words}

    def __call__(self, key: str, /, **values) -> str:
        return (self.words.get(key) or self.english[key]).format(**values)

    def date(self, day: dt.date | str | None) -> str:
        """A date as the language writes it in prose (`16. mars 2026`); ISO without a CLDR locale."""
        if day is None or self.cldr is None:
            return "" if day is None else str(day)
        from ..values.cldr import date
        return date(day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)), self.cldr)

    def number(self, value) -> str:
        """A count or a decimal (`1234`, `4.66`) as the language writes it (`1 234`, `4,66`)."""
        if self.cldr is None:
            return str(value)
        from ..values.cldr import number
        return number(Decimal(str(value)), self.cldr)

    def text(self, english: str | None) -> str | None:
        """An English message (a diagnostic's, a note's) by the locale's `validate.messages` pairs."""
        return self.report.text(english) if self.report is not None else english


def _bundled(code: str, section: str) -> dict[str, str]:
    """The bundled locale's lines of `section`: a folder made by an older `frin init` keeps its own
    copy of the locale files, which lacks the sections added since; those lines are then the
    bundled ones in the same language rather than English."""
    from ..policy.locale import load_locales
    bundled = load_locales([])[0].get(code)
    return dict((bundled.words.get(section) or {}) if bundled is not None else {})


def command_words(section: str, english: dict[str, str], lang: str | None, folders=(), stderr=None) -> CommandWords:
    """The words of `--lang` for a command that loads no catalog: the locale files beside
    `folders` and the bundled ones. An unknown language is a usage error (exit 2), said
    before the command does anything."""
    return CommandWords(section, english, locale_words([str(f) for f in folders], lang, stderr))


def catalog_command_words(section: str, english: dict[str, str], catalog, lang: str | None, stderr=None) -> CommandWords:
    """The words of `--lang` from a loaded catalog's locale files."""
    return CommandWords(section, english, report_words(catalog, lang, stderr))
