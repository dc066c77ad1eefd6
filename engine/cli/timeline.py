"""`frin timeline`: project a case forward and render it as text, markdown, JSON or HTML.

Every format renders the same records (`timeline_json`): per decision its date, the
versions in force (and when they changed), the action and rule, the step's fee and payment
deadline, the interest accrued by then and the policy's totals.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from ..core.errors import ExitCode
from ..decide.timeline import parse_payment, project
from ..decide.timeline_json import timeline_json
from ..lang.render import Voice
from ..policy.outputs import all_outputs
from ..review.html import code_spans, esc, page, table
from ..review.page_words import TIMELINE, PageWords

if TYPE_CHECKING:
    from argparse import Namespace

__all__ = ["timeline", "timeline_json", "render_text", "render_markdown", "render_html"]


_HEAD = ["date", "version", "action", "fee", "deadline", "interest", "fees_so_far", "total"]     # TIMELINE words
_NUMERIC = {3, 5, 6, 7}
_PLAIN = PageWords(Voice(), "timeline", TIMELINE)


def _money(w: PageWords, amount: str | None) -> str:
    return w.amount(amount)


def _cells(row: dict, w: PageWords) -> list[str]:
    # The deadline column: the first date output marked "when" that the decision gives, with
    # its prefix's words ("wait to " -> `wait_to`); the fee column: the output marked "cost"
    # (policy/outputs.py).
    when = next((_when(o.when_prefix, w.day(row[o.name]), w) for o in all_outputs() if o.timeline == "when" and row[o.name]), "")
    cost = next((row[o.name] for o in all_outputs() if o.timeline == "cost" and row[o.name]), "")
    return [w.day(row["date"]), row["policy"], f"{row['action']} ({row['rule']})", _money(w, cost),
            when, _money(w, row["amounts"].get("interest")), _money(w, row["fees_so_far"]),
            _money(w, row["amounts"].get("total"))]


def _when(prefix: str, day: str, w: PageWords) -> str:
    """A deadline column's date after its output's prefix, in the page's words where it has them."""
    key = prefix.strip().replace(" ", "_")
    return w(key, day=day) if key in TIMELINE else prefix + day


def _title(data: dict, w: PageWords) -> str:
    pays = ", ".join(w("paid_on", amount=_money(w, p["amount"]), day=w.day(p["date"])) for p in data["pays"])
    return w("title", case=data["case_id"], policy=data["policy"], start=w.day(data["start"]), pays=pays or w("no_payment"))


def _notes(row: dict, w: PageWords) -> list[str]:
    out = [w("received", amount=_money(w, p["amount"]), day=w.day(p["date"])) for p in row["payments"]]
    out += [w("new_version", change=c) for c in row["version_changes"]]
    if row["step"]:
        out.append(w("records", step=f"`{row['step']}`"))
    return out


def render_text(data: dict, w: PageWords = _PLAIN) -> str:
    head = [w(h) for h in _HEAD]
    table_rows = [head] + [_cells(r, w) for r in data["rows"]]
    widths = [max(len(r[i]) for r in table_rows) for i in range(len(_HEAD))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(n) if i in _NUMERIC else c.ljust(n) for i, (c, n) in enumerate(zip(cells, widths))).rstrip()
    out = [_title(data, w), "", line(head)]
    for row in data["rows"]:
        out.append(line(_cells(row, w)))
        for paid in row["payments"]:
            out.append(f"{'':{widths[0]}}  ↳ " + w("received", amount=_money(w, paid["amount"]), day=w.day(paid["date"])))
        for change in row["version_changes"]:
            out.append(f"{'':{widths[0]}}  ↳ " + w("new_version", change=change))
    out += ["", f"{w('end')}: {data['end']}", w("footnote")]
    return "\n".join(out) + "\n"


def render_markdown(data: dict, w: PageWords = _PLAIN) -> str:
    out = [f"## {_title(data, w)}", "", "| " + " | ".join(w(h) for h in _HEAD) + f" | {w('notes')} |",
           "|" + "|".join("---:" if i in _NUMERIC else "---" for i in range(len(_HEAD))) + "|---|"]
    for row in data["rows"]:
        cells = _cells(row, w)
        cells[1], cells[2] = f"`{cells[1]}`", f"`{row['action']}` (`{row['rule']}`)"
        notes = "; ".join(_notes(row, w))
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + f" | {notes} |")
    out += ["", f"**{w('end').capitalize()}:** {data['end']}.", "", f"_{w('footnote').capitalize()}._"]
    return "\n".join(out) + "\n"


def render_html(data: dict, w: PageWords = _PLAIN) -> str:
    rows, classes = [], []
    for row in data["rows"]:
        cells = [esc(c) for c in _cells(row, w)]
        cells[1] = f"<code>{cells[1]}</code>"
        cells[2] = f"<code>{esc(row['action'])}</code> <span class=\"tag\">{esc(row['rule'])}</span>"
        notes = "".join(f'<div class="note">{code_spans(n)}</div>' for n in _notes(row, w))
        rows.append(cells + [notes])
        classes.append("version-change" if row["version_changes"] else "")
    body = [f"<h1>{esc(w('heading', case=data['case_id']))}</h1>",
            f'<p class="meta">{esc(_title(data, w))}</p>',
            '<div class="timeline">' + table([esc(w(h)) for h in _HEAD] + [esc(w("notes"))], rows, _NUMERIC, classes) + "</div>",
            f"<p><b>{esc(w('end').capitalize())}:</b> {code_spans(data['end'])}.</p>",
            f'<p class="meta">{esc(w("footnote").capitalize())}. {esc(w("versions_note"))}</p>']
    return page(f"{w('heading', case=data['case_id'])}", "\n".join(body), lang=w.voice.lang)


def _in_words(data: dict, w: PageWords) -> dict:
    """The timeline's English sentences (its end, each new version's note: decide/timeline.py)
    in the page's language, by the locale's `phrases` (explain/phrases.py); the JSON keeps them."""
    from ..explain.phrases import Phrases
    said = Phrases.of(w.voice.locale, "phrases")
    if not said.patterns:
        return data
    rows = [{**row, "version_changes": [said.text(c) for c in row["version_changes"]]} for row in data["rows"]]
    return {**data, "rows": rows, "end": said.text(data["end"])}


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
        from ..core.diagnostics import printable  # the case id is input: never raw control characters
        from ..explain.text import reader_voice
        jurisdiction = result.rows[0].decision.version.jurisdiction if result.rows else None
        words = PageWords(reader_voice(catalog, jurisdiction, args.lang, result.policy), "timeline", TIMELINE)
        print(printable(render(_in_words(data, words), words)), end="", file=stdout)
    return ExitCode.OK
