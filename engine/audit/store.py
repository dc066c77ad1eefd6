"""Opening a decision log by its address.

`open_log("decisions.sqlite")` is the embedded default (one SQLite file); an address starting
`postgresql://` or `postgres://` is a PostgreSQL database shared by several service replicas.
"""
from __future__ import annotations

from typing import Any

from .backend import DecisionLog, is_postgres

__all__ = ["open_log"]


def open_log(address: str, **options: Any) -> DecisionLog:
    """The log at `address` (a file path, or a PostgreSQL URL), its schema migrated to this frist's."""
    if is_postgres(address):
        from .postgres_log import PostgresLog
        return PostgresLog(address, **options)
    from .sqlite_log import SqliteLog
    return SqliteLog(address, **options)
