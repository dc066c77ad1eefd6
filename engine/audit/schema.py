"""The log's one schema and its migrations, the same SQL for SQLite and PostgreSQL.

Every column is TEXT or BIGINT, types both databases store and return unchanged, so a
record's hash reads the same from either (record.py). A migration is applied once, in a
transaction, and recorded in `frist_log_schema`; a log written by a newer frist (a version
this one does not know) is refused rather than written to.
"""
from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_TABLE", "INSERT", "SELECT", "LAST", "newest_known", "pending"]

SCHEMA_TABLE = ("CREATE TABLE IF NOT EXISTS frist_log_schema "
                "(version BIGINT PRIMARY KEY, applied TEXT NOT NULL)")

# (version, statements): append, never edit one that was released.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, (
        "CREATE TABLE decision_log ("
        " seq BIGINT PRIMARY KEY,"
        " id TEXT NOT NULL UNIQUE,"
        " time TEXT NOT NULL,"
        " source TEXT NOT NULL,"
        " case_sha256 TEXT NOT NULL,"
        " case_document TEXT,"
        " policy TEXT NOT NULL,"
        " versions TEXT NOT NULL,"
        " engine TEXT NOT NULL,"
        " as_of TEXT NOT NULL,"
        " request TEXT NOT NULL,"
        " decision TEXT NOT NULL,"
        " warnings TEXT NOT NULL,"
        " prev_hash TEXT NOT NULL,"
        " hash TEXT NOT NULL)",
        "CREATE INDEX decision_log_case ON decision_log (case_sha256)",
        "CREATE INDEX decision_log_time ON decision_log (time)",
    )),
    # What else decided a record (audit/inputs.py): the jurisdiction file, every version of the
    # bound policies, the holidays release. NULL in the records written before it.
    (2, (
        "ALTER TABLE decision_log ADD COLUMN inputs TEXT",
    )),
)

_COLUMNS = ("seq", "id", "time", "source", "case_sha256", "case_document", "policy", "versions", "engine", "as_of",
            "request", "decision", "warnings", "inputs", "prev_hash", "hash")

# Named parameters as `:name`; the PostgreSQL backend rewrites them to psycopg's `%(name)s`.
INSERT = (f"INSERT INTO decision_log ({', '.join(_COLUMNS)}) "
          f"VALUES ({', '.join(':' + c for c in _COLUMNS)})")
SELECT = f"SELECT {', '.join(_COLUMNS)} FROM decision_log"
LAST = "SELECT seq, hash FROM decision_log ORDER BY seq DESC LIMIT 1"


def newest_known() -> int:
    return MIGRATIONS[-1][0]


def pending(applied: set[int]) -> list[tuple[int, tuple[str, ...]]]:
    """The migrations still to apply; a log at a version this frist does not know is refused."""
    from ..core.names import DISTRIBUTION
    from .backend import LogUnavailable
    unknown = sorted(v for v in applied if v > newest_known())
    if unknown:
        raise LogUnavailable(f"the decision log is at schema version {unknown[-1]}, newer than this frist knows "
                             f"({newest_known()}): upgrade {DISTRIBUTION} before writing to it")
    return [(v, statements) for v, statements in MIGRATIONS if v not in applied]
