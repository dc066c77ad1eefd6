"""The one registry of `frin` commands: each command's name, help, description, examples,
exit codes, environment, options and handler in one entry; the parser and the dispatch are
built from it.

Adding a command is one `Command` entry here (and its body). `frin COMMAND --help` is made
from the entry: description, examples, what each exit code means for this command, and the
environment variables read. The shared options (`--policies`, `--as-of`, `--format`,
`--lang`, `--color`, ...) come from `options.py`, defined once.

Imported by every `frin` call, so it imports nothing heavy: a handler is named as
"module:function" relative to this package and imported only when its command runs.
"""
from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass, field
from typing import Callable

from ..core.names import COMMAND, DISTRIBUTION, install_line
from . import options as o

__all__ = ["Command", "COMMANDS", "parser", "handler", "EXIT_CODES", "ENVIRONMENT", "installed_version"]

EXIT_CODES = {
    0: "clean (warnings only)",
    1: "problems in policies (or a rule that cannot be evaluated; failing examples or diff changes where asked)",
    2: "invalid input or usage (bad case file or date, unknown policy, missing extra)",
    101: "internal error (a bug: please report it with the input)",
    141: "the output pipe was closed (e.g. `| head -1`); nothing is reported",
}

ENVIRONMENT = {
    "FRIST_CACHE_DIR": "the cache folder: loaded policies, calendar years (default: the user cache folder, "
                       "e.g. ~/.cache/frist-inkasso)",
    "FRIST_NO_CACHE": "set to 1: never read or write the cache",
    "FRIST_CACHE_KEY": "the file of the cache's signing key (default: in the user data folder)",
    "FRIST_CACHE_MAX_MB": "the cache's size cap (default 64)",
    "FRIST_DEBUG": "set to 1: print the traceback of an internal error",
    "NO_COLOR": "set: no colour in any output (https://no-color.org)",
    "FORCE_COLOR": "set: colour even when the output is not a terminal (NO_COLOR wins)",
}

_CATALOG = ("Without --policies, the catalog is ./policies when it exists, else the policies bundled with "
            "the package (a note on stderr says so).")
_REVIEW_FORMATS = ["text", "json", "markdown", "html"]
_SAYS = "the language of what it prints: one with a locale file ({}) (default: English)"


@dataclass(frozen=True)
class Command:
    name: str
    help: str                                   # the line in `frin --help`
    description: str                            # the paragraph at the top of `frin NAME --help`
    examples: tuple[str, ...]
    options: Callable[[argparse.ArgumentParser], None]
    handler: str                                # "module:function", relative to this package
    exit_codes: dict[int, str] = field(default_factory=dict)    # what a code means for this command
    environment: dict[str, str] = field(default_factory=dict)   # variables only this command reads

    def epilog(self) -> str:
        examples = "examples:\n" + "\n".join(f"  {e}" for e in self.examples)
        return "\n\n".join([examples, _table("exit codes", {**EXIT_CODES, **self.exit_codes}, 6),
                            _table("environment", {**ENVIRONMENT, **self.environment}, 21)])


def _table(title: str, rows: dict, width: int) -> str:
    lines = [f"{title}:"]
    for key, text in rows.items():
        wrapped = textwrap.wrap(text, 100 - width) or [""]
        lines.append(f"  {str(key):<{width - 1}}{wrapped[0]}".rstrip() if len(str(key)) < width - 1
                     else f"  {key} {wrapped[0]}")
        lines.extend(" " * (width + 1) + more for more in wrapped[1:])
    return "\n".join(lines)


def _validate(cmd):
    o.paths(cmd)
    o.output_format(cmd, ["text", "concise", "json", "github"])
    o.lang(cmd, "the report's language: one with a locale file ({}) (default: English; file:line:col and codes stay)")
    cmd.add_argument("--today", help="date for review-date warnings (default: today, Europe/Oslo)")
    cmd.add_argument("--policies", dest="uses_from", metavar="DIR",
                     help="resolve a file's `uses` here (default: the policy folder the file is in)")
    o.prove(cmd)


def _deciding(cmd, as_of_help: str | None = None):
    o.case(cmd)
    o.as_of(cmd) if as_of_help is None else o.as_of(cmd, as_of_help)
    o.policy(cmd)
    o.policies(cmd)
    o.include_drafts(cmd)


