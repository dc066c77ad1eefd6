"""What every decision log backend offers, and the error it raises when it cannot.

A backend that cannot take a record (the database is down, the disk is full) raises
`LogUnavailable`: the caller refuses the decision rather than answering unlogged.
"""
from __future__ import annotations

from typing import Callable, Iterator, Protocol

from ..core.errors import FristError
from .record import Record

__all__ = ["DecisionLog", "LogUnavailable", "is_postgres", "DEFAULT_LOG"]

from ..core.names import DEFAULT_LOG  # noqa: E402  (one place: `frin init` ignores it in git)


class LogUnavailable(FristError):
    """The log cannot take or give records now (down, full, locked): retry later, nothing was decided."""


class DecisionLog(Protocol):
    address: str

    def append(self, make: Callable[[int, str], Record]) -> Record:
        """Append `make(seq, prev_hash)` after the last record, atomically with reading the last."""

    def append_all(self, makes: list[Callable[[int, str], Record]]) -> list[Record]:
        """Append each `make(seq, prev_hash)` in order, in one transaction: all or none."""

    def records(self, after: int = 0) -> Iterator[Record]:
        """Every record with seq > after, in chain order."""

    def get(self, record_id: str) -> Record | None: ...

    def ping(self) -> None:
        """Raise LogUnavailable unless the log answers now."""

    def close(self) -> None: ...


def is_postgres(address: str) -> bool:
    return address.startswith(("postgresql://", "postgres://"))
