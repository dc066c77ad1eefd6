"""`frin timeline`: project a case forward and render it as text, markdown, JSON or HTML.

Every format renders the same records (`timeline_json`): per decision its date, the
versions in force (and when they changed), the action and rule, the step's fee and payment
deadline, the interest accrued by then and the policy's totals.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from ..policy.outputs import all_outputs
from ..review.html import code_spans, esc, page, table
from ..decide.timeline import parse_payment, project
from ..decide.timeline_json import timeline_json
from ..core.errors import ExitCode

if TYPE_CHECKING:
    from argparse import Namespace

__all__ = ["timeline", "timeline_json", "render_text", "render_markdown", "render_html"]


_HEAD = ["date", "version", "action (rule)", "fee", "deadline", "interest", "fees", "total"]
_NUMERIC = {3, 5, 6, 7}


def _cells(row: dict) -> list[str]:
    # The deadline column: the first date output marked "when" that the decision gives;
    # the fee column: the output marked "cost" (policy/outputs.py).
    when = next((o.when_prefix + row[o.name] for o in all_outputs() if o.timeline == "when" and row[o.name]), "")
    cost = next((row[o.name] for o in all_outputs() if o.timeline == "cost" and row[o.name]), "")
    return [row["date"], row["policy"], f"{row['action']} ({row['rule']})", cost,
            when, row["amounts"].get("interest", ""), row["fees_so_far"], row["amounts"].get("total", "")]


def _title(data: dict) -> str:
    pays = ", ".join(f"{p['amount']} on {p['date']}" for p in data["pays"]) or "no payment"
    return f"Timeline for case {data['case_id']} ({data['policy']}) from {data['start']}, assuming {pays}"


def _notes(row: dict) -> list[str]:
    out = [f"received {p['amount']} on {p['date']}" for p in row["payments"]]
    out += [f"new version: {c}" for c in row["version_changes"]]
    if row["step"]:
        out.append(f"records step `{row['step']}`")
    return out


def render_text(data: dict) -> str:
    table_rows = [_HEAD] + [_cells(r) for r in data["rows"]]
    widths = [max(len(r[i]) for r in table_rows) for i in range(len(_HEAD))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in _NUMERIC else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    out = [_title(data), "", line(_HEAD)]
    for row in data["rows"]:
        out.append(line(_cells(row)))
        for paid in row["payments"]:
            out.append(f"{'':{widths[0]}}  ↳ received {paid['amount']} on {paid['date']}")
        for change in row["version_changes"]:
            out.append(f"{'':{widths[0]}}  ↳ new version: {change}")
    out += ["", f"end: {data['end']}",
            "interest, fees and total are the policy's amounts on each date, before that row's fee is charged"]
    return "\n".join(out) + "\n"


def render_markdown(data: dict) -> str:
    out = [f"## {_title(data)}", "", "| " + " | ".join(_HEAD) + " | notes |",
           "|" + "|".join("---:" if i in _NUMERIC else "---" for i in range(len(_HEAD))) + "|---|"]
    for row in data["rows"]:
        cells = _cells(row)
        cells[1], cells[2] = f"`{cells[1]}`", f"`{row['action']}` (`{row['rule']}`)"
        notes = "; ".join(_notes(row))
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + f" | {notes} |")
    out += ["", f"**End:** {data['end']}.", "",
            "_Interest, fees and total are the policy's amounts on each date, before that row's fee is charged._"]
    return "\n".join(out) + "\n"


def render_html(data: dict) -> str:
    rows, classes = [], []
    for row in data["rows"]:
        cells = [esc(c) for c in _cells(row)]
        cells[1] = f"<code>{cells[1]}</code>"
        cells[2] = f"<code>{esc(row['action'])}</code> <span class=\"tag\">{esc(row['rule'])}</span>"
        notes = "".join(f'<div class="note">{code_spans(n)}</div>' for n in _notes(row))
        rows.append(cells + [notes])
        classes.append("version-change" if row["version_changes"] else "")
    body = [f"<h1>Timeline for case {esc(data['case_id'])}</h1>",
            f'<p class="meta">{esc(_title(data))}</p>',
            '<div class="timeline">' + table(_HEAD + ["notes"], rows, _NUMERIC, classes) + "</div>",
            f"<p><b>End:</b> {code_spans(data['end'])}.</p>",
            '<p class="meta">Interest, fees and total are the policy\'s amounts on each date, before that row\'s fee '
            "is charged. Each row is decided by the versions in force on its date; a highlighted row starts a new version.</p>"]
    return page(f"Timeline {data['case_id']}", "\n".join(body))


def timeline(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..policy.case import load_case
    from .options import checked_catalog, date_option
    case = load_case(args.case)
    until = date_option(args.until, "--until")
    payments = [parse_payment(p) for p in args.pays]
    catalog = checked_catalog([args.policies])
    start = (date_option(args.as_of, "--as-of") or case.data.get("as_of")
             or catalog.today(getattr(args, "policy", None) or case.data.get("policy")))
    result = project(catalog, case, start, until, payments, args.policy, args.include_drafts, args.max_steps)
    data = timeline_json(result)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False), file=stdout)
    else:
        render = {"text": render_text, "markdown": render_markdown, "html": render_html}[args.format]
        from ..core.diagnostics import printable      # the case id is input: never raw control characters
        print(printable(render(data)), end="", file=stdout)
    return ExitCode.OK