def _decide(cmd):
    _deciding(cmd)
    o.allow_stale(cmd)
    cmd.add_argument("--no-trace", action="store_true", help="omit the trace (fast path)")
    o.log(cmd, "also append the decision to the decision log at LOG (a file, or a postgresql:// URL)")
    o.lang(cmd, "the language of its lines on stderr (problems, `logged:`; the JSON stays): a locale file's ({}) (default: English)")


def _explain(cmd):
    _deciding(cmd)
    o.allow_stale(cmd)
    o.lang(cmd)
    o.output_format(cmd, ["text", "markdown", "json"])
    o.color(cmd)
    cmd.add_argument("--why-not", metavar="ACTION", help="what blocks ACTION, and when time alone unblocks it")


def _timeline(cmd):
    _deciding(cmd, "start date YYYY-MM-DD (default: the case's as_of, else today)")
    cmd.add_argument("--until", help="stop projecting after this date")
    cmd.add_argument("--pays", action="append", default=[], metavar="AMOUNT@DATE",
                     help="the debtor pays AMOUNT on DATE (repeatable), e.g. 500.00@2026-04-01")
    o.output_format(cmd, _REVIEW_FORMATS)
    o.lang(cmd)
    cmd.add_argument("--max-steps", type=int, default=60, help="loop guard: stop after N decisions")


def _diff(cmd):
    cmd.add_argument("old", help="NAME@VERSION, a policy file, or REV:path (a file as committed in git)")
    cmd.add_argument("new", help="NAME@VERSION, a policy file, or REV:path")
    cmd.add_argument("--cases", help="folder of case files, YAML or JSON (default: tests/cases beside the "
                                     "policy folder: every process's cases)")
    o.as_of(cmd, "decide every case on this date (default: each case's as_of, else today)")
    o.policies(cmd)
    o.output_format(cmd, _REVIEW_FORMATS)
    o.lang(cmd)
    cmd.add_argument("--fail-on-change", action="store_true", help="exit 1 when any decision changed")
    cmd.add_argument("--prove", action="store_true",
                     help="also prove, with an SMT solver, that both versions decide every case up to "
                          "--prove-bound the same way, field by field, or show a case where they differ "
                          "(the `prove` extra)")
    cmd.add_argument("--prove-bound", type=int, default=3, metavar="N",
                     help="with --prove: cases with up to N claims, events and payments (default 3)")


def _graph(cmd):
    cmd.add_argument("policy", help="NAME or NAME@VERSION")
    o.as_of(cmd, "the version in force on this date (default: today)")
    o.policies(cmd)
    o.output_format(cmd, ["mermaid", "dot", "json"], default="mermaid")
    o.lang(cmd)


def _lock(cmd):
    o.paths(cmd)
    cmd.add_argument("--check", action="store_true", help="write nothing; exit 1 if a version is unlocked or changed")
    cmd.add_argument("--rewrite", action="append", metavar="NAME@VERSION",
                     help="accept a changed published version (a deliberate correction; repeatable)")
    cmd.add_argument("--forget", action="append", metavar="NAME@VERSION",
                     help="retire a locked version whose file is gone or moved (deliberate; repeatable)")
    cmd.add_argument("--allow-backdated", action="append", metavar="NAME@VERSION",
                     help="lock a new version dated before the newest locked one (deliberate; repeatable)")
    cmd.add_argument("--lock", help="the lock file (default: policies.lock in the policy folder or a folder above it)")
    o.output_format(cmd, ["text", "json"])
    o.lang(cmd, _SAYS)


def _new_version(cmd):
    cmd.add_argument("policy", help="NAME, e.g. no-regulation")
    cmd.add_argument("effective", help="the new version's effective date YYYY-MM-DD")
    o.policies(cmd, "policy folder (default: policies/)")
    cmd.set_defaults(policies="policies")
    cmd.add_argument("--draft", action="store_true", help="a draft (in <policy>/drafts/), not a version to publish")
    o.lang(cmd, _SAYS)


def _test(cmd):
    o.paths(cmd)
    o.policies(cmd, "used policies are loaded from here too (default: ./policies, else the bundled catalog)")
    cmd.add_argument("-k", dest="keyword", help="only examples whose name contains this text")
    o.output_format(cmd, ["text", "json"])
    o.lang(cmd, "the report's language: one with a locale file ({}) (default: English)")
    cmd.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report (one testcase per example)")
    cmd.add_argument("--min-coverage", type=float, metavar="PERCENT",
                     help="exit 1 when the examples fire fewer than PERCENT %% of the rules")
    o.prove(cmd)


