"""The policy model: a version's figures, definitions, rules and examples, as parsed.

These records hold parsed (not yet checked) expressions and the spans of their YAML
values. `PolicySet` is every version of every policy found, keyed by name; resolution by
date lives in `versions.py`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..core.document import Document
from ..core.source import Span
from ..lang import ast

__all__ = ["Parameter", "Rule", "Constraint", "Example", "PolicyVersion", "PolicySet"]


@dataclass
class Parameter:
    """A figure with its source: one value, a dated schedule, or a bracket table."""

    name: str
    form: str                                   # value | schedule | brackets
    source: str
    span: Span                                  # the parameter's key
    value: ast.Expr | None = None
    schedule: list[tuple[dt.date, ast.Expr, str, Span]] = field(default_factory=list)
    brackets: list[tuple[ast.Expr | None, ast.Expr]] = field(default_factory=list)
    max: ast.Expr | None = None
    review_by: dt.date | None = None
    # filled by the checker: the constant value and its type
    resolved: Any = None
    type: Any = None


@dataclass
class Rule:
    id: str
    index: int
    when: ast.Expr
    action: str
    outputs: dict[str, ast.Expr]                # by rule key, in registry order (policy/outputs.py)
    explain: dict[str, str]
    source: str | None
    span: Span                                  # the rule's `id` value
    action_span: Span
    step: str | None = None                     # the step this action adds to the case's events
    step_span: Span | None = None


@dataclass
class Constraint:
    """A limit the law sets on every decision of a policy that uses this one.

    `when` says which decisions it binds (default: all), `require` what must then hold;
    both see the case, the policy's own figures and `decision` (see engine/decide/enforce.py).
    `history: false` keeps it off recorded events (see engine/decide/history.py).
    """

    id: str
    when: ast.Expr | None
    require: ast.Expr | None                    # None: a check the engine makes itself (enforce.amount_violations, stale.py)
    source: str
    text: dict[str, str]                        # nb, en
    span: Span                                  # the constraint's `id` value
    history: bool = True

    def said(self, lang: str = "en") -> str:
        """The text in `lang`, else in the first language the policy wrote (diagnostics and batch
        rejects are in English; a jurisdiction without English still gets its own words)."""
        return self.text.get(lang) or next(iter(self.text.values()))


@dataclass
class Example:
    name: str
    as_of: dt.date | None
    case: dict
    expect: dict
    path: tuple                                 # where it stands in the document
    span: Span


@dataclass
class PolicyVersion:
    name: str
    effective: dt.date
    status: str
    title: dict[str, str]
    document: Document
    sha256: str
    calendar: str | None = None
    jurisdiction: str | None = None             # the code named in the file (None: the default one)
    uses: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    definitions: dict[str, ast.Expr] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    amounts: dict[str, ast.Expr] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    # Reasons that take single claims out of the case (`set_aside:`), as rules whose
    # `when` is the list of claims the reason holds (see decision.py).
    set_aside: list[Rule] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    description: str = ""

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def key(self) -> str:
        """`kravia@2024-01-01`; a draft's `no-regulation@2027-01-01-draft`, so a draft and a
        published version of the same date (the draft of a new act, the routine 1 January
        change) are two versions, never one overwriting the other."""
        return f"{self.name}@{self.label}"

    @property
    def label(self) -> str:
        """The version as written after `@`: its effective date, `-draft` for a draft."""
        return self.effective.isoformat() + ("-draft" if self.is_draft else "")

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def __repr__(self) -> str:
        return f"<PolicyVersion {self.key}{' draft' if self.is_draft else ''}>"


@dataclass
class PolicySet:
    """Every loaded version, by policy name, each list sorted by effective date."""

    versions: dict[str, list[PolicyVersion]] = field(default_factory=dict)

    def add(self, version: PolicyVersion) -> None:
        self.versions.setdefault(version.name, []).append(version)
        self.versions[version.name].sort(key=lambda v: (v.effective, v.is_draft))   # not by file order

    def names(self) -> list[str]:
        return sorted(self.versions)

    def all(self) -> list[PolicyVersion]:
        return [v for name in self.names() for v in self.versions[name]]
