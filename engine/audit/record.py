"""One log record: its fields, as stored, and the hash that chains it to the record before.

The hash is taken over the stored text of every column (canonical JSON of them, keys sorted),
so verifying a record needs no parsing of its JSON columns and reads the same from SQLite and
PostgreSQL. The case is hashed as the bytes of the document that was decided (a request body,
a case file): a collector can `sha256sum` the file it sent and find its decisions.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from ..core.names import DISTRIBUTION

__all__ = ["Record", "GENESIS", "COLUMNS", "canonical", "sha256_hex", "new_record", "record_hash", "engine_version",
           "CASE_MODES"]

GENESIS = "0" * 64          # the `prev_hash` of the first record
CASE_MODES = ("full", "hash")   # keep the case document, or only its sha256 (cases hold personal data)


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: one text for one value, whichever backend stored it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class Record:
    """A row of `decision_log`; the JSON columns are kept as the text stored."""

    seq: int                    # position in the chain, 1, 2, 3, … without gaps
    id: str                     # a UUID, what a response and `frin replay` name
    time: str                   # UTC, ISO 8601 with microseconds
    source: str                 # serve, decide or batch
    case_sha256: str
    case_document: str | None   # the document decided (None: the log keeps hashes only)
    policy: str                 # the deciding version, name@effective
    versions: str               # JSON: [{name, version, sha256}] of every bound version, main first
    engine: str                 # frist's version
    as_of: str
    request: str                # JSON: the options that decided it (policy override, include_drafts, …)
    decision: str               # JSON: the decision without its trace (schemas/decision.schema.json)
    warnings: str               # JSON: the decision's warnings
    inputs: str | None          # JSON: what else decided it (inputs.py); None in records from before schema 2
    prev_hash: str
    hash: str

    def as_row(self) -> dict:
        return asdict(self)

    def json_field(self, name: str) -> Any:
        return json.loads(getattr(self, name))


COLUMNS = tuple(Record.__dataclass_fields__)


def record_hash(fields: dict) -> str:
    """The sha256 of a record's stored columns other than `hash` (which includes `prev_hash`).

    `inputs` (schema 2) counts only when present, so a record written before it still verifies."""
    return sha256_hex(canonical({k: fields[k] for k in COLUMNS
                                 if k != "hash" and not (k == "inputs" and fields[k] is None)}))


@lru_cache(maxsize=1)
def engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return f"{DISTRIBUTION} {version(DISTRIBUTION)}"
    except PackageNotFoundError:
        return f"{DISTRIBUTION} (source checkout)"


def new_record(seq: int, prev_hash: str, *, source: str, document: bytes, keep_case: bool, decision: dict,
               request: dict, inputs: dict | None = None) -> Record:
    """The record that follows `prev_hash` for `decision` (a decision's JSON without trace);
    `inputs`: what else decided it (inputs.py), None when the caller had no catalog to tell."""
    policy = decision["policy"]
    versions = [{"name": policy["name"], "version": policy["version"], "sha256": policy["sha256"]}]
    versions += [{"name": u["name"], "version": u["version"], "sha256": u["sha256"]} for u in policy["uses"]]
    fields = {
        "seq": seq, "id": str(uuid.uuid4()), "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds"),
        "source": source, "case_sha256": sha256_hex(document),
        "case_document": document.decode("utf-8") if keep_case else None,
        "policy": f"{policy['name']}@{policy['version']}", "versions": canonical(versions),
        "engine": engine_version(), "as_of": decision["as_of"], "request": canonical(request),
        "decision": canonical(decision), "warnings": canonical(decision.get("warnings", [])),
        "inputs": None if inputs is None else canonical(inputs), "prev_hash": prev_hash,
    }
    fields["hash"] = record_hash(fields)
    return Record(**fields)
