"""`frin batch`: read cases in chunks, decide them, write decisions, rejects and a summary.

Every input row ends in exactly one place, decisions or rejects: each chunk is checked
for that (`_account`), and the summary states decided + rejected = input. Outputs are
written atomically (`sink.py`): on any failure, or a kill, the previous files stay as they
were. The progress bar is `tqdm` (stderr, off when stderr is not a terminal).

Exit codes: 0 all decided; 2 some rows rejected (they are in the rejects file) or bad
usage; 101 a row hit a bug (it is in the rejects file with the error; the other rows are
decided and written). With `--strict` the first rejected row stops the run, nothing written.
"""
from __future__ import annotations

import json
import time
from argparse import Namespace
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from ..core.errors import ExitCode

if TYPE_CHECKING:
    from ..batch.group import BatchReport

__all__ = ["batch", "BatchSummary"]


@dataclass
class BatchSummary:
    """What a run did, row by row accounted; `to_dict` is the `--format json` summary."""

    input: str
    output: str
    rejects_file: str
    rows: int = 0
    decided: int = 0
    rejected: int = 0
    problems: int = 0
    bugs: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    report: BatchReport | None = None   # per-case rows and why, warning counts

    @property
    def accounted(self) -> bool:
        return self.decided + self.rejected == self.rows

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.INTERNAL if self.bugs else ExitCode.INVALID_INPUT if self.rejected else ExitCode.OK

    def to_dict(self) -> dict:
        return {"input": self.input, "rows": self.rows, "decided": self.decided, "rejected": self.rejected,
                "problems": self.problems, "accounted": self.accounted, "output": self.output,
                "rejects": self.rejects_file,
                "actions": dict(sorted(self.actions.items(), key=lambda kv: (-kv[1], kv[0]))),
                "internal_errors": self.bugs, "seconds": round(self.seconds, 3), "exit_code": int(self.exit_code),
                **(self.report.to_dict() if self.report is not None else {})}

    def to_text(self, words: dict | None = None, number=str, text=str) -> str:
        """The summary for people, in `words` (a locale's `words.batch`; English where it has none);
        `text` writes an engine's English reason in the same language (the locale's messages pairs)."""
        def said(key: str, **values) -> str:
            return ((words or {}).get(key) or _SUMMARY[key]).format(**values)
        lines = [said("decided", n=self.decided, seconds=number(f"{self.seconds:.1f}"), output=self.output)]
        for action, count in self.to_dict()["actions"].items():
            lines.append(f"  {action:<32} {count:>10}")
        if self.rejected:
            lines.append(said("rejected", n=self.rejected, problems=self.problems, file=self.rejects_file))
        report = self.report
        if report is not None:
            if report.warnings:
                lines.append(said("warnings", rows=report.rows_with_warnings, n=report.warnings))
            for reason, count in report.per_case.items():
                first = ", ".join(map(str, sorted(report.per_case_rows.get(reason, []))))
                lines.append(said("per_case", n=count, rows=first + (", …" if count > 10 else ""), reason=text(reason)))
            for reason, count in report.law_per_row.items():
                lines.append(said("law_per_row", n=count, reason=text(reason)))
            if report.set_aside_columns:
                lines.append(said("set_aside_columns", n=report.set_aside_columns))
        if self.bugs:
            lines.append(said("bugs", n=self.bugs))
        lines.append(said("total", rows=self.rows, decided=self.decided, rejected=self.rejected))
        return "\n".join(lines)


# The summary's lines in English (a locale's `words.batch` in its language).
_SUMMARY = {
    "decided": "decided {n} case(s) in {seconds} s → {output}",
    "rejected": "rejected {n} row(s) ({problems} problem(s)) → {file}",
    "warnings": "{rows} decision(s) carry {n} warning(s) (column `warnings`)",
    "per_case": "decided per case: {n} row(s) (rows {rows}): {reason}",
    "law_per_row": "law judged per row: {n} row(s): {reason}",
    "set_aside_columns": "{n} row(s) had claims set aside (a set-aside reason), decided as columns without them",
    "bugs": "{n} row(s) hit an internal error (a bug; see the rejects file and please report it)",
    "total": "{rows} input row(s) = {decided} decided + {rejected} rejected",
}


