"""Output files of `frin batch` that appear whole or not at all, and never over an input.

A run writes each output (decisions, rejects; any further table a later feature adds) to
a `TableSink`: chunks go to Parquet parts in a hidden scratch folder *next to the target*,
and only `commit()` turns them into the target's format in a temporary file in the same
folder, then `os.replace`s it over the target (atomic on one file system). A run that is
killed or fails leaves the previous target untouched and no half-written file that looks
complete. `check_targets` refuses, before any deciding, a target that is an input or
another target, a missing or unwritable folder, or a directory in place of a file.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable

import polars as pl

from ..core.atomic import replace_atomically
from ..core.errors import UsageError

__all__ = ["TableSink", "check_targets"]


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file (hard links and symlinks included)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_targets(inputs: Iterable[str | Path], targets: dict[str, str | Path]) -> None:
    """Refuse targets that would destroy an input or each other, or that cannot be written.

    `targets` maps what a file is for (`--output`, `--rejects`) to its path.
    """
    ins = [Path(p) for p in inputs]
    seen: dict[Path, str] = {}
    for what, raw in targets.items():
        path = Path(raw)
        resolved = path.resolve()
        for source in ins:
            if resolved == source.resolve() or _same(path, source):
                raise UsageError(f"{what} `{raw}` is the input file; write the result to another file")
        if resolved in seen:
            raise UsageError(f"{what} `{raw}` is also the {seen[resolved]} file; give them different paths")
        seen[resolved] = what
        if path.is_dir():
            raise UsageError(f"{what} `{raw}` is a directory; give a file name inside it")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise UsageError(f"{what} `{raw}`: folder `{folder}` does not exist; create it first")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(f"{what} `{raw}`: folder `{folder}` is not writable")
        if path.exists() and not path.is_file():
            raise UsageError(f"{what} `{raw}` exists and is not a regular file")


class TableSink:
    """Collects frames chunk by chunk (bounded memory) and writes one file on `commit`.

    `kind` is parquet, csv or jsonl; `to_json` turns one row (a dict) into the JSON object
    written per line (default: the row itself).
    """

    def __init__(self, path: str | Path, kind: str, to_json: Callable[[dict], dict] | None = None,
                 schema: dict | None = None) -> None:
        self.path = Path(path)
        self.kind = kind
        self.to_json = to_json
        self.schema = schema            # the columns of an empty result (no part written)
        self.rows = 0
        self._parts: list[Path] = []
        self._scratch: Path | None = None

    def add(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".parts",
                                                  dir=self.path.parent if str(self.path.parent) else "."))
        part = self._scratch / f"{len(self._parts):06d}.parquet"
        frame.write_parquet(part)
        self._parts.append(part)
        self.rows += frame.height

    def commit(self) -> None:
        """Write the target from the parts (an empty table with `schema` when there are none)."""
        try:
            replace_atomically(self.path, self._write)
        finally:
            self.discard()

    def _write(self, temp: Path) -> None:
        if self.kind == "jsonl":
            with open(temp, "w", encoding="utf-8") as handle:
                for part in self._parts:
                    for row in pl.read_parquet(part).iter_rows(named=True):
                        out = self.to_json(row) if self.to_json else row
                        handle.write(json.dumps(out, ensure_ascii=False, default=str) + "\n")
            return
        if self._parts:
            lazy = pl.concat([pl.scan_parquet(p) for p in self._parts], how="diagonal_relaxed")
        else:
            lazy = pl.LazyFrame(schema=self.schema or {})
        if self.kind == "parquet":
            lazy.sink_parquet(temp)
        else:
            lazy.sink_csv(temp)

    def discard(self) -> None:
        """Remove the scratch parts (the target is never touched here)."""
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        self._parts = []