def _batch(cmd):
    cmd.add_argument("input", help="cases: .parquet, .csv or .jsonl (one case document per line), or a folder of "
                                   "them (each row's file is then its `source` column)")
    cmd.add_argument("-o", "--output", required=True, help="decisions: .parquet, .csv or .jsonl")
    o.as_of(cmd, "decision date YYYY-MM-DD (default: each row's as_of, else today)")
    o.policy(cmd, "NAME or NAME@VERSION (default: each row's `policy`)")
    o.policies(cmd)
    o.include_drafts(cmd)
    o.allow_stale(cmd)
    cmd.add_argument("--rejects", help="the rejected rows (default: out.rejects.csv for -o out.csv, out.jsonl.rejects.csv)")
    cmd.add_argument("--ignore-unknown", action="store_true", help="decide without unknown columns, naming them on stderr")
    cmd.add_argument("--delimiter", default=",", metavar="CHAR", help="the CSV input's separator (default `,`; e.g. ';')")
    o.output_format(cmd, ["text", "json"], help="the summary printed at the end")
    o.lang(cmd, "the summary's language: one with a locale file ({}) (default: English)")
    cmd.add_argument("--strict", action="store_true", help="stop at the first rejected row (exit 2)")
    o.chunk_rows(cmd)
    cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
    o.log(cmd, "also append every decided row to the decision log at LOG (a file, or a postgresql:// URL)")


# --- the decision service and its log (engine/serve, engine/audit; docs/service.md) ---

_LOG_ENV = {"FRIST_LOG": "the decision log: a SQLite file or a postgresql:// URL (default ./frist-decisions.sqlite)"}


def _serve(cmd):
    o.policies(cmd)
    cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; any other needs a token)")
    cmd.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    o.log(cmd)
    cmd.add_argument("--log-case", choices=["full", "hash"], default=None,
                     help="keep each case in the log (full, default) or only its sha256 (hash: cases hold personal data)")
    cmd.add_argument("--token-file", metavar="FILE", help="the bearer token clients must send (else FRIST_SERVE_TOKEN)")
    cmd.add_argument("--max-body", type=int, default=1024 * 1024, metavar="BYTES", help="request size limit (1 MiB)")
    cmd.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS", help="time limit of one answer (10)")
    cmd.add_argument("--no-access-log", action="store_true", help="no line per request on stderr")
    o.lang(cmd, "the language of its lines on stderr (start, reload; answers take `lang`): a locale file's ({}) (default: English)")


def _log(cmd):
    cmd.add_argument("action", choices=["verify", "export"], help="verify: check the hash chain; export: write Parquet")
    o.log(cmd)
    cmd.add_argument("-o", "--output", help="export: the Parquet file to write")
    o.output_format(cmd, ["text", "json"])
    o.lang(cmd, _SAYS)


def _replay(cmd):
    cmd.add_argument("id", help="the log record's id (a response's Frist-Log-Id header)")
    o.log(cmd)
    o.policies(cmd, "the policy folder the decision was made with; changed versions are read from its git history")
    cmd.add_argument("--case", metavar="FILE", help="the case file, when the log keeps only its sha256")
    o.output_format(cmd, ["text", "json"])
    o.lang(cmd, _SAYS)


def _init(cmd):
    cmd.add_argument("folder", metavar="DIR", help="the new policy folder (must be new or empty)")
    cmd.add_argument("--process", action="append", metavar="NAME", help="a process policy to take (repeatable; default: every "
                     "process of the jurisdiction); the policies it uses come with it")
    cmd.add_argument("--jurisdiction", metavar="CODE", help="whose processes to take by default (default: the bundled catalog's default, NO)")
    o.lang(cmd, _SAYS)


def _fmt(cmd):
    cmd.add_argument("files", nargs="*", metavar="PATH",
                     help="policy and case files or folders of them (default: ./policies and ./tests/cases)")
    cmd.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is not formatted")
    o.lang(cmd, _SAYS)


_BLOCKED = {1: "the law forbids what the process proposed (the decision is blocked), or a rule cannot be evaluated"}

