"""Checking the chain: every record's hash is of its own columns and names the record before.

A record edited after it was written no longer matches its hash; a record deleted or inserted
breaks the next one's `prev_hash` or the sequence; the check reports the first such record,
so everything before it is known to be as written.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .record import GENESIS, Record, record_hash

__all__ = ["Verdict", "verify_chain"]


@dataclass(frozen=True)
class Verdict:
    records: int                    # records read, up to and including the first broken one
    broken_seq: int | None = None   # the first broken record's position (None: the chain holds)
    broken_id: str | None = None
    reason: str | None = None
    last_hash: str | None = None    # the hash of the last record that holds: keep it elsewhere to anchor the chain

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def to_json(self) -> dict:
        return {"ok": self.ok, "records": self.records, "last_hash": self.last_hash, "first_broken": None if self.ok else
                {"seq": self.broken_seq, "id": self.broken_id, "reason": self.reason}}


def verify_chain(records: Iterable[Record]) -> Verdict:
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for record in records:
        count += 1
        reason = None
        if record.seq != expected_seq:
            reason = f"record {expected_seq} is missing: the next one is {record.seq}"
        elif record.prev_hash != prev_hash:
            reason = "its prev_hash is not the hash of the record before it (a record was removed or replaced)"
        elif record_hash(record.as_row()) != record.hash:
            reason = "its content does not match its hash (the record was edited after it was written)"
        if reason:
            return Verdict(count, record.seq, record.id, reason, None if prev_hash == GENESIS else prev_hash)
        prev_hash, expected_seq = record.hash, record.seq + 1
    return Verdict(count, last_hash=None if prev_hash == GENESIS else prev_hash)
