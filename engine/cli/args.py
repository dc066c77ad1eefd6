"""The `frist` argument parser: every subcommand with a description, examples, exit codes
and the environment variables it reads (`frist COMMAND --help`).

Imported by every `frist` call, so it imports nothing heavy: subcommands name their
implementation as `handler="module:function"` (relative to this package), and the review
and batch groups add their own parsers through `add_commands(subparsers)`.
"""
from __future__ import annotations

import argparse
import os
import importlib
import textwrap

__all__ = ["parser", "DESCRIPTIONS", "EXAMPLES", "EXIT_CODES", "ENVIRONMENT"]

COMMAND_GROUPS = (".review_args", ".batch_args")

EXIT_CODES = """\
exit codes:
  0    clean (warnings only)
  1    problems in policies (or a rule that cannot be evaluated; failing examples or diff changes where asked)
  2    invalid input or usage (bad case file or date, unknown policy, missing extra)
  101  internal error (a bug: please report it with the input)
  141  the output pipe was closed (e.g. `| head -1`); nothing is reported"""

ENVIRONMENT = """\
environment:
  FRIST_CACHE_DIR     the cache folder: loaded policies, calendar years (default: the user cache folder,
                      e.g. ~/.cache/frist)
  FRIST_NO_CACHE      set to 1: never read or write the cache
  FRIST_CACHE_KEY     the file of the cache's signing key (default: in the user data folder)
  FRIST_CACHE_MAX_MB  the cache's size cap (default 64)
  FRIST_DEBUG         set to 1: print the traceback of an internal error
  NO_COLOR            set: no colour in any output (https://no-color.org)
  FORCE_COLOR         set: colour even when the output is not a terminal (NO_COLOR wins)"""

_CATALOG = ("Without --policies, the catalog is ./policies when it exists, else the policies bundled with "
            "frist (a note on stderr says so).")

DESCRIPTIONS = {
    "validate": "Check policy files (schema, types, versions, the lock) and run the examples embedded in them. "
                "Without PATH, the catalog is ./policies when it exists, else the bundled one.",
    "decide": "Decide a case's next action and print the decision as JSON (schemas/decision.schema.json). " + _CATALOG,
    "explain": "Explain a case's decision for a person: the rule that fired, the figures with their sources, "
               "and what was checked before it. " + _CATALOG,
    "timeline": "Project a case forward if nobody pays (or pays as --pays says): every step, date, fee and total.",
    "diff": "Decide every case in a folder under two policy versions and show what changes.",
    "graph": "Draw a policy version's escalation ladder (Mermaid, Graphviz DOT, or JSON nodes and edges). " + _CATALOG,
    "lock": "Record the sha256 of every published policy version in policies.lock; --check verifies it.",
    "test": "Run the examples embedded in policy files, report each like pytest, and measure rule coverage "
            "(which rules the examples fire).",
    "batch": "Decide every case in a Parquet, CSV or JSON Lines file with the columnar evaluator "
             "(needs the batch extra: pip install 'frist[batch]'; see docs/batch.md).",
}

EXAMPLES = {
    "validate": ["frist validate", "frist validate policies/kravia --format github", "frist validate --format json"],
    "decide": ["frist decide case.yaml --as-of 2026-03-02", "frist decide case.yaml --no-trace",
               "cat case.json | frist decide - --policy kravia"],
    "explain": ["frist explain case.yaml --lang nb --format markdown",
                "frist explain case.yaml --why-not send_betalingsoppfordring"],
    "timeline": ["frist timeline case.yaml", "frist timeline case.yaml --pays 500.00@2026-04-01 --format json"],
    "diff": ["frist diff kravia@2024-01-01 my-edit.yaml --cases tests/cases/kravia --format markdown",
             "frist diff HEAD:policies/kravia/2024-01-01.yaml policies/kravia/2024-01-01.yaml --cases cases/"],
    "graph": ["frist graph kravia", "frist graph egeninkasso --format dot | dot -Tsvg > ladder.svg",
              "frist graph kravia@2024-01-01 --format json"],
    "lock": ["frist lock", "frist lock --check --format json", "frist lock --rewrite kravia@2024-01-01"],
    "test": ["frist test", "frist test policies/kravia -k tungt", "frist test --junit-xml report.xml --min-coverage 80",
             "frist test --format json"],
    "batch": ["frist batch cases.parquet -o decisions.parquet --policy kravia --as-of 2026-03-02",
              "frist batch cases.jsonl -o decisions.jsonl --strict --format json"],
}

