"""Group commit: the appends that arrive while one commit runs are written by the next, together.

Each record must be on disk before its decision is answered, and a commit costs one fsync
(milliseconds on a real disk) however many records it holds. So concurrent appenders queue
their records; whichever finds no commit running becomes the leader, takes everything queued,
writes it in one transaction and wakes the others, each of which returns its own record (or
the error that failed the transaction: then none of that group was written). One appender
alone commits at once, as without grouping.
"""
from __future__ import annotations

import threading
from typing import Callable

from .record import Record

__all__ = ["GroupCommit"]


class _Ticket:
    __slots__ = ("make", "record", "error", "done")

    def __init__(self, make: Callable[[int, str], Record]) -> None:
        self.make = make
        self.record: Record | None = None
        self.error: BaseException | None = None
        self.done = False


class GroupCommit:
    def __init__(self, append_all: Callable[[list], list[Record]], max_group: int = 256) -> None:
        self._append_all = append_all
        self._max_group = max_group
        self._cond = threading.Condition()
        self._queue: list[_Ticket] = []
        self._writing = False

    def append(self, make: Callable[[int, str], Record]) -> Record:
        ticket = _Ticket(make)
        with self._cond:
            self._queue.append(ticket)
            while not ticket.done:
                if self._writing:
                    self._cond.wait()
                    continue
                group, self._queue = self._queue[:self._max_group], self._queue[self._max_group:]
                self._writing = True
                self._cond.release()
                try:
                    records = self._append_all([t.make for t in group])
                    for t, record in zip(group, records):
                        t.record = record
                except BaseException as err:  # noqa: BLE001 - every appender of the group gets the failure
                    for t in group:
                        t.error = err
                finally:
                    self._cond.acquire()
                    self._writing = False
                    for t in group:
                        t.done = True
                    self._cond.notify_all()
        if ticket.error is not None:
            raise ticket.error
        assert ticket.record is not None          # done without an error: the leader gave it its record
        return ticket.record
