"""A projected timeline as plain data: what `frin timeline --format json` prints and the service
answers, and what the text, Markdown and HTML renderings show.

Per decision: its date, the versions in force (and when they changed), the action and rule,
the outputs the registry marks for the timeline, the payments that entered, the fees so far
and the policy's amounts.
"""
from __future__ import annotations

from ..policy.outputs import all_outputs
from ..values.money import format_money
from .timeline import Payment, Timeline

__all__ = ["timeline_json"]


def _payments(payments: list[Payment]) -> list[dict]:
    return [{"date": p.date.isoformat(), "amount": format_money(p.amount)} for p in payments]


def timeline_json(t: Timeline) -> dict:
    """The projection as plain data (the JSON format, and what the other formats show)."""
    rows = []
    for r in t.rows:
        d = r.decision.to_dict(include_trace=False)
        rows.append({
            "date": r.date.isoformat(), "policy": d["policy"]["name"] + "@" + d["policy"]["version"],
            "sha256": d["policy"]["sha256"], "versions": list(r.versions.values()), "version_changes": r.changes,
            "action": d["action"], "rule": d["rule"], "step": r.recorded,
            **{o.name: d[o.name] for o in all_outputs() if o.timeline is not None and o.name in d},   # its jurisdiction's outputs
            "payments": _payments(r.paid), "fees_so_far": format_money(r.fees_so_far), "amounts": d["amounts"],
        })
    return {"case_id": t.case_id, "policy": t.policy, "start": t.start.isoformat(),
            "until": t.until.isoformat() if t.until else None,
            "pays": _payments(t.payments),
            "rows": rows, "end": t.end}
