"""English texts the engine writes, in the reader's language: a locale's pairs of an English
text, with `{name}` for the parts that vary, and the same text in the language.

The engine makes some texts in English where they arise (diagnostics, a timeline's end, the
note of a new version, the set-aside edge of a graph): what tests and JSON key on. A page for
people matches each against its locale's pairs whole, the most specific first (the most literal
text, placeholders not counted: `{field} must be positive, not {value}` before `{field} must be
{want:text}, not {got:text}`, whatever their order in the file), and writes the
language's text; the parts keep their value, an amount (`{x:money}`) or a date (`{x:date}`)
written as the language writes them (Babel, values/cldr.py), a list (`{x:list}`, "`a`, `b`
or `c`") joined as the language joins lists (Babel's `format_list`), a nested English text
(`{x:text}`) translated by the same pairs, or, when it is one of the policies' own English
texts (a constraint's `en`), by that text in the language (`known`). A text no pair matches
stays as it is.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import overload

__all__ = ["Phrases", "money_in_text"]

_KINDS = {"", "money", "date", "list", "text"}
_ITEMS = re.compile(r", | or | and ")
_MONEY = re.compile(r"(?P<amount>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})")   # 2,000.00 NOK too
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


def _specific_first(pair) -> tuple[int, int]:
    """Sort key: more literal text first (a placeholder matches anything), then the longer English."""
    english = pair[0]
    try:
        literal = sum(len(text) for text, *_ in string.Formatter().parse(english))
    except ValueError:          # a brace out of place: the locale check reports it
        literal = len(english)
    return -literal, -len(english)


class Phrases:
    """The pairs of one list (`words.validate.messages`, `words.phrases`) of a locale, with its CLDR locale."""

    def __init__(self, pairs, cldr: str | None, known: dict[str, str] | None = None) -> None:
        self.cldr = cldr
        self.known = known or {}        # English text -> the language's, written by the policies' authors
        self.patterns = tuple(_compile(english, translated)
                              for english, translated in sorted(pairs or (), key=_specific_first))

    @classmethod
    def of(cls, locale, *keys: str) -> Phrases:
        """The pairs at `words.<keys...>` of `locale` (none for None or English)."""
        found = locale.words if locale is not None else {}
        for key in keys:
            found = (found or {}).get(key) if isinstance(found, dict) else None
        return cls(found or (), getattr(locale, "cldr", None))

    @overload
    def text(self, english: str) -> str: ...
    @overload
    def text(self, english: None) -> None: ...

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
            return self.known.get(shown) or self.text(shown) or shown
        code = self.cldr
        if code is None:
            return shown
        from ..values import cldr
        if kind == "list":          # `a`, `b` or `c`: the items joined as the language joins them
            from babel.lists import format_list
            return format_list(_ITEMS.split(shown), style="or" if " or " in shown else "standard", locale=code)
        if kind == "money":
            return money_in_text(shown, code)
        if kind == "date" and _DATE.fullmatch(shown):
            return cldr.date(dt.date.fromisoformat(shown), code)
        return shown


def money_in_text(text: str, cldr_code: str) -> str:
    """Every amount the engine wrote in `text` (`2,000.00 NOK`) as the language writes it (`2 000,00 kr`)."""
    return _MONEY.sub(lambda m: _money(m, cldr_code), text)


def _money(m: re.Match, cldr_code: str) -> str:
    from ..values import cldr
    try:
        return cldr.money(Decimal(m["amount"].replace(",", "")), m["currency"], cldr_code)
    except (InvalidOperation, ValueError):
        return m.group()
