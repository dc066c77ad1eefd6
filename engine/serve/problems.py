"""Errors as RFC 9457 problem documents (`application/problem+json`), with the CLI's diagnostics.

A client's mistake is a 4xx naming what is wrong where: each diagnostic of a bad case becomes
one entry of `errors` with its code, the field (a dotted path into the case), the message,
the hint (the CLI's `help`) and the line and column in the body sent. Only a bug is a 500, and
it says so without a traceback. A log that cannot take the record is a 503: nothing was decided.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.errors import CaseError, EvaluationError, FristError, PolicyError, UsageError
from ..core.names import COMMAND

if TYPE_CHECKING:
    from ..core.diagnostics import Diagnostic
    from ..core.document import Document

__all__ = ["Problem", "problem_of", "MEDIA_TYPE", "TYPE_BASE", "http_wording"]

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://frist.dev/problems/"


@dataclass(eq=False)
class Problem(Exception):
    status: int
    kind: str               # the last part of `type`: a stable kebab-case code
    title: str
    detail: str
    errors: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)

    def to_json(self, instance: str | None = None) -> dict:
        out = {"type": TYPE_BASE + self.kind, "title": self.title, "status": self.status, "detail": self.detail}
        if instance:
            out["instance"] = instance
        if self.errors:
            out["errors"] = self.errors
        return out


# The CLI options whose meaning a query parameter carries (answers.Options): a stage's message
# says `--lang nb` because it was written for the terminal; over HTTP it names the parameter.
_PARAMETERS = {"lang": "lang", "policy": "policy", "as-of": "as_of", "include-drafts": "include_drafts",
               "format": "format", "trace": "trace", "until": "until", "pays": "pays", "max-steps": "max_steps"}
_OPTION = re.compile(r"--(?P<name>[a-z][a-z-]*[a-z])(?:(?P<sep>[ =])(?P<value>\d{4}-\d{2}-\d{2}|[A-Z][A-Z_]*|"
                     r"(?!(?:or|to|in|on|at|as|is|if|of|an|and|the)\b)[a-z]{2,3}(?:-[A-Z]{2})?)\b)?")


_COMMAND = re.compile(rf"`{re.escape(COMMAND)} (?P<name>decide|explain|timeline)`")


def http_wording(text: str) -> str:
    """`text` with each CLI option the service takes as a query parameter named as that parameter
    (`use --lang nb` → use the query parameter `lang=nb`), and each command the service answers
    as its endpoint (`frin explain` → `POST /v1/explain`); other options are left as written."""
    def swap(m: re.Match) -> str:
        parameter = _PARAMETERS.get(m["name"])
        if parameter is None:
            return m[0]
        return f"the query parameter `{parameter}={m['value']}`" if m["value"] else f"the query parameter `{parameter}`"
    return _COMMAND.sub(lambda m: f"`POST /v1/{m['name']}`", _OPTION.sub(swap, text))


def _fields(document: Document | None) -> dict:
    """Span → dotted field path, to name the field a diagnostic points at."""
    if document is None:
        return {}
    from ..policy.case import dotted
    out: dict[tuple[int, int], str] = {}
    for table in (document.key_spans, document.value_spans):
        for path, span in table.items():
            out.setdefault((span.line, span.col), dotted(path))
    return out


def diagnostic_json(d: Diagnostic, fields: dict) -> dict:
    from ..core.diagnostics import printable
    span = d.span
    where = (span.line, span.col) if span is not None else None
    return {"code": d.code, "field": fields.get(where) if where else None, "message": http_wording(printable(d.message)),
            "hint": http_wording(printable(d.help)) if d.help else None, "line": span.line if span else None,
            "column": span.col if span else None, "severity": d.severity.value}


def problem_of(err: Exception, document: Document | None = None) -> Problem:
    """The problem a stage's error means for an HTTP client."""
    if isinstance(err, Problem):
        return err
    if isinstance(err, CaseError):
        fields = _fields(document)
        syntax = all(d.code in ("yaml-syntax", "invalid-encoding", "unsafe-yaml", "file-too-large")
                     for d in err.diagnostics)
        return Problem(400 if syntax else 422, "invalid-case", "The case is not valid",
                       f"{len(err.diagnostics)} problem(s) in the case; nothing was decided",
                       [diagnostic_json(d, fields) for d in err.diagnostics])
    if isinstance(err, PolicyError):
        return Problem(503, "catalog-unavailable", "The policy catalog has problems",
                       f"{len(err.diagnostics)} problem(s) in the policies; nothing was decided",
                       [diagnostic_json(d, {}) for d in err.diagnostics])
    if isinstance(err, EvaluationError):
        where = f"{err.span.start}: " if err.span else ""
        return Problem(422, "evaluation-error", "A rule cannot be evaluated for this case",
                       f"{where}{err.message}", [{"code": "evaluation-error", "field": None, "message": err.message,
                                                  "hint": http_wording(err.help) if err.help else err.help, "line": None, "column": None,
                                                  "severity": "error"}])
    if isinstance(err, UsageError):
        return Problem(400, "invalid-request", "The request cannot be served", http_wording(str(err)))
    from ..audit.backend import LogUnavailable
    if isinstance(err, LogUnavailable):
        return Problem(503, "log-unavailable", "The decision log cannot take the record",
                       f"{err}; nothing was decided: retry later", headers={"Retry-After": "5"})
    if isinstance(err, FristError):
        return Problem(400, "invalid-request", "The request cannot be served", http_wording(str(err)))
    return Problem(500, "internal-error", "Internal error",
                   f"a bug in frist ({type(err).__name__}); please report it with the request that caused it")
