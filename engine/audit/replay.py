"""`frin replay ID`: decide a logged case again with what decided it and compare.

What decided it is the logged versions and, in a record with `inputs` (inputs.py), every
version the bound policies had and the jurisdiction file. Each text is found by its sha256 in
the policy folder or its git history (history.py), written to a scratch folder that stands in
for today's files (a logged version replaces the version of the same name and label; a bound
policy's versions that were not there then are left out; the logged jurisdiction file is found
before today's), and the case is decided on the logged date with the logged options. The
answer is `identical`, or each field that differs with the logged value and today's; a text
that cannot be found is an error naming it and what changed.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.diagnostics import Diagnostic
from ..core.errors import CaseError, UsageError
from .backend import DecisionLog
from .record import Record, sha256_hex

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["Replay", "replay", "differences"]


@dataclass
class Replay:
    record: Record
    sources: dict[str, str]                  # name@version (or `jurisdiction CODE`) → where its text was found
    differences: list[tuple[str, Any, Any]] = field(default_factory=list)   # (field, logged, replayed)
    notes: list[str] = field(default_factory=list)      # what could not be as logged (old record, holidays release)

    @property
    def identical(self) -> bool:
        return not self.differences

    def to_json(self) -> dict:
        return {"id": self.record.id, "seq": self.record.seq, "policy": self.record.policy,
                "identical": self.identical, "versions_from": self.sources, "notes": self.notes,
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


def _label_of(file: Path) -> tuple[str, str] | None:
    """(policy, label) as written in a policy file, or None when unreadable."""
    from ..core.document import load_document
    doc = load_document(file, str(file))
    if isinstance(doc, Diagnostic) or not isinstance(doc.data, dict):
        return None
    return str(doc.data.get("policy")), str(doc.data.get("effective")) + ("-draft" if doc.data.get("status") == "draft" else "")


def _logged_catalog(record: Record, policies: str, scratch: Path, sources: dict, notes: list) -> Catalog:
    """The policy folder as the record was decided with: the logged versions (and, with `inputs`,
    every logged version of each bound policy and the jurisdiction file) in place of today's."""
    from ..check.pipeline import load_catalog
    from ..core.errors import PolicyError
    from ..policy.jurisdiction import FOLDER
    from ..policy.jurisdiction_files import data_folders
    from ..policy.loader import find_policy_files
    from .history import data_file_text, version_text
    from .inputs import holidays_release
    inputs = json.loads(record.inputs) if record.inputs else None
    if inputs is not None:
        wanted = {(name, label): sha for name, labels in inputs["versions"].items() for label, sha in labels.items()}
        complete = set(inputs["versions"])         # every version these policies had: no other of theirs counts
    else:
        wanted = {(v["name"], v["version"]): v["sha256"] for v in json.loads(record.versions)}
        complete = set()
        notes.append("the record was written before frist logged a decision's inputs: replayed with today's "
                     "jurisdiction file and today's other versions of the bound policies")
    files = []
    for (name, label), sha in wanted.items():
        text, where = version_text(policies, name, sha, label)
        file = scratch / name / f"{label}.yaml"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(text)
        files.append(file)
        sources[f"{name}@{label}"] = where
    for folder in (FOLDER, "locales"):             # found first (data_folders), and nothing above the scratch folder
        (scratch / folder).mkdir(exist_ok=True)
    if inputs is not None and inputs.get("jurisdiction"):
        code, sha = inputs["jurisdiction"]["code"], inputs["jurisdiction"]["sha256"]
        text, where = data_file_text(data_folders([policies]), code, sha, "jurisdiction file")
        (scratch / FOLDER / f"{code}.yaml").write_bytes(text)
        sources[f"jurisdiction {code}"] = where
    if inputs is not None and inputs["calendar"]["release"] != holidays_release():
        notes.append(f"the public holidays come from holidays {holidays_release()} here; the decision was made "
                     f"with holidays {inputs['calendar']['release']} (pip install 'holidays=={inputs['calendar']['release']}' "
                     "to replay with the same calendars)")
    logged = set(wanted)
    kept = []
    for file in find_policy_files([policies])[0] if Path(policies).exists() else []:
        identity = _label_of(file)
        if identity is None or (identity not in logged and identity[0] not in complete):
            kept.append(file)
    catalog, problems = load_catalog([*files, *kept])       # the scratch folder's jurisdictions/ first
    mine = {str(f.resolve()) for f in files}
    errors = [d for d in problems if d.is_error and not (
        d.code == "file-name-mismatch" and d.span is not None and str(Path(d.span.path).resolve()) in mine)]
    if errors:
        raise PolicyError(errors)
    return catalog


def replay(log: DecisionLog, record_id: str, policies: str, case_file: str | None = None) -> Replay:
    from ..core.document import parse_document
    from ..core.source import Source
    from ..decide.decision import decide_case
    from ..policy.case import case_from_data
    from ..values.time import parse_date
    record = log.get(record_id)
    if record is None:
        raise UsageError(f"no record `{record_id}` in the decision log {log.address}")
    document = _document(record, case_file)
    request = json.loads(record.request)
    result = Replay(record, {})
    with tempfile.TemporaryDirectory(prefix="frist-replay-") as scratch:
        catalog = _logged_catalog(record, policies, Path(scratch), result.sources, result.notes)
        if record.source == "batch":
            from .batch_rows import decide_row_again
            again = decide_row_again(catalog, document, record.policy, record.as_of, bool(request.get("include_drafts")),
                                     bool(request.get("allow_stale")))
        else:
            doc = parse_document(Source(f"record {record.id}", document.decode("utf-8")))
            if isinstance(doc, Diagnostic):           # the logged case no longer reads (a limit changed)
                raise CaseError([doc])
            case = case_from_data(doc.data, f"record {record.id}", doc)
            again = decide_case(catalog, case, parse_date(record.as_of), record.policy,
                                bool(request.get("include_drafts")), fast=True,
                                allow_stale=bool(request.get("allow_stale"))).to_dict(include_trace=False)
    result.differences = differences(json.loads(record.decision), again)
    return result
