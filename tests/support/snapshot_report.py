"""Which decisions a snapshot change changes: the report a person reads before accepting.

`test_cases.py` records, for every case snapshot that differs from the stored file, what
changed: a decision's fields old → new, an explanation's first changed line. conftest.py
prints the list at the end of the run (also with `--snapshot-update`, before the files are
rewritten), so "9 snapshots failed" becomes "these decisions changed, this way". Accept
an intended change with `make snapshots` (docs/review.md); a run that is doing so says so instead.
"""
from __future__ import annotations

import difflib
import json
from pathlib import Path

__all__ = ["record", "report_lines", "CHANGED"]

CHANGED: list[tuple[str, str]] = []      # (label, what changed)


def _flat(value, prefix: str = "") -> dict:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): value}


def record(stored: Path, new_text: str, label: str) -> None:
    """Compare a case's new output with its stored snapshot file; remember any change."""
    if not stored.exists():
        CHANGED.append((label, "new snapshot"))
        return
    old_text = stored.read_text(encoding="utf-8")
    if old_text == new_text:
        return
    if stored.name.endswith(".json"):
        old, new = _flat(json.loads(old_text)), _flat(json.loads(new_text))
        fields = [f"{k}: {old.get(k)} → {new.get(k)}" for k in dict.fromkeys([*old, *new])
                  if old.get(k) != new.get(k) and not k.endswith("sha256")]
        CHANGED.append((label, "; ".join(fields) or "only the sha256 of a policy file"))
        return
    diff = [line for line in difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), n=0, lineterm="")
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    old = next((line[1:].strip() for line in diff if line.startswith("-")), "")
    new = next((line[1:].strip() for line in diff if line.startswith("+")), "")
    first = f"{old} ⟶ {new}"
    CHANGED.append((label, f"explanation: {len(diff)} line(s) differ, first: {first}"))


def report_lines(updating: bool = False) -> list[str]:
    """The report; `updating`: the run rewrites the snapshots (`--snapshot-update`, as `make snapshots`
    runs), so the last line says they are written, not how to write them."""
    if not CHANGED:
        return []
    decisions = [(label, what) for label, what in CHANGED if label.endswith("decision")]
    lines = [f"{len(decisions)} decision(s) and {len(CHANGED) - len(decisions)} explanation(s) differ from the snapshots:"]
    lines += [f"  {label}: {what}" for label, what in sorted(CHANGED)]
    if updating:
        lines.append("the snapshots above are rewritten: review `git diff -- 'tests/*/__snapshots__'`, commit the "
                     "intended change and `git checkout` the rest")
    else:
        lines.append("review them; if the change is intended, accept it with `make snapshots` and read "
                     "`git diff -- 'tests/*/__snapshots__'`")
    return lines