def _account(chunk_rows: list[int], decided: list[int], rejected: set[int]) -> None:
    """Every row of the chunk decided or rejected, none both, none invented (else a bug: exit 101)."""
    given, done = set(chunk_rows), set(decided)
    if len(done) != len(decided) or done & rejected or (done | rejected) != given:
        raise AssertionError(f"batch accounting failed: {len(given)} row(s) in, {len(done)} decided, "
                             f"{len(rejected)} rejected, {len(done & rejected)} both, "
                             f"{len((done | rejected) - given)} unknown, {len(given - done - rejected)} lost")


def _rejects_path(args: Namespace) -> str:
    """`--rejects`, else the output's name with `.rejects.csv` for a `.csv` suffix, after any other
    (out.csv → out.rejects.csv, out.jsonl → out.jsonl.rejects.csv): runs into out.csv and out.jsonl
    never overwrite each other's rejects."""
    from pathlib import Path
    if args.rejects:
        return args.rejects
    output = Path(args.output)
    return str(output.with_suffix("") if output.suffix.lower() == ".csv" else output) + ".rejects.csv"


def _delimiter(args: Namespace) -> str:
    """`--delimiter` as one character (`\\t` or `tab` for a tab): a usage error otherwise."""
    from ..core.errors import UsageError
    text = getattr(args, "delimiter", None) or ","
    text = "\t" if text in ("\\t", "tab") else text
    if len(text) != 1 or text in "\"\r\n":
        raise UsageError(f"--delimiter must be one character (e.g. ';' or '\\t'), not `{text}`")
    return text


def _guard_lock(args: Namespace, stderr: TextIO) -> None:
    """The lock's guard (review/lock.py) over every policy of the catalog, before any row is decided."""
    from ..review.lock import guard_decisions
    from .options import checked_catalog
    catalog = checked_catalog([args.policies])
    guard_decisions(catalog, [p for p in [args.policies] if p], catalog.policies.names(),
                    logged=bool(getattr(args, "log", None)), stderr=stderr, lang=getattr(args, "lang", None))


def _opened_log(args: Namespace):
    """The decision log of `--log` (None without it)."""
    if not getattr(args, "log", None):
        return None
    from ..audit.commands import opened_log
    return opened_log(args.log, must_exist=False)


def _inputs(path: str, targets: list[str]) -> tuple[list, dict]:
    """The files to read and, for a folder, each one's `source` (batch/identity.py); a folder may
    not hold the outputs (a second run would read them as cases)."""
    from pathlib import Path

    from ..batch.identity import input_files, source_names
    from ..core.errors import UsageError
    if not Path(path).is_dir():
        return [path], {}
    for target in targets:
        if Path(path).resolve() in Path(target).resolve().parents:
            raise UsageError(f"`{target}` is inside the input folder `{path}`; write the results elsewhere")
    files = input_files(path)
    names = source_names([str(f) for f in files])
    return files, {f: names[str(f)] for f in files}


