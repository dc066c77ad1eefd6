"""The options several `frin` commands share, defined once, and the helpers their bodies use.

Every command that reads a policy folder takes `--policies` the same way, every command
that decides takes `--as-of`, `--policy` and `--include-drafts` with one help text, and
`--format`, `--lang` and `--color` mean the same wherever they appear. The command registry
(`registry.py`) composes a command's parser from these; a command body turns an option's
text into a value with `date_option` and loads its policies with `checked_catalog`, so a
bad date or a broken policy is reported the same way by every command.

Imported by every `frin` call: nothing heavy at import time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    import datetime as dt

    from ..check.pipeline import Catalog

__all__ = ["case", "paths", "policies", "as_of", "policy", "include_drafts", "output_format", "lang", "chunk_rows", "log", "color",
           "prove", "date_option", "checked_catalog", "POSITIONAL_HELP"]


# Help for positional arguments that a command leaves undocumented.
POSITIONAL_HELP = {
    "case": "the case file (YAML or JSON; `-` reads it from standard input)",
    "paths": "policy files or folders (default: ./policies, else the bundled catalog)",
}


def case(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("case", help=POSITIONAL_HELP["case"])


def paths(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("paths", nargs="*", default=None, help=POSITIONAL_HELP["paths"])


def policies(cmd: argparse.ArgumentParser,
             help: str = "policy folder (default: ./policies, else the bundled catalog)") -> None:
    cmd.add_argument("--policies", default=None, help=help)


def as_of(cmd: argparse.ArgumentParser,
          help: str = "decision date YYYY-MM-DD (default: the case's as_of, else today)") -> None:
    cmd.add_argument("--as-of", help=help)


def policy(cmd: argparse.ArgumentParser, help: str = "NAME or NAME@VERSION (default: the case's `policy`)") -> None:
    cmd.add_argument("--policy", help=help)


def include_drafts(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--include-drafts", action="store_true", help="let draft versions decide")


def allow_stale(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--allow-stale", action="store_true",
                     help="decide even with a statutory figure past its review date and no later version "
                          "(else held as legal_review naming it); the decision's warnings record each such figure")


def output_format(cmd: argparse.ArgumentParser, choices: list[str], default: str = "text",
                  help: str | None = None) -> None:
    cmd.add_argument("--format", choices=choices, default=default, help=help)


def lang(cmd: argparse.ArgumentParser, help: str | None = None) -> None:
    cmd.add_argument("--lang", default=None, metavar="LANG", type=_language,
                     help=(help or "the language of the text for people: one with a locale file ({}) that the "
                                   "policy's jurisdiction writes in (default: the jurisdiction's first)").format(_locales()))


def _language(text: str) -> str:
    """A language code as the locale files are named (`nb`): `--lang NB` means the same."""
    return text.strip().lower()


def _locales() -> str:
    """The languages with a locale file in ./policies or the bundled catalog (for --lang's help;
    the catalog a command loads is what decides: explain/text.py)."""
    import os

    from ..policy.catalog_source import LOCAL
    from ..policy.locale import locale_codes
    return ", ".join(locale_codes([LOCAL] if os.path.isdir(LOCAL) else [])) or "none"


def chunk_rows(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--chunk-rows", type=_rows, default=None, metavar="N",
                     help="rows read and decided at a time (default 100000): larger is faster and needs more memory "
                          "(docs/batch.md, \"Chunks\")")


def _rows(text: str) -> int:
    import argparse
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"`{text}` is not a number of rows: give a whole number of at least 1, e.g. 250000")
    return value


def log(cmd: argparse.ArgumentParser, help: str = "the decision log: a SQLite file or a postgresql:// URL (default: "
                                                      "FRIST_LOG, else ./frist-decisions.sqlite)") -> None:
    cmd.add_argument("--log", metavar="LOG", help=help)


def color(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                     help="auto: colour on a terminal unless NO_COLOR is set, or when FORCE_COLOR is")


def date_option(text: str | None, what: str) -> dt.date | None:
    """The date an option names (None when not given); a usage error (exit 2) if it is not a date."""
    if text is None:
        return None
    from ..core.errors import UsageError
    from ..values.time import parse_date
    try:
        return parse_date(text)
    except ValueError as err:         # not a date, or outside the supported years (DateRangeError says which)
        raise UsageError(f"{what} {err}") from None


def prove(cmd: argparse.ArgumentParser) -> None:
    """`--prove` with its bound and timeout: `validate` and `test` (docs/law-enforces.md)."""
    from ..core.names import install_line
    cmd.add_argument("--prove", action="store_true",
                     help="also prove each process against the law's constraints with an SMT solver "
                          f"(the `prove` extra: {install_line('prove')})")
    cmd.add_argument("--prove-bound", type=int, default=3, metavar="N",
                     help="with --prove: cases with up to N claims, events and payments (default 3)")
    cmd.add_argument("--prove-timeout", type=float, default=10.0, metavar="SECONDS",
                     help="with --prove: give up on one query after this long (default 10; then `not-proved`)")


def checked_catalog(folders) -> Catalog:
    """Load and check the policies; any error stops the command (exit 1) with every problem listed.
    From the checked-catalog snapshot when the files and the engine are unchanged (check/catalog_cache.py)."""
    from ..check.catalog_cache import checked_catalog as cached
    return cached(folders)


def require_policy_folder(folder, command: str) -> None:
    """A command that writes into the policy folder (new-version, lock) needs one: a usage
    error (exit 2) saying how to make one, not a policy problem about a missing path."""
    from pathlib import Path

    from ..core.errors import UsageError
    if not Path(folder).is_dir():
        raise UsageError(f"no policy folder `{folder}` here: `frin {command}` works on a policy folder of your own; "
                         "start one from the bundled catalog with `frin init DIR` (then cd DIR), or name one "
                         "with --policies DIR")
