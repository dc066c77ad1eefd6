"""`frin replay ID`: decide a logged case again with the logged versions and compare.

The versions are found by their sha256 (history.py), placed over the policy folder as
candidates (each replacing the version of the same name and date, as `frin diff` does) and
the case is decided on the logged date with the logged options. The answer is `identical`, or
each field that differs with the logged value and today's.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import UsageError
from .record import Record, sha256_hex
from .backend import DecisionLog

__all__ = ["Replay", "replay", "differences"]


@dataclass
class Replay:
    record: Record
    sources: dict[str, str]                  # name@version → where its text was found
    differences: list[tuple[str, Any, Any]] = field(default_factory=list)   # (field, logged, replayed)

    @property
    def identical(self) -> bool:
        return not self.differences

    def to_json(self) -> dict:
        return {"id": self.record.id, "seq": self.record.seq, "policy": self.record.policy,
                "identical": self.identical, "versions_from": self.sources,
                "differences": [{"field": f, "logged": a, "replayed": b} for f, a, b in self.differences]}


def differences(logged: Any, replayed: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every leaf where two JSON values differ, by dotted path (list items as [i])."""
    if isinstance(logged, dict) and isinstance(replayed, dict):
        out = []
        for key in list(logged) + [k for k in replayed if k not in logged]:
            sub = f"{path}.{key}" if path else str(key)
            out += differences(logged.get(key, "<absent>"), replayed.get(key, "<absent>"), sub)
        return out
    if isinstance(logged, list) and isinstance(replayed, list) and len(logged) == len(replayed):
        return [d for i, (a, b) in enumerate(zip(logged, replayed)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if logged == replayed else [(path or "(whole)", logged, replayed)]


def _document(record: Record, case_file: str | None) -> bytes:
    if case_file is not None:
        data = Path(case_file).read_bytes()
        if sha256_hex(data) != record.case_sha256:
            raise UsageError(f"{case_file} is not the case logged in {record.id} (its sha256 differs)")
        return data
    if record.case_document is None:
        raise UsageError(f"record {record.id} keeps only the case's sha256 ({record.case_sha256[:12]}…): "
                         "pass the case file with --case FILE")
    return record.case_document.encode("utf-8")


def replay(log: DecisionLog, record_id: str, policies: str, case_file: str | None = None) -> Replay:
    from ..core.document import parse_document
    from ..core.source import Source
    from ..decide.decision import decide_case
    from ..policy.case import case_from_data
    from ..review.sources import candidate_catalog
    from ..values.time import parse_date
    from .history import version_text
    record = log.get(record_id)
    if record is None:
        raise UsageError(f"no record `{record_id}` in the decision log {log.address}")
    document = _document(record, case_file)
    versions = json.loads(record.versions)
    request = json.loads(record.request)
    sources = {}
    with tempfile.TemporaryDirectory(prefix="frist-replay-") as scratch:
        files = []
        for v in versions:
            text, where = version_text(policies, v["name"], v["sha256"])
            file = Path(scratch) / v["name"] / f"{v['version']}.yaml"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(text)
            files.append(file)
            sources[f"{v['name']}@{v['version']}"] = where
        catalog = candidate_catalog(policies, files)
        if record.source == "batch":
            from .batch_rows import decide_row_again
            again = decide_row_again(catalog, document, record.policy, record.as_of, bool(request.get("include_drafts")),
                                     bool(request.get("allow_stale")))
        else:
            doc = parse_document(Source(f"record {record.id}", document.decode("utf-8")))
            case = case_from_data(doc.data, f"record {record.id}", doc)
            again = decide_case(catalog, case, parse_date(record.as_of), record.policy,
                                bool(request.get("include_drafts")), fast=True,
                                allow_stale=bool(request.get("allow_stale"))).to_dict(include_trace=False)
    result = Replay(record, sources)
    result.differences = differences(json.loads(record.decision), again)
    return result
