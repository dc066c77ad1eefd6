"""The shared decision log: PostgreSQL (psycopg 3), for several service replicas on one database.

The schema and migrations are SQLite's (schema.py). Replicas append to one chain: each append
takes a transaction-scoped advisory lock, reads the last record and inserts the next, so two
replicas never chain onto the same record; the commit happens before the decision is answered.
Connections come from a psycopg_pool pool that checks a connection before lending it, so after
a database restart the first requests fail with `LogUnavailable` (the service answers 503) and
the next ones reconnect, without restarting the service.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterator

from .backend import LogUnavailable
from .group_commit import GroupCommit
from .record import GENESIS, Record
from .schema import INSERT, LAST, SCHEMA_TABLE, SELECT, pending

__all__ = ["PostgresLog"]

_LOCK_KEY = 0x46524953          # "FRIS": the advisory lock every replica's append takes
CONNECT_TIMEOUT_S = 5
POOL_TIMEOUT_S = 2.0          # the longest a request waits for a connection: then 503, not a hang


def _pg(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s`."""
    return re.sub(r":([a-z_][a-z0-9_]*)", r"%(\1)s", sql)


class PostgresLog:
    def __init__(self, address: str, pool_size: int = 4) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool
        self.address = _shown(address)        # for messages: never the password
        from psycopg_pool import PoolTimeout
        self._errors: tuple[type[BaseException], ...] = (psycopg.Error, OSError, PoolTimeout)
        try:
            psycopg.connect(address, connect_timeout=CONNECT_TIMEOUT_S).close()   # fails at once, saying why
            self._pool = ConnectionPool(address, min_size=1, max_size=pool_size, timeout=POOL_TIMEOUT_S,
                                        kwargs={"connect_timeout": CONNECT_TIMEOUT_S},
                                        check=ConnectionPool.check_connection, open=False)
            self._pool.open(wait=True, timeout=POOL_TIMEOUT_S + CONNECT_TIMEOUT_S)
            self._migrate()
            self._group = GroupCommit(self.append_all)
        except self._errors as err:
            self._close_quietly()
            raise LogUnavailable(f"cannot open the decision log {_shown(address)}: {err}") from None

    def _migrate(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            conn.execute(SCHEMA_TABLE)
            applied = {row[0] for row in conn.execute("SELECT version FROM frist_log_schema")}
            for version, statements in pending(applied):
                for statement in statements:
                    conn.execute(statement)
                conn.execute("INSERT INTO frist_log_schema VALUES (%s, %s)",
                             (version, dt.datetime.now(dt.timezone.utc).isoformat()))

    def append(self, make: Callable[[int, str], Record]) -> Record:
        """Committed before it returns; appends that arrive together share one commit (group_commit.py)."""
        return self._group.append(make)

    def append_all(self, makes: list[Callable[[int, str], Record]]) -> list[Record]:
        try:
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                last = conn.execute(LAST).fetchone()
                seq, prev = last if last else (0, GENESIS)
                out = []
                with conn.cursor() as cur:
                    for make in makes:
                        record = make(seq + 1, prev)
                        cur.execute(_pg(INSERT), record.as_row())
                        out.append(record)
                        seq, prev = record.seq, record.hash
            return out
        except self._errors as err:
            raise LogUnavailable(f"cannot append to the decision log {self.address}: "
                                 f"{type(err).__name__}: {err}") from None

    def records(self, after: int = 0) -> Iterator[Record]:
        try:
            with self._pool.connection() as conn:
                with conn.cursor(name="frist_log_read") as cur:      # server-side: a long log is streamed
                    cur.execute(SELECT + " WHERE seq > %s ORDER BY seq", (after,))
                    for row in cur:
                        yield Record(*row)
        except self._errors as err:
            raise LogUnavailable(f"cannot read the decision log {self.address}: {err}") from None

    def get(self, record_id: str) -> Record | None:
        try:
            with self._pool.connection() as conn:
                row = conn.execute(SELECT + " WHERE id = %s", (record_id,)).fetchone()
        except self._errors as err:
            raise LogUnavailable(f"cannot read the decision log {self.address}: {err}") from None
        return Record(*row) if row else None

    def ping(self) -> None:
        try:
            with self._pool.connection() as conn:
                conn.execute("SELECT 1").fetchone()
        except self._errors as err:
            raise LogUnavailable(f"the decision log {self.address} does not answer: {err}") from None

    def close(self) -> None:
        self._close_quietly()

    def _close_quietly(self) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None:
            try:
                pool.close()
            except Exception:  # noqa: BLE001 - closing a pool whose server is gone
                pass


def _shown(address: str) -> str:
    """The address without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", address)
