"""Diagnostics: every problem Frist finds, as data, and the one place it is rendered.

The loader, the schema check, the parser, the type checker and case loading all produce
`Diagnostic`s; `validate` and the other commands pick a renderer (text with a caret
snippet, concise, json, github annotations). Codes are stable kebab-case: tests and JSON
consumers key on them.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Iterable, Mapping, Protocol

from .source import Source, Span

__all__ = ["duplicate_ids",
    "Severity", "Diagnostic", "Capped", "sort_and_cap", "suggest", "did_you_mean",
    "render", "render_text", "render_concise", "render_json", "render_github", "FORMATS", "printable",
]

DEFAULT_LIMIT = 200


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"           # what was shown, not a problem (`validate --prove`'s `proved`)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: a stable code, a lower-case message, where, and what to do.

    >>> d = Diagnostic("unknown-field", "unknown field `x`", Span("p.yaml", 2, 5, 2, 6))
    >>> render_concise([d])
    'p.yaml:2:5: error[unknown-field]: unknown field `x`'
    """

    code: str
    message: str
    span: Span | None = None
    help: str | None = None
    notes: tuple[tuple[str, Span | None], ...] = ()
    severity: Severity = Severity.ERROR
    path: str | None = field(default=None)  # file, when there is no finer span

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def where(self) -> str:
        if self.span is not None:
            return self.span.start
        return self.path or "<input>"

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is not None:
            return (*self.span.sort_key(), self.code)
        return (self.path or "", 0, 0, self.code)


class Capped(list):
    """A list of diagnostics that knows how many more there were (`omitted`); `+` keeps the count."""

    omitted: int = 0

    def __add__(self, other: list) -> Capped:
        out = Capped(list.__add__(self, list(other)))
        out.omitted = self.omitted + getattr(other, "omitted", 0)
        return out

    def __radd__(self, other: Iterable[Diagnostic]) -> Capped:
        out = Capped(list(other) + list(self))
        out.omitted = self.omitted + getattr(other, "omitted", 0)
        return out


def sort_and_cap(diagnostics: Iterable[Diagnostic], limit: int = DEFAULT_LIMIT, *, keep_order: bool = False) -> list[Diagnostic]:
    """Deduplicate, sort by (file, line, col) and keep at most `limit` (OPA's error limit).

    The result remembers how many were left out (`Capped.omitted`); the text renderers end
    with "… and M more", so a file with 10,000 problems prints a bounded report. With
    `keep_order`, a list already put cause-first (check/misnamed.py) is only capped.
    """
    unique = list(dict.fromkeys(diagnostics))
    if not keep_order:
        unique.sort(key=Diagnostic.sort_key)
    out = Capped(unique[:limit])
    out.omitted = max(0, len(unique) - limit) + getattr(diagnostics, "omitted", 0)
    return out


def _more(diagnostics: Iterable[Diagnostic]) -> list[str]:
    if not isinstance(diagnostics, Capped) or not diagnostics.omitted:     # only a capped list leaves some out
        return []
    return [f"… and {diagnostics.omitted} more problem(s) not shown (the first {len(diagnostics)} are above)"]


