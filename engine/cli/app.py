"""`frin`: validate policies, decide a case, explain a decision (the console script's body).

`main(argv) -> int` is the console script (`frin = "frist_inkasso.engine.cli:main"`); `run(args,
stdout, stderr) -> int` is what the tests call. Commands only compose pipeline stages and
pick a renderer; every command, its options, help texts and handler are one entry in
`registry.py` (shared options: `options.py`). Exit codes (`core.errors.ExitCode`)
follow ruff: 0 clean, 1 problems found in policies, 2 invalid input or usage, 101 internal
error (a bug); a closed output pipe (`frin decide … | head -1`) ends quietly with 141.
"""
from __future__ import annotations

import sys
from typing import TextIO

from ..core.errors import ExitCode
from ..core.names import COMMAND, install_line

__all__ = ["main", "run", "ExitCode"]

# Top-level modules of the optional extras, for the install hint of a missing one.
EXTRAS = {"polars": "batch", "pyarrow": "batch", "tqdm": "batch", "pyspark": "spark", "pandas": "spark",
          "dask": "dask", "distributed": "dask", "z3": "prove", "starlette": "serve", "uvicorn": "serve",
          "markdown_it": "serve", "psycopg": "postgres", "psycopg_pool": "postgres"}


def main(argv: list[str] | None = None) -> int:
    code = ExitCode.CLOSED_PIPE
    try:
        code = run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:
        code = ExitCode.CLOSED_PIPE
    if code == ExitCode.CLOSED_PIPE:
        # Python flushes stdout again at exit; point it at /dev/null so that flush is silent.
        import os
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return int(code)


def run(argv: list[str], stdout: TextIO, stderr: TextIO) -> ExitCode:
    import contextlib

    from .registry import handler, parser
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser().parse_args(argv)
    except SystemExit as exit:
        return ExitCode.OK if exit.code == 0 else ExitCode.INVALID_INPUT
    from ..core.errors import CaseError, EvaluationError, FristError, PolicyError, UsageError
    try:
        _default_catalog(args, stderr)
        return ExitCode(handler(args.command)(args, stdout, stderr))
    except BrokenPipeError:
        return ExitCode.CLOSED_PIPE
    except (PolicyError, CaseError) as err:
        from ..core.diagnostics import sort_and_cap
        from ..explain.diagnostic_words import localized_report
        words = _report_words(args, stderr)
        print(localized_report(sort_and_cap(err.diagnostics, keep_order=err.ordered), "text", words), file=stderr)
        kind = "policy" if isinstance(err, PolicyError) else "case"
        stopped = f"{len(err.diagnostics)} problem(s) in the {kind}; nothing was decided."
        print("\n" + (words.text(stopped) if words is not None else stopped), file=stderr)
        return ExitCode.PROBLEMS if isinstance(err, PolicyError) else ExitCode.INVALID_INPUT
    except EvaluationError as err:
        where = f"{err.span.start}: " if err.span else ""
        print(f"{where}error[evaluation-error]: {err.message}", file=stderr)
        if err.help:
            print(f"  = help: {err.help}", file=stderr)
        return ExitCode.PROBLEMS
    except (UsageError, FristError) as err:
        words = _report_words(args, stderr)
        print(f"{words.word('error', 'error')}: {words.text(str(err))}" if words is not None else f"error: {err}", file=stderr)
        return ExitCode.INVALID_INPUT
    except ModuleNotFoundError as err:
        extra = EXTRAS.get((err.name or "").partition(".")[0])
        if extra is None:
            return _internal(err, stderr)
        print(f"error: `{COMMAND} {args.command}` needs the `{extra}` extra ({err.name} is not installed): "
              f"{install_line(extra)}", file=stderr)
        return ExitCode.INVALID_INPUT
    except Exception as err:  # noqa: BLE001 - the one place an unexpected error is turned into a report
        return _internal(err, stderr)


def _report_words(args, stderr: TextIO):
    """`--lang`'s words for the problems that stopped a command (None: English, or a language
    without a locale file: the command's own report of that comes first)."""
    lang = getattr(args, "lang", None)
    if lang in (None, "en"):
        return None
    from ..core.errors import FristError
    from ..explain.diagnostic_words import locale_words
    folders = [getattr(args, "policies", None), *(getattr(args, "paths", None) or ())]
    try:
        return locale_words([f for f in folders if f], lang, stderr)
    except FristError:          # an unknown language: the problems are still reported, in English
        return None


def _internal(err: Exception, stderr: TextIO) -> ExitCode:
    import os
    import traceback
    print(f"internal error: {type(err).__name__}: {err}\nplease report this with the input that caused it "
          "(FRIST_DEBUG=1 prints the traceback).", file=stderr)
    if os.environ.get("FRIST_DEBUG"):
        traceback.print_exc(file=stderr)
    return ExitCode.INTERNAL


def _default_catalog(args, stderr: TextIO) -> None:
    """Fill an unset policy folder: `./policies` when it exists, else the catalog bundled with the package.

    The bundled catalog is announced on stderr, so output never depends silently on where
    the command was run.
    """
    from ..policy.catalog_source import resolve_default
    notes: set[str] = set()
    for attr in ("policies", "paths"):
        if getattr(args, attr, "given") in (None, []):
            chosen, note = resolve_default(args.command)
            setattr(args, attr, chosen if attr == "policies" else [chosen])
            notes.update([note] if note else [])
    words = _report_words(args, stderr) if notes else None
    for note in sorted(notes):
        if words is not None:           # `note: TEXT`: the label and the text in the language of --lang
            label, _, text = note.partition(": ")
            note = f"{words.word(label, label)}: {words.text(text)}"
        print(note, file=stderr)


if __name__ == "__main__":
    sys.exit(main())