def batch(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import polars as pl
    from tqdm import tqdm

    from ..batch.api import INTERNAL, BatchReport, decide_table
    from ..batch.identity import SOURCE, with_source
    from ..batch.io import REJECT_COLUMNS, decision_sink, format_of, read_cases, rejects_sink
    from ..batch.layout import ROW, describe_reject
    from ..batch.sink import check_targets
    from ..core.errors import UsageError

    format_of(args.output)          # an unknown output format fails before any deciding
    rejects_file = _rejects_path(args)
    files, names = _inputs(args.input, [args.output, rejects_file])
    check_targets(files, {"--output": args.output, "--rejects": rejects_file})
    started = time.perf_counter()
    summary = BatchSummary(args.input, args.output, rejects_file, report=BatchReport())
    decisions, rejects = decision_sink(args.output), rejects_sink(rejects_file)
    if names:
        rejects.schema = {SOURCE: pl.String, **REJECT_COLUMNS}
    said: set[str] = set()

    def noticed(text: str) -> None:         # once per file, on stderr (stdout is the summary)
        if text not in said:
            said.add(text)
            print(f"note: {text}", file=stderr)
    bar = tqdm(desc="deciding", unit=" cases", file=stderr, disable=True if args.no_progress else None, leave=False)
    _guard_lock(args, stderr)
    log = _opened_log(args)
    try:
        for source, (chunk, read_rejects) in ((names.get(f), part) for f in files
                                              for part in read_cases(f, args.chunk_rows, ignore_unknown=args.ignore_unknown,
                                                                      delimiter=_delimiter(args), notice=noticed)):
            found = [pl.DataFrame(read_rejects, schema=REJECT_COLUMNS)] if read_rejects else []
            decided_rows: list[int] = []
            if chunk.height:
                decided, problems = decide_table(chunk, args.policy, args.as_of, args.policies, args.include_drafts,
                                                 ignore_unknown=args.ignore_unknown, report=summary.report,
                                                 allow_stale=getattr(args, "allow_stale", False), chunk_rows=args.chunk_rows)
                if decided.height:
                    if log is not None:     # logged before the decisions file is committed
                        from ..audit.batch_rows import log_rows
                        from ..core.names import COMMAND
                        log_rows(log, decided, chunk, {"endpoint": f"{COMMAND} batch", "input": args.input,
                                                       "policy": args.policy, "as_of": args.as_of,
                                                       "include_drafts": args.include_drafts,
                                                       "allow_stale": getattr(args, "allow_stale", False)},
                                 catalog=args.policies)
                    decided_rows = decided.get_column("row").to_list()
                    decisions.add(decided if source is None else with_source(decided, source))
                    for action, count in decided.group_by("action").len().iter_rows():
                        summary.actions[action] = summary.actions.get(action, 0) + count
                found.append(problems)
            found = [f for f in found if f.height]
            table = pl.concat(found).sort("row", maintain_order=True) if found else pl.DataFrame(schema=REJECT_COLUMNS)
            if table.height and args.strict:
                where = f" in `{source}`" if source is not None else ""
                raise UsageError(describe_reject(table.row(0, named=True)) + where
                                 + " (--strict: stopped at the first rejected row)")
            rejected = set(table.get_column("row").to_list())
            _account(chunk.get_column(ROW).to_list() + [r["row"] for r in read_rejects], decided_rows, rejected)
            rejects.add(table if source is None else with_source(table, source))
            summary.rows += len(decided_rows) + len(rejected)
            summary.decided += len(decided_rows)
            summary.rejected += len(rejected)
            summary.problems += table.height
            summary.bugs += table.filter(pl.col("problem").str.starts_with(INTERNAL)).get_column("row").n_unique()
            bar.update(len(decided_rows) + len(rejected))
        decisions.commit()
        rejects.commit()          # also when empty: a previous run's rejects never stay behind
    finally:
        bar.close()
        decisions.discard()
        rejects.discard()
        if log is not None:
            log.close()
    summary.seconds = time.perf_counter() - started
    if getattr(args, "format", "text") == "json":
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2), file=stdout)
    else:
        from ..core.diagnostics import printable
        from ..explain.diagnostic_words import locale_words
        words = locale_words([args.policies], getattr(args, "lang", None), stderr)
        batch_words = words.locale.words.get("batch") if words is not None else None
        print(printable(summary.to_text(batch_words, words.number if words is not None else str,
                                        words.text if words is not None else str)), file=stdout)
    return summary.exit_code