def suggest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to a misspelt one.

    >>> suggest("inkasosats", ["inkassosats", "purring_fee"])
    ['inkassosats']
    """
    return difflib.get_close_matches(name, sorted(set(known)), n=n, cutoff=0.6)


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    close = suggest(name, known)
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


# --- renderers -----------------------------------------------------------------------

class _Sources:
    """Reads each file once for snippets; tolerant of files that vanished."""

    def __init__(self, given: Mapping[str, Source] | None) -> None:
        self._cache: dict[str, Source | None] = dict(given or {})

    def get(self, path: str) -> Source | None:
        if path not in self._cache:
            try:
                self._cache[path] = Source.read(path)
            except (OSError, UnicodeDecodeError):
                self._cache[path] = None
        return self._cache[path]


SNIPPET_WIDTH = 120     # columns of a source line shown around the problem (a one-line JSON case can be MBs)


def _window(text: str, col: int, end_col: int) -> tuple[str, int, int]:
    """A window of at most SNIPPET_WIDTH characters of `text` around the 1-based columns [col, end_col)."""
    if len(text) <= SNIPPET_WIDTH:
        return text, col, end_col
    width = min(max(1, end_col - col), SNIPPET_WIDTH // 2)
    start = max(0, min(col - 1 - (SNIPPET_WIDTH - width) // 2, len(text) - SNIPPET_WIDTH))
    stop = start + SNIPPET_WIDTH
    shown = ("…" if start else "") + text[start:stop] + ("…" if stop < len(text) else "")
    shift = start - (1 if start else 0)
    return shown, col - shift, col - shift + width


def _snippet(span: Span, sources: _Sources, label: str = "") -> list[str]:
    source = sources.get(span.path)
    if source is None:
        return []
    text = source.line_text(span.line)
    if not text and span.line > 1:
        return []
    gutter = str(span.line)
    pad = " " * len(gutter)
    end_col = span.end_col if span.end_line == span.line else len(text) + 1
    text, col, end_col = _window(text, span.col, end_col)
    width = max(1, end_col - col)
    caret = " " * (col - 1) + "^" * width + (f" {label}" if label else "")
    return [f"{pad} |", f"{gutter} | {printable(text, keep_newlines=False)}", f"{pad} | {caret}"]


def render_text(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Source] | None = None) -> str:
    """ruff-like: the machine line, the source line with carets, then help and notes."""
    cache = _Sources(sources)
    blocks = []
    for d in diagnostics:
        lines = [printable(f"{d.where}: {d.severity.value}[{d.code}]: {d.message}", keep_newlines=False)]
        if d.span is not None:
            lines += _snippet(d.span, cache)
        for label, span in d.notes:
            if span is not None:
                lines.append(f"  = note: {printable(span.start)}: {printable(label)}")
                lines += ["    " + s for s in _snippet(span, cache)]
            else:
                lines.append(f"  = note: {printable(label)}")
        if d.help:
            lines.append(f"  = help: {printable(d.help)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks + _more(diagnostics))


def render_concise(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join([printable(f"{d.where}: {d.severity.value}[{d.code}]: {d.message}", keep_newlines=False)
                      for d in diagnostics] + _more(diagnostics))


def _span_json(span: Span | None) -> dict | None:
    if span is None:
        return None
    return {"path": span.path, "line": span.line, "col": span.col,
            "end_line": span.end_line, "end_col": span.end_col}


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [
        {
            "code": d.code, "severity": d.severity.value, "message": d.message,
            "path": d.span.path if d.span else d.path,
            "span": _span_json(d.span), "help": d.help,
            "notes": [{"label": label, "span": _span_json(span)} for label, span in d.notes],
        }
        for d in diagnostics
    ]
    return json.dumps(items, indent=2, ensure_ascii=False)


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub workflow annotations: `::error file=…,line=…,col=…::…`."""
    out = []
    for d in diagnostics:
        level = "error" if d.is_error else ("notice" if d.severity is Severity.NOTE else "warning")
        message = f"[{d.code}] {d.message}" + (f" (help: {d.help})" if d.help else "")
        if d.span is not None:
            s = d.span
            loc = f"file={s.path},line={s.line},col={s.col},endLine={s.end_line},endColumn={s.end_col}"
        else:
            loc = f"file={d.path or ''}"
        out.append(f"::{level} {loc},title=frin {d.code}::{_github_escape(message)}")
    return "\n".join(out)


FORMATS = ("text", "concise", "json", "github")


def render(diagnostics: list[Diagnostic], fmt: str, sources: Mapping[str, Source] | None = None) -> str:
    if fmt == "text":
        return render_text(diagnostics, sources)
    if fmt == "concise":
        return render_concise(diagnostics)
    if fmt == "json":
        return render_json(diagnostics)
    if fmt == "github":
        return render_github(diagnostics)
    raise ValueError(f"unknown diagnostics format {fmt!r}")


def relative(path: str | Path, base: Path | None = None) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        shown = str(p.resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(p)
    return str(p) if shown == "." else shown        # the working folder itself: as it was given, not `.`


def printable(text: str, keep_newlines: bool = True) -> str:
    """Text safe to print on a terminal: control and format characters as visible escapes.

    A case id or a file name from input may hold ANSI escapes or bidi overrides; printed
    raw they would recolour or rearrange the terminal, whatever `--color` says.

    >>> printable("C-\\x1b[31mRED\\x07")
    'C-\\\\x1b[31mRED\\\\x07'
    """
    out = []
    for ch in text:
        if (ch == "\n" and keep_newlines) or ch == "\t":
            out.append(ch)
        elif ch < " " or ch == "\x7f" or "\x80" <= ch < "\xa0" or _is_format(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _is_format(ch: str) -> bool:
    """Unicode format characters (bidi overrides, zero-width joiners): category Cf."""
    if ch < "\u00ad":
        return False
    import unicodedata
    return unicodedata.category(ch) == "Cf"


class Identified(Protocol):
    """A named thing of a version (a rule, a constraint): its `id` and where it is written."""

    @property
    def id(self) -> str: ...
    @property
    def span(self) -> Span: ...


def duplicate_ids(items: Iterable[Identified], kind: str, out: list[Diagnostic]) -> None:
    """Report every item whose `id` an earlier item already used (rules, constraints, ...).

    One check for every list of named things in a version, so the code, message and note
    read the same wherever ids must be unique.
    """
    seen: dict[str, Span | None] = {}
    for item in items:
        if item.id in seen:
            out.append(Diagnostic(f"duplicate-{kind}-id", f"{kind} id `{item.id}` is used twice", item.span,
                                  notes=(("first used here", seen[item.id]),),
                                  help=f"{kind} ids must be unique in a version"))
        else:
            seen[item.id] = item.span

