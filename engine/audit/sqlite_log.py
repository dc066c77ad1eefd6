"""The embedded decision log: one SQLite file in WAL mode.

WAL lets readers (`frin log verify`, `export`) run while the service appends; `synchronous
= FULL` makes a commit durable before the decision is answered, so a kill -9 or a power cut
loses no acknowledged decision. Appends are serialised by `BEGIN IMMEDIATE` (across processes:
`frin decide --log` beside a running service) and by a lock within this one. SQLite's own
"database or disk is full" becomes `LogUnavailable`: the decision is refused, not answered.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterator

from .backend import LogUnavailable
from .group_commit import GroupCommit
from .record import GENESIS, Record
from .schema import INSERT, LAST, SCHEMA_TABLE, SELECT, pending

__all__ = ["SqliteLog"]

BUSY_TIMEOUT_S = 10.0


class SqliteLog:
    def __init__(self, address: str, max_pages: int | None = None) -> None:
        self.address = str(Path(address))
        try:
            Path(self.address).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.address, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            if max_pages is not None:          # a size cap: what a full disk does, reproducibly (tests)
                self._db.execute(f"PRAGMA max_page_count={int(max_pages)}")
            self._lock = threading.Lock()
            self._migrate()
            self._group = GroupCommit(self.append_all)
        except (sqlite3.Error, OSError) as err:
            raise LogUnavailable(f"cannot open the decision log {self.address}: {err}") from None

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(SCHEMA_TABLE)
                applied = {row[0] for row in self._db.execute("SELECT version FROM frist_log_schema")}
                for version, statements in pending(applied):
                    for statement in statements:
                        self._db.execute(statement)
                    self._db.execute("INSERT INTO frist_log_schema VALUES (?, ?)",
                                     (version, dt.datetime.now(dt.timezone.utc).isoformat()))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def append(self, make: Callable[[int, str], Record]) -> Record:
        """Committed before it returns; appends that arrive together share one commit (group_commit.py)."""
        return self._group.append(make)

    def append_all(self, makes: list[Callable[[int, str], Record]]) -> list[Record]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise LogUnavailable(f"the decision log {self.address} is busy or unwritable: {err}") from None
            try:
                last = self._db.execute(LAST).fetchone()
                seq, prev = last if last else (0, GENESIS)
                out = []
                for make in makes:
                    record = make(seq + 1, prev)
                    self._db.execute(INSERT, record.as_row())
                    out.append(record)
                    seq, prev = record.seq, record.hash
                self._db.execute("COMMIT")
                return out
            except sqlite3.Error as err:
                self._rollback()
                raise LogUnavailable(f"cannot append to the decision log {self.address}: {err}") from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass                # no transaction open: the failed statement ended it

    def records(self, after: int = 0) -> Iterator[Record]:
        reader = sqlite3.connect(Path(self.address).resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            for row in reader.execute(SELECT + " WHERE seq > ? ORDER BY seq", (after,)):
                yield Record(*row)
        finally:
            reader.close()

    def get(self, record_id: str) -> Record | None:
        with self._lock:
            row = self._db.execute(SELECT + " WHERE id = ?", (record_id,)).fetchone()
        return Record(*row) if row else None

    def ping(self) -> None:
        try:
            with self._lock:
                self._db.execute("SELECT 1 FROM decision_log LIMIT 1").fetchall()
        except sqlite3.Error as err:
            raise LogUnavailable(f"the decision log {self.address} does not answer: {err}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