COMMANDS = (
    Command("validate", "check policy files and run their embedded examples",
            "Check policy files (schema, types, versions, the lock) and run the examples embedded in them. "
            "Without PATH, the catalog is ./policies when it exists, else the bundled one.",
            ("frin validate", "frin validate policies/kravia --format github", "frin validate --format json"),
            _validate, ".commands:validate",
            {1: "problems in policies: errors, failing examples, an unlocked or changed version",
             2: "--prove without its solver (" + install_line("prove") + "), or a bad --prove-bound"}),
    Command("decide", "decide a case's next action (JSON)",
            "Decide a case's next action and print the decision as JSON (schemas/decision.schema.json). " + _CATALOG,
            ("frin decide case.yaml --as-of 2026-03-02", "frin decide case.yaml --no-trace", "cat case.json | frin decide - --policy kravia"),
            _decide, ".commands:decide", _BLOCKED),
    Command("explain", "explain a decision for a person",
            "Explain a case's decision for a person: the rule that fired, the figures with their sources, "
            "and what was checked before it. " + _CATALOG,
            ("frin explain case.yaml --lang nb --format markdown", "frin explain case.yaml --why-not send_betalingsoppfordring"),
            _explain, ".commands:explain", _BLOCKED),
    Command("timeline", "project a case forward: every step, date, fee and total",
            "Project a case forward if nobody pays (or pays as --pays says): every step, date, fee and total.",
            ("frin timeline case.yaml", "frin timeline case.yaml --pays 500.00@2026-04-01 --format json"),
            _timeline, ".timeline:timeline"),
    Command("diff", "what changes between two policy versions, case by case",
            "Decide every case in a folder under two policy versions and show what changes.",
            ("frin diff kravia@2024-01-01 my-edit.yaml --cases tests/cases/kravia --format markdown",
             "frin diff HEAD:policies/kravia/2024-01-01.yaml policies/kravia/2024-01-01.yaml --cases cases/"),
            _diff, ".diff:diff", {1: "problems in policies, or (with --fail-on-change) a decision changed",
                                  2: "--prove without its solver (" + install_line("prove") + "), or a bad --prove-bound"}),
    Command("graph", "the escalation ladder as a graph (mermaid or dot)",
            "Draw a policy version's escalation ladder (Mermaid, Graphviz DOT, or JSON nodes and edges). " + _CATALOG,
            ("frin graph kravia", "frin graph egeninkasso --format dot | dot -Tsvg > ladder.svg",
             "frin graph kravia@2024-01-01 --format json"),
            _graph, ".review:graph"),
    Command("lock", "record the sha256 of every published version in policies.lock",
            "Record the sha256 of every published policy version in policies.lock; --check verifies it.",
            ("frin lock", "frin lock --check --format json", "frin lock --rewrite kravia@2024-01-01"),
            _lock, "..review.lock:lock_command",
            {1: "problems in policies, or (with --check) a version is unlocked, changed or back-dated"}),
    Command("new-version", "start a new version of a policy: copy the one in force, mark figures to update",
            "Start a new version of a policy: copy the version in force on DATE (every comment kept), set its "
            "`effective` date, and mark each figure due for review for a new value and source.",
            ("frin new-version no-regulation 2027-01-01", "frin new-version kravia 2027-07-01 --draft"),
            _new_version, ".review:new_version"),
    Command("test", "run the examples embedded in policy files (pytest-like summary)",
            "Run the examples embedded in policy files, report each like pytest, and measure rule coverage "
            "(which rules the examples fire).",
            ("frin test", "frin test policies/kravia -k tungt", "frin test --junit-xml report.xml --min-coverage 80",
             "frin test policies/kravia --prove",
             "frin test --format json"),
            _test, "..review.policy_tests:test",
            {1: "problems in policies, a failing example, coverage below --min-coverage, or a breach (--prove)",
             2: "--prove without its solver (" + install_line("prove") + "), or a bad --prove-bound"}),
    Command("batch", "decide many cases (Parquet, CSV or JSON Lines) with the columnar evaluator",
            "Decide every case in a Parquet, CSV or JSON Lines file with the columnar evaluator "
            "(needs the batch extra: pip install 'frist-inkasso[batch]'; see docs/batch.md). Formats follow the file "
            "suffix: .parquet, .csv, .jsonl; one decision per case is written to OUTPUT.",
            ("frin batch cases.parquet -o decisions.parquet --policy kravia --as-of 2026-03-02",
             "frin batch cases.jsonl -o decisions.jsonl --strict --format json"),
            _batch, ".batch:batch", {2: "invalid input or usage; with --strict, the first rejected row"}),
    Command("serve", "decide over HTTP, logging every decision; the case desk in a browser",
            "Serve decisions over HTTP (needs the serve extra: pip install 'frist-inkasso[serve]'; see docs/service.md): "
            "POST /v1/decide, /v1/explain, /v1/why-not, /v1/timeline; the case desk at /. The catalog must pass "
            "`frin lock --check`; every decision is appended to the decision log before it is answered. "
            "SIGHUP or POST /v1/reload loads the catalog again.",
            ("frin serve", "frin serve --log decisions.sqlite --log-case hash",
             "FRIST_SERVE_TOKEN=... frin serve --host 0.0.0.0 --log postgresql://frist@db/frist"),
            _serve, "..serve.command:serve",
            {1: "the catalog has problems or does not pass the lock", 2: "bad usage, no token for a non-loopback "
             "address, the log cannot be opened, or the serve extra is missing"},
            {**_LOG_ENV, "FRIST_LOG_CASE": "full or hash: whether the log keeps cases", "FRIST_SERVE_TOKEN":
             "the bearer token (when --token-file is not given)"}),
    Command("log", "check the decision log's hash chain, or export it as Parquet",
            "Check the decision log's hash chain (verify: the first broken record, exit 1), or export every "
            "record as Parquet (export -o FILE; needs the batch extra).",
            ("frin log verify --log decisions.sqlite", "frin log export -o decisions.parquet",
             "frin log verify --log postgresql://frist@db/frist --format json"),
            _log, "..audit.commands:log_command", {1: "verify: a record is broken (edited, removed or inserted)"},
            _LOG_ENV),
    Command("replay", "decide a logged decision again with its logged versions; identical or what differs",
            "Decide a logged case again with the versions and the jurisdiction file it was decided with (found by "
            "sha256 in the policy folder or its git history) and print identical, or each field that differs.",
            ("frin replay 0f6c…", "frin replay 0f6c… --log decisions.sqlite --format json",
             "frin replay 0f6c… --case case.json"),
            _replay, "..audit.commands:replay_command", {1: "the replayed decision differs from the logged one"},
            _LOG_ENV),
    Command("init", "start a policy folder of one's own from the bundled catalog",
            "Write a policy folder of one's own into DIR from the bundled catalog: the law, the chosen processes "
            "and their case corpus, the jurisdiction and locales, the schemas (for editors), policies.lock, a "
            "pre-commit config and a GitHub Actions workflow. Every command then works in DIR.",
            ("frin init my-policies", "frin init my-policies --process kravia --process egeninkasso"),
            _init, ".review:init", {2: "invalid usage: DIR is not empty, or an unknown policy or jurisdiction"}),
    Command("fmt", "format policy and case files (comments kept); --check for CI",
            "Rewrite policy and case files in one layout (two-space indents, list items under their key), keeping "
            "every comment and quote; the data never changes and published versions in policies.lock are left as "
            "they are. --check writes nothing and exits 1 when a file would change.",
            ("frin fmt", "frin fmt policies/kravia tests/cases/kravia", "frin fmt --check"),
            _fmt, ".review:fmt", {1: "with --check, a file is not formatted; or a file cannot be formatted"}),
)