# Help for positional arguments that the group modules leave undocumented.
_POSITIONAL_HELP = {
    "case": "the case file (YAML or JSON; `-` reads it from standard input)",
    "paths": "policy files or folders (default: ./policies, else the bundled catalog)",
}


def _locales() -> str:
    """The languages with a locale file in ./policies or the bundled catalog (for --lang's help;
    the catalog a command loads is what decides)."""
    from ..policy.catalog_source import LOCAL
    from ..policy.locale import locale_codes
    return ", ".join(locale_codes([LOCAL] if os.path.isdir(LOCAL) else [])) or "none"


def _epilog(name: str) -> str:
    examples = "examples:\n" + "\n".join(f"  {e}" for e in EXAMPLES.get(name, []))
    return "\n\n".join([examples, EXIT_CODES, ENVIRONMENT])


def _version(parser: argparse.ArgumentParser) -> None:
    """`--version`, resolved only when asked for (importlib.metadata is not free)."""

    class Version(argparse.Action):
        def __call__(self, parser, namespace, values, option_string=None):
            from ..policy.catalog_source import BUNDLED
            print(f"frist {_installed_version()} (policies: {BUNDLED})")
            parser.exit()

    parser.add_argument("--version", nargs=0, action=Version, help="print the version and exit")


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("frist")
    except PackageNotFoundError:
        return "(not installed: a source checkout)"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="frist", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Rules-as-data for Norwegian debt collection: versioned YAML policies, a typed rule "
                    "language, decisions that explain themselves. `frist COMMAND --help` for each command.",
        epilog="\n\n".join([EXIT_CODES, ENVIRONMENT]))
    _version(top)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check policy files and run their embedded examples")
    validate.add_argument("paths", nargs="*", default=None)
    validate.add_argument("--format", choices=["text", "concise", "json", "github"], default="text")
    validate.add_argument("--today", help="date for review-date warnings (default: today, Europe/Oslo)")
    validate.add_argument("--policies", dest="uses_from", metavar="DIR",
                          help="resolve a file's `uses` here (default: the policy folder the file is in)")

    for name, help in (("decide", "decide a case's next action (JSON)"), ("explain", "explain a decision for a person")):
        cmd = sub.add_parser(name, help=help)
        cmd.add_argument("case")
        cmd.add_argument("--as-of", help="decision date YYYY-MM-DD (default: the case's as_of, else today)")
        cmd.add_argument("--policy", help="NAME or NAME@VERSION (default: the case's `policy`)")
        cmd.add_argument("--policies", default=None, help="policy folder (default: ./policies, else the bundled catalog)")
        cmd.add_argument("--include-drafts", action="store_true", help="let draft versions decide")
        if name == "decide":
            cmd.add_argument("--no-trace", action="store_true", help="omit the trace (fast path)")
        else:
            cmd.add_argument("--lang", default=None, metavar="LANG",
                             help=f"the language of the explanation: one with a locale file ({_locales()}) that the "
                                  "policy's jurisdiction writes in (default: the jurisdiction's first)")
            cmd.add_argument("--format", choices=["text", "markdown", "json"], default="text")
            cmd.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                             help="auto: colour on a terminal unless NO_COLOR is set, or when FORCE_COLOR is")
            cmd.add_argument("--why-not", metavar="ACTION", help="what blocks ACTION, and when time alone unblocks it")

    for module in COMMAND_GROUPS:
        importlib.import_module(module, __package__).add_commands(sub)
    for name, cmd in sub.choices.items():
        cmd.formatter_class = argparse.RawDescriptionHelpFormatter
        cmd.description = textwrap.fill(DESCRIPTIONS.get(name, cmd.description or ""), 88)
        cmd.epilog = _epilog(name)
        for action in cmd._actions:
            if not action.option_strings and action.help is None:
                action.help = _POSITIONAL_HELP.get(action.dest)
    return top
