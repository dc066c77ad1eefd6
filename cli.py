"""`frist`: validate policies, decide a case, explain a decision.

`main(argv) -> int` is the console script; `run(args, stdout, stderr) -> int` is what the
tests call. Commands only compose pipeline stages and pick a renderer. Exit codes follow
ruff: 0 clean, 1 problems found in policies, 2 invalid input or usage, 101 internal error.
"""
from __future__ import annotations

import argparse
import sys
from enum import IntEnum
from typing import TextIO

__all__ = ["main", "run", "ExitCode"]


# Modules that add further subcommands: each has `add_commands(subparsers)` and sets
# `handler="module:function"` on its parsers, so `--help` imports nothing heavy.
COMMAND_GROUPS = ("engine.review.cli", "engine.batch.cli")


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1
    INVALID_INPUT = 2
    INTERNAL = 101


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frist", description="Rules-as-data for Norwegian debt collection.")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check policy files and run their embedded examples")
    validate.add_argument("paths", nargs="*", default=["policies"])
    validate.add_argument("--format", choices=["text", "concise", "json", "github"], default="text")
    validate.add_argument("--today", help="date for review-date warnings (default: today, Europe/Oslo)")
    validate.add_argument("--policies", help="resolve a file's `uses` here (default: the policy folder the file is in)")

    for name, help in (("decide", "decide a case's next action (JSON)"), ("explain", "explain a decision for a person")):
        cmd = sub.add_parser(name, help=help)
        cmd.add_argument("case")
        cmd.add_argument("--as-of", help="decision date YYYY-MM-DD (default: the case's as_of, else today)")
        cmd.add_argument("--policy", help="NAME or NAME@VERSION (default: the case's `policy`)")
        cmd.add_argument("--policies", default="policies", help="policy folder (default: policies/)")
        cmd.add_argument("--include-drafts", action="store_true", help="let draft versions decide")
        if name == "decide":
            cmd.add_argument("--no-trace", action="store_true", help="omit the trace (fast path)")
        else:
            cmd.add_argument("--lang", choices=["en", "nb"], default="en")
            cmd.add_argument("--format", choices=["text", "markdown", "json"], default="text")
            cmd.add_argument("--color", choices=["auto", "always", "never"], default="auto")
            cmd.add_argument("--why-not", metavar="ACTION", help="what blocks ACTION, and when time alone unblocks it")

    import importlib
    for module in COMMAND_GROUPS:
        importlib.import_module(module).add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    return int(run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr))


def run(argv: list[str], stdout: TextIO, stderr: TextIO) -> ExitCode:
    import contextlib
    parser = _parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exit:
        return ExitCode.OK if exit.code == 0 else ExitCode.INVALID_INPUT
    from engine.errors import CaseError, EvaluationError, FristError, PolicyError, UsageError
    try:
        return ExitCode(_handler(args)(args, stdout, stderr))
    except (PolicyError, CaseError) as err:
        from engine.diagnostics import render_text, sort_and_cap
        print(render_text(sort_and_cap(err.diagnostics)), file=stderr)
        kind = "policy" if isinstance(err, PolicyError) else "case"
        print(f"\n{len(err.diagnostics)} problem(s) in the {kind}; nothing was decided.", file=stderr)
        return ExitCode.PROBLEMS if isinstance(err, PolicyError) else ExitCode.INVALID_INPUT
    except EvaluationError as err:
        where = f"{err.span.start}: " if err.span else ""
        print(f"{where}error[evaluation-error]: {err.message}", file=stderr)
        if err.help:
            print(f"  = help: {err.help}", file=stderr)
        return ExitCode.PROBLEMS
    except UsageError as err:
        print(f"error: {err}", file=stderr)
        return ExitCode.INVALID_INPUT
    except FristError as err:
        print(f"error: {err}", file=stderr)
        return ExitCode.INVALID_INPUT
    except Exception as err:  # noqa: BLE001 - the one place an unexpected error is turned into a report
        import traceback
        print(f"internal error: {type(err).__name__}: {err}\nplease report this with the input that caused it.",
              file=stderr)
        if "FRIST_DEBUG" in __import__("os").environ:
            traceback.print_exc(file=stderr)
        return ExitCode.INTERNAL


def _handler(args: argparse.Namespace):
    import importlib
    module, _, function = getattr(args, "handler", f"engine.commands:{args.command}").partition(":")
    return getattr(importlib.import_module(module), function)


if __name__ == "__main__":
    sys.exit(main())