_BY_NAME = {c.name: c for c in COMMANDS}


def _version(top: argparse.ArgumentParser) -> None:
    """`--version`, resolved only when asked for (importlib.metadata is not free)."""

    class Version(argparse.Action):
        def __call__(self, parser, namespace, values, option_string=None):
            from ..policy.catalog_source import BUNDLED
            print(f"{COMMAND} ({DISTRIBUTION}) {installed_version()} (policies: {BUNDLED})")
            parser.exit()

    top.add_argument("--version", nargs=0, action=Version, help="print the version and exit")


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "(not installed: a source checkout)"


def parser() -> argparse.ArgumentParser:
    """The command's argument parser, one subcommand per registry entry."""
    top = argparse.ArgumentParser(
        prog=COMMAND, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Rules-as-data for debt collection (Norway; the Netherlands and Sweden as data): versioned YAML policies, a typed rule "
                    "language, decisions that explain themselves. `frin COMMAND --help` for each command.",
        epilog="\n\n".join([_table("exit codes", EXIT_CODES, 6), _table("environment", ENVIRONMENT, 21)]))
    _version(top)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        cmd = sub.add_parser(command.name, help=command.help, description=textwrap.fill(command.description, 88),
                             epilog=command.epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
        command.options(cmd)
    return top


def handler(name: str):
    """The function that runs command `name`: `(args, stdout, stderr) -> ExitCode`."""
    import importlib
    module, _, function = _BY_NAME[name].handler.partition(":")
    return getattr(importlib.import_module(module, __package__), function)
