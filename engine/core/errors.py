"""The exception tree: control flow at the boundaries, carrying diagnostics as data.

    FristError
     ├── PolicyError(diagnostics)   a policy file is malformed, ill-typed or breaks a cap
     ├── CaseError(diagnostics)     a case file is invalid
     ├── UsageError                 a command-line request that cannot be served
     └── EvaluationError            a rule failed at run time (e.g. an amount not exact to the øre)

Stages collect `Diagnostic`s and raise one of these once, at their boundary.
"""
from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .source import Span

__all__ = ["FristError", "PolicyError", "CaseError", "UsageError", "EvaluationError", "ExitCode"]


class ExitCode(IntEnum):
    """What a `frin` command's exit status means (ruff's convention); every command returns one.

    Here, beside the errors that map onto them, so a command body in any stage (`review.lock`,
    `review.policy_tests`) can name its status without importing the CLI above it.
    """

    OK = 0
    PROBLEMS = 1            # problems in policies, a law violation, failing examples, changes where asked
    INVALID_INPUT = 2       # a bad case file, date, option or unknown policy: usage
    INTERNAL = 101          # a bug: reported with the input that caused it
    CLOSED_PIPE = 141       # 128 + SIGPIPE, as a shell reports a process ended by a closed pipe


class FristError(Exception):
    """Base of every error Frist reports to a user (never shown as a traceback)."""


class _WithDiagnostics(FristError):
    def __init__(self, diagnostics: list[Diagnostic], *, ordered: bool = False) -> None:
        self.diagnostics = list(diagnostics)
        self.ordered = ordered          # already cause-first: shown in this order, not by file
        first = self.diagnostics[0].message if self.diagnostics else "no details"
        super().__init__(f"{len(self.diagnostics)} problem(s); first: {first}")


class PolicyError(_WithDiagnostics):
    """One or more policy files are invalid."""


class CaseError(_WithDiagnostics):
    """A case file is invalid."""


class UsageError(FristError):
    """The request cannot be served (unknown policy, bad --as-of, …).

    Its text may quote input (a policy name, a path), so control characters are shown
    escaped: printed on a terminal it can never recolour or rewrite the screen.
    """

    def __str__(self) -> str:
        from .diagnostics import printable
        return printable(super().__str__())


class EvaluationError(FristError):
    """A rule could not be evaluated for a case."""

    def __init__(self, message: str, span: Span | None = None, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.help = help
