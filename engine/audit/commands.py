"""`frin log verify`, `frin log export` and `frin replay`: the log's commands.

Each opens the log named by `--log` (else FRIST_LOG, else ./frist-decisions.sqlite) and
never creates one that is not there: a mistyped path is an error, not an empty log that
verifies.
"""
from __future__ import annotations

import json
import os
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..core.errors import ExitCode, UsageError
from ..core.names import COMMAND

if TYPE_CHECKING:
    from ..explain.command_words import CommandWords
    from .backend import DecisionLog

__all__ = ["log_command", "replay_command", "LOG_ENV", "log_address", "opened_log"]

LOG_ENV = "FRIST_LOG"


def log_address(given: str | None) -> str:
    from .backend import DEFAULT_LOG
    return given or os.environ.get(LOG_ENV) or DEFAULT_LOG


def opened_log(given: str | None, must_exist: bool = True) -> DecisionLog:
    from .backend import is_postgres
    from .store import open_log
    address = log_address(given)
    if must_exist and not is_postgres(address) and not Path(address).is_file():
        raise UsageError(f"no decision log at {address} (--log PATH or a postgresql:// URL; {LOG_ENV})")
    return open_log(address)


def _words(args: Namespace, section: str, english: dict, stderr: TextIO) -> CommandWords:
    """`--lang`'s words for the log's commands: the locale files of ./policies (or --policies) and the bundled ones."""
    from ..explain.command_words import command_words
    folder = getattr(args, "policies", None) or "policies"
    return command_words(section, english, getattr(args, "lang", None), [folder] if Path(folder).is_dir() else [], stderr)


def log_command(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    said = _words(args, "log", _LOG, stderr)
    log = opened_log(args.log)
    try:
        if args.action == "verify":
            from .chain import verify_chain
            verdict = verify_chain(log.records())
            if args.format == "json":
                print(json.dumps({"log": log.address, **verdict.to_json()}, indent=2), file=stdout)
            elif verdict.ok:
                print(said("ok", n=said.number(verdict.records), log=log.address,
                           hash=verdict.last_hash or said("empty")), file=stdout)
            else:
                assert verdict.broken_seq is not None     # not ok: a broken record
                print(said("broken", seq=verdict.broken_seq, id=verdict.broken_id, log=log.address,
                           reason=said.text(verdict.reason), held=verdict.broken_seq - 1), file=stdout)
            return ExitCode.OK if verdict.ok else ExitCode.PROBLEMS
        if not args.output:
            raise UsageError(f"`{COMMAND} log export` needs -o FILE.parquet")
        from .export import export_parquet
        count = export_parquet(log, args.output)
        if args.format == "json":
            print(json.dumps({"log": log.address, "output": args.output, "records": count}, indent=2), file=stdout)
        else:
            print(said("exported", n=said.number(count), log=log.address, output=args.output), file=stdout)
        return ExitCode.OK
    finally:
        log.close()


# What `frin log` prints, in English (a locale's `words.log` in its language).
_LOG = {
    "ok": "ok: {n} record(s) in {log}; the chain holds; last hash {hash}", "empty": "(none: the log is empty)",
    "broken": "BROKEN: record {seq} (id {id}) in {log}: {reason}; the {held} record(s) before it hold",
    "exported": "exported {n} record(s) from {log} → {output}",
}


def replay_command(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .replay import replay
    said = _words(args, "replay", _REPLAY, stderr)
    log = opened_log(args.log)
    try:
        result = replay(log, args.id, args.policies, args.case)
    finally:
        log.close()
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False), file=stdout)
        return ExitCode.OK if result.identical else ExitCode.PROBLEMS
    for note in result.notes:
        print(said("note", note=said.text(note)), file=stderr)
    record = result.record
    if result.identical:
        print(said("identical", id=record.id, policy=record.policy, day=said.date(record.as_of)), file=stdout)
    else:
        print(said("different", id=record.id, policy=record.policy, day=said.date(record.as_of),
                   n=len(result.differences)), file=stdout)
        for name, logged, now in result.differences:
            print(said("field", field=name, logged=json.dumps(logged, ensure_ascii=False),
                       replayed=json.dumps(now, ensure_ascii=False)), file=stdout)
    return ExitCode.OK if result.identical else ExitCode.PROBLEMS


# What `frin replay` prints, in English (a locale's `words.replay` in its language).
_REPLAY = {
    "note": "note: {note}",
    "identical": "identical: record {id} ({policy}, as of {day}) decides the same with the logged versions and files",
    "different": "DIFFERENT: record {id} ({policy}, as of {day}), {n} field(s):",
    "field": "  {field}: logged {logged}, replayed {replayed}",
}
