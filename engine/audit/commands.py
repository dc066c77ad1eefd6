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


def log_command(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    log = opened_log(args.log)
    try:
        if args.action == "verify":
            from .chain import verify_chain
            verdict = verify_chain(log.records())
            if args.format == "json":
                print(json.dumps({"log": log.address, **verdict.to_json()}, indent=2), file=stdout)
            elif verdict.ok:
                print(f"ok: {verdict.records} record(s) in {log.address}; the chain holds; last hash "
                      f"{verdict.last_hash or '(none: the log is empty)'}", file=stdout)
            else:
                assert verdict.broken_seq is not None     # not ok: a broken record
                print(f"BROKEN: record {verdict.broken_seq} (id {verdict.broken_id}) in {log.address}: "
                      f"{verdict.reason}; the {verdict.broken_seq - 1} record(s) before it hold", file=stdout)
            return ExitCode.OK if verdict.ok else ExitCode.PROBLEMS
        if not args.output:
            raise UsageError(f"`{COMMAND} log export` needs -o FILE.parquet")
        from .export import export_parquet
        count = export_parquet(log, args.output)
        if args.format == "json":
            print(json.dumps({"log": log.address, "output": args.output, "records": count}, indent=2), file=stdout)
        else:
            print(f"exported {count} record(s) from {log.address} → {args.output}", file=stdout)
        return ExitCode.OK
    finally:
        log.close()


def replay_command(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .replay import replay
    log = opened_log(args.log)
    try:
        result = replay(log, args.id, args.policies, args.case)
    finally:
        log.close()
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False), file=stdout)
        return ExitCode.OK if result.identical else ExitCode.PROBLEMS
    for note in result.notes:
        print(f"note: {note}", file=stderr)
    if result.identical:
        print(f"identical: record {result.record.id} ({result.record.policy}, as of {result.record.as_of}) "
              f"decides the same with the logged versions and files", file=stdout)
    else:
        print(f"DIFFERENT: record {result.record.id} ({result.record.policy}, as of {result.record.as_of}), "
              f"{len(result.differences)} field(s):", file=stdout)
        for name, logged, now in result.differences:
            print(f"  {name}: logged {json.dumps(logged, ensure_ascii=False)}, "
                  f"replayed {json.dumps(now, ensure_ascii=False)}", file=stdout)
    return ExitCode.OK if result.identical else ExitCode.PROBLEMS
