"""What a reviewer of a policy diff reads first, and what hides the real changes.

A law's new version changes a few figures, and every decision that reads them changes with
them; the figures are the cause, so the page names them first (`changed_figures`), with how
many decisions changed by field and by policy (`counts`). A changed decision also shows both
sides' warnings where they differ, and on a new law version nearly every old decision carries
"… (law@old) was due for review on …", which the new version resolves: `fold_warnings` sets
those, and the warnings the same on both sides, aside as counts (never dropped: a page shows
them folded), so the warnings that do differ stand out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Folded", "fold_warnings", "shown_fields", "changed_figures", "counts", "REVIEW_KINDS"]

# decide/notice.py's kinds that say a figure's review date has passed
REVIEW_KINDS = ("review_due", "stale_figure", "stale_allowed")
# the same, in a decision's JSON (English) text: "`x.y` (x@2026-07-01) was due for review on ..."
_REVIEW_TEXT = re.compile(r"`?([\w.-]+)`? \(([^()]*@[^()]*)\) was due for review on")


def _parts(value) -> list:
    """A `warnings` value (review/diff.py `Warnings`, or its JSON string) as its warnings."""
    if value is None:
        return []
    return list(getattr(value, "parts", None) or str(value).split("; "))


def _review_figure(part) -> str | None:
    """The figure a review-date warning names; None for any other warning."""
    if getattr(part, "kind", None) in REVIEW_KINDS:
        return part.fields["figure"]
    if getattr(part, "kind", None) is None:
        found = _REVIEW_TEXT.search(str(part))
        return found.group(1) if found else None
    return None


@dataclass
class Folded:
    """One decision's warnings: those that differ (shown), and those folded away as counts."""

    old: list
    new: list
    same: list          # on both sides, word for word
    resolved: list      # the old side's review-date warnings whose figure the new side no longer warns of

    @property
    def differs(self) -> bool:
        return bool(self.old or self.new)


def fold_warnings(old, new) -> Folded:
    before, after = _parts(old), _parts(new)
    same = [p for p in before if p in after]
    old_only = [p for p in before if p not in after]
    new_only = [p for p in after if p not in before]
    still_due = {f for f in map(_review_figure, after) if f}
    resolved = [p for p in old_only if (f := _review_figure(p)) and f not in still_due]
    return Folded([p for p in old_only if p not in resolved], new_only, same, resolved)


def shown_fields(case: dict) -> tuple[list[dict], Folded | None]:
    """A changed decision's fields a reviewer sees by default (the warnings only where some
    differ, and then only those), and its folded warnings."""
    out, folded = [], None
    for f in case["fields"]:
        if f["field"] == "warnings" and case["error"] is None:
            folded = fold_warnings(f["old"], f["new"])
            if not folded.differs:
                continue
            f = {**f, "old": folded.old, "new": folded.new}
        out.append(f)
    return out, folded


def changed_figures(changes: list[dict]) -> list[dict]:
    """Each changed figure (a parameter of the file) with its changed fields but the source
    (unless only the source changed), and its source (the new side's, else the old)."""
    out = []
    for c in changes:
        if c["kind"] != "parameter":
            continue
        source = next((f for f in c["fields"] if f["field"] == "source"), None)
        out.append({"name": c["name"], "anchor": c["anchor"], "status": c["status"],
                    "fields": [f for f in c["fields"] if f["field"] != "source"] or c["fields"],
                    "source": c.get("source") or ((source["new"] or source["old"]) if source else None)})
    return out


def counts(data: dict) -> tuple[dict[str, int], dict[str, int], int, int]:
    """Changed decisions by field shown and by policy, and the warnings folded (same, resolved)."""
    by_field: dict[str, int] = {}
    by_policy: dict[str, int] = {}
    same = resolved = 0
    for group in data["groups"]:
        for case in group["cases"]:
            fields, folded = shown_fields(case)
            for f in fields:
                by_field[f["field"]] = by_field.get(f["field"], 0) + 1
            if case["error"]:
                by_field["error"] = by_field.get("error", 0) + 1
            by_policy[case["policy"] or "—"] = by_policy.get(case["policy"] or "—", 0) + 1
            if folded is not None:
                same, resolved = same + len(folded.same), resolved + len(folded.resolved)
    return by_field, dict(sorted(by_policy.items())), same, resolved
