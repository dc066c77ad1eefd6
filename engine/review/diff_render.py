"""Rendering a policy diff (`cli.diff.diff_data`) as text, markdown (for a pull request) or HTML.

The pages a reviewer reads (markdown for the pull request, HTML) put the cause first: a
summary (the changed figures with their source, the changed decisions by field and by
policy: review/diff_summary.py), the changes to the file, the policies that use it, then the
changed decisions, each with only its changed fields and old → new values, the deciding rule
and the changed figures it read, its folded warnings a count that opens to them and to the
whole decision; then the counts. The text form keeps the decisions first (a terminal's
scrollback ends with the file's changes). The HTML page links every case to the rule and
figure responsible. Markdown and HTML, the
pages compliance staff review, are written in the reader's language (`--lang`,
review/page_words.py): the registry's words for fields, amounts and dates as the language
writes them; the text form is the terminal's summary, in English.
"""
from __future__ import annotations

import re

from ..lang.render import Voice
from .diff_summary import Folded, changed_figures, counts, shown_fields
from .html import esc, page, table
from .page_words import PageWords

__all__ = ["render_text", "render_markdown", "render_html", "RENDERERS"]

_PLAIN = PageWords(Voice())


def _side(s: dict) -> str:
    return s["key"] + (f" ({s['path']})" if s["spec"] != s["key"] else "")


def _value(v) -> str:
    return "—" if v is None else str(v)


def render_text(data: dict, w: PageWords = _PLAIN) -> str:
    """The terminal's summary; in English every field and value as the data has it (`amounts.interest`)."""
    plain = w.voice.locale is None or w.voice.lang == "en"
    field = (lambda name: name) if plain else w.field
    value = (lambda name, v: v) if plain else w.value
    out = [w("text_title", old=_side(data["old"]), new=_side(data["new"]), folder=data["cases_dir"]), _counts_in(data, w), ""]
    for group in data["groups"]:
        cases = w.count(len(group["cases"]), "case_one", "case_many")
        out.append(w("text_group", kind=group["kind"] if plain else _kind_in(group, w), cases=cases))
        for case in group["cases"]:
            out.append(f"  {case['case_id']} ({case['path']}, {w.day(case['as_of'])}): {_responsible_in(case, w)}")
            if case["error"]:
                out += [f"      {w('old')}: {_value(case['error']['old'])}", f"      {w('new')}: {_value(case['error']['new'])}"]
            for f in case["fields"]:
                out.append(f"      {field(f['field'])}: {_value(value(f['field'], f['old']))} → "
                           f"{_value(value(f['field'], f['new']))}")
        out.append("")
    if data["users"]:
        out.append(w("text_users", policy=data["new"]["policy"]))
        for u in data["users"]:
            draft = f" ({w('draft')})" if u["status"] == "draft" else ""
            out.append("  " + w("text_user", version=f"{u['policy']}@{u['version']}{draft}",
                                reads=", ".join(u["reads"]) or w("text_reads_none"), changed=u["changed"],
                                cases=w.count(u["cases"], "case_one", "case_many")))
        out.append("")
    out.append(w("text_changes") if data["changes"] else w("text_changes_none"))
    for c in data["changes"]:
        kind = w(c["kind"]) if c["kind"] in ("parameter", "definition") and not plain else c["kind"]
        out.append(f"  {c['status'] if plain else w(c['status'])} {kind} `{c['name']}` ({c['where']})")
        for f in c["fields"]:
            name, old, new = (f["field"], f["old"], f["new"]) if plain else \
                (w.phrase(f["field"]), w.file_value(f["old"]), w.file_value(f["new"]))
            if c["status"] == "changed":
                out.append(f"      {name}: {_value(old)} → {_value(new)}")
            else:
                out.append(f"      {name}: {_value(old if c['status'] == 'removed' else new)}")
    out += ["", w("text_by_action", actions=", ".join(f"{a} {n['old']} → {n['new']}" for a, n in data["summary"]["by_action"].items()))]
    return "\n".join(out) + "\n"


def _md(v) -> str:
    return "—" if v is None else "`" + str(v).replace("|", "\\|").replace("`", "'") + "`"


def _side_md(s: dict) -> str:
    key = s["key"]
    return f"`{key}`" + (f" (`{s['spec']}`)" if s["spec"] != key else "")


def _counts_in(data: dict, w: PageWords) -> str:
    s = data["summary"]
    parts = [w.count(s["cases"], "case_one", "case_many"), f"{s['changed']} {w('changed')}",
             f"{s['unchanged']} {w('unchanged')}"]
    parts += [f"{s[k]} {w(label)}" for k, label in (("errors", "with_errors"), ("not_affected", "not_affected"),
                                                     ("invalid", "invalid")) if s[k]]
    return ", ".join(parts)


def _kind_in(group: dict, w: PageWords) -> str:
    """A group's heading in the reader's language (`diff.CaseResult.kind` is the English)."""
    case = group["cases"][0]
    if case["error"]:
        old, new = case["error"]["old"], case["error"]["new"]
        return w("error_both") if old and new else w("now_fails") if new else w("no_longer_fails")
    action = next((f for f in case["fields"] if f["field"] == "action"), None)
    if action is not None:
        return f"{action['old']} → {action['new']}"
    # "ACTION: f, g changed": an action name holds no ": " (diff.CaseResult.kind)
    return w("fields_changed", action=group["kind"].split(": ", 1)[0],
             fields=", ".join(w.field(f["field"]) for f in shown_fields(case)[0]))


def _responsible_in(case: dict, w: PageWords) -> str:
    old, new = case["rule"]["old"], case["rule"]["new"]
    rule = f"{w('rule')} `{new}`" if old == new else f"{w('rule')} `{old}` → `{new}`"
    figures = ", ".join(f"`{f}`" for f in case["figures"] + case["definitions"])
    return rule + (f"; {w('changed_read')}: {figures}" if figures else "")


def _summary_md(data: dict, w: PageWords) -> list[str]:
    """The summary of the HTML page's top, as a pull request's text: the changed figures first."""
    by_field, by_policy, same, resolved = counts(data)
    out = []
    figures = changed_figures(data["changes"])
    if figures:
        out += [f"#### {w('changed_figures')}", "", f"| {w('figure')} | {w('field')} | {w('old')} | {w('new')} | {w('source')} |",
                "|---|---|---|---|---|"]
        out += [f"| {'`' + f['name'] + '`' if i == 0 else ''} | {w.phrase(x['field'])} | {_md(w.file_value(x['old']))} | "
                f"{_md(w.file_value(x['new']))} | {_md(f['source']) if i == 0 and f['source'] else ''} |"
                for f in figures for i, x in enumerate(f["fields"] or [{"field": "", "old": None, "new": None}])]
        out.append("")
    if data["groups"]:
        out += [f"**{w('by_field')}**: " + ", ".join(f"{w.field(k)} {n}" for k, n in by_field.items()) + "  ",
                f"**{w('by_policy')}**: " + ", ".join(f"`{k}` {n}" for k, n in by_policy.items()), ""]
    if same or resolved:
        out += [w("folded_note", folded=_folded_total(same, resolved, w)), ""]
    return out


def render_markdown(data: dict, w: PageWords = _PLAIN) -> str:
    """In the HTML page's order: the summary, the file's changes, the users, then the decisions."""
    s = data["summary"]
    out = [f"### {w('title')}: {_side_md(data['old'])} → {_side_md(data['new'])}", "",
           f"**{w('changed_of', changed=s['changed'], cases=s['cases'])}** ({_counts_in(data, w)}; "
           f"{w('cases_in', folder='`' + data['cases_dir'] + '`')}).", ""]
    out += _summary_md(data, w)
    out += [f"#### {w('changes')}", ""]
    if not data["changes"]:
        out += [w("none"), ""]
    else:
        out += [f"| {w('item')} | {w('change')} | {w('field')} | {w('old')} | {w('new')} |", "|---|---|---|---|---|"]
        for c in data["changes"]:
            for i, f in enumerate(c["fields"]):
                item = f"{w(c['kind']) if c['kind'] in ('parameter', 'definition') else c['kind']} `{c['name']}` " \
                       f"({c['where']})" if i == 0 else ""
                status = w(c["status"]) if i == 0 else ""
                out.append(f"| {item} | {status} | {w.phrase(f['field'])} | {_md(w.file_value(f['old']))} | "
                           f"{_md(w.file_value(f['new']))} |")
        out.append("")
    if data["users"]:
        out += [f"#### {w('users', policy='`' + data['new']['policy'] + '`')}", "",
                f"| {w('policy')} | {w('reads')} | {w('cases_changed')} |", "|---|---|---:|"]
        for u in data["users"]:
            reads = ", ".join(f"`{n}`" for n in u["reads"]) or w("none").rstrip(".")
            draft = f" ({w('draft')})" if u["status"] == "draft" else ""
            out.append(f"| `{u['policy']}@{u['version']}`{draft} | {reads} | {w('n_of_m', n=u['changed'], m=u['cases'])} |")
        out.append("")
    if data["groups"]:
        out += [f"#### {w('changed_decisions')}", ""]
    for group in data["groups"]:
        out += [f"**{_kind_in(group, w)}** ({len(group['cases'])})", "",
                f"| {w('case')} | {w('field')} | {w('old')} | {w('new')} | {w('responsible')} |", "|---|---|---|---|---|"]
        for case in group["cases"]:
            shown, folded = shown_fields(case)
            rows = [(f["field"], f["old"], f["new"]) for f in shown] or [("", None, None)]
            if case["error"]:
                rows.insert(0, ("error", case["error"]["old"], case["error"]["new"]))
            for i, (name, old, new) in enumerate(rows):
                who = f"`{case['case_id']}`" if i == 0 else ""
                resp = (_responsible_in(case, w) + _folded_md(folded, w)) if i == 0 else ""
                out.append(f"| {who} | {w.field(name) if name else ''} | {_md(_shown(w, name, old))} | "
                           f"{_md(_shown(w, name, new))} | {resp} |")
        out.append("")
    out += [f"#### {w('by_action')}", "", f"| {w('action')} | {w('old')} | {w('new')} |", "|---|---:|---:|"]
    out += [f"| `{a}` | {n['old']} | {n['new']} |" for a, n in s["by_action"].items()]
    if data["unchanged"]:
        out += ["", f"<details><summary>{w.count(len(data['unchanged']), 'unchanged_one', 'unchanged_many')}</summary>", "",
                ", ".join(f"`{c['case_id']}` ({c['action']})" for c in data["unchanged"]), "", "</details>"]
    return "\n".join(out) + "\n"


def _cell(v, cls: str) -> str:
    return f'<span class="{cls}">{esc(v)}</span>' if v is not None else '<span class="same">—</span>'


def _links(case: dict, anchors: dict[tuple[str, str], str], w: PageWords) -> str:
    def link(kind: str, name: str) -> str:
        anchor = anchors.get((kind, name))
        label = f"<code>{esc(name)}</code>"
        return f'<a href="#{anchor}">{label}</a>' if anchor else label
    old, new = case["rule"]["old"], case["rule"]["new"]
    rules = [r for r in dict.fromkeys((old, new)) if r]
    parts = [esc(w("rule")) + " " + " → ".join(link("rule", r) for r in rules)]
    if case["figures"]:
        parts.append(esc(w("figures")) + " " + ", ".join(link("parameter", f) for f in case["figures"]))
    if case["definitions"]:
        parts.append(esc(w("definitions")) + " " + ", ".join(link("definition", d) for d in case["definitions"]))
    return "<br>".join(parts)


def _kind(anchors: dict, name: str) -> str | None:
    """`parameter` or `definition` when `name` has its own entry among the changes."""
    return next((kind for kind in ("parameter", "definition") if (kind, name) in anchors), None)


def _shown(w: PageWords, name: str, v):
    """A field's value on the page; a list of warnings (the ones that differ) joined."""
    if isinstance(v, list):
        return "; ".join(w.warning(p) for p in v) or None
    return w.value(name, v)


def _folded_parts(folded: Folded | None, w: PageWords) -> list[tuple[str, list]]:
    if folded is None:
        return []
    parts = [(w.count(len(folded.same), "same_one", "same_many"), folded.same),
             (w.count(len(folded.resolved), "resolved_one", "resolved_many"), folded.resolved)]
    return [(label, items) for label, items in parts if items]


def _folded_total(same: int, resolved: int, w: PageWords) -> str:
    return "; ".join(w.count(n, one, many) for n, one, many in ((same, "same_one", "same_many"),
                                                                (resolved, "resolved_one", "resolved_many")) if n)


def _folded_md(folded: Folded | None, w: PageWords) -> str:
    """The folded warnings in a pull request's table cell: the count, opening to their text."""
    label = _folded_label(folded, w)
    if not label:
        return ""
    text = "<br>".join(esc(w.warning(i)) for _, items in _folded_parts(folded, w) for i in items).replace("|", "\\|")
    return f" <details><summary>{esc(label)}</summary>{text}</details>"


def _folded_label(folded: Folded | None, w: PageWords) -> str:
    """The warnings a decision folds away, as counts (never dropped: listed when opened)."""
    return " · ".join(label for label, _ in _folded_parts(folded, w))


def _folded_html(folded: Folded | None, w: PageWords) -> str:
    return "".join(f"<p>{esc(label)}:</p><ul>" + "".join(f"<li>{esc(w.warning(i))}</li>" for i in items) + "</ul>"
                   for label, items in _folded_parts(folded, w))


def _case_rows(case: dict, anchors: dict, w: PageWords) -> list[list[str]]:
    """One changed decision's rows: the fields that changed (warnings only where some differ);
    under the case's name one collapsed line, its folded warnings' count, that opens to the
    whole decision on both sides and every warning (a nested table would break the row's cells)."""
    shown, folded = shown_fields(case)
    def named(fields: list[dict]) -> list[tuple]:
        out = [(f["field"], f["old"], f["new"]) for f in fields]
        return ([("error", case["error"]["old"], case["error"]["new"])] if case["error"] else []) + out
    # one collapsed line: the folded count, opening to the whole decision on both sides and every warning
    whole = case.get("decision") or case["fields"]
    label = " · ".join(x for x in (_folded_label(folded, w), w("full_change")) if x)
    full = (f'<details class="full"><summary>{esc(label)}</summary><ul>'
            + "".join(f"<li>{esc(w.field(f['field']))}: " + (
                f"{_cell(_shown(w, f['field'], f['old']), 'old')} → {_cell(_shown(w, f['field'], f['new']), 'new')}"
                if f["old"] != f["new"] else esc(_shown(w, f["field"], f["old"]) or "—")) + "</li>" for f in whole)
            + "</ul>" + _folded_html(folded, w) + "</details>")
    first = (f'<b id="{esc(_case_anchor(case))}">{esc(case["case_id"])}</b> <span class="same">{esc(case["path"])} · '
             f'{esc(w.day(case["as_of"]))}</span>{full}')
    rows = named(shown) or [("", None, None)]
    return [[first if i == 0 else "", esc(w.field(n)) if n else "", _cell(_shown(w, n, o), "old"), _cell(_shown(w, n, v), "new"),
             _links(case, anchors, w) if i == 0 else ""] for i, (n, o, v) in enumerate(rows)]


def _case_anchor(case: dict) -> str:
    return "case-" + re.sub(r"[^A-Za-z0-9_-]", "-", case["case_id"])


def _summary_html(data: dict, w: PageWords) -> list[str]:
    """The top of the page: the changed figures (the cause), then how many decisions changed by
    field and by policy, each linking to its section."""
    by_field, by_policy, same, resolved = counts(data)
    out = [f'<h2 id="summary">{esc(w("summary"))}</h2>']
    figures = changed_figures(data["changes"])
    if figures:
        out.append(f"<h3>{esc(w('changed_figures'))}</h3>")
        out.append(table([esc(w(k)) for k in ("figure", "field", "old", "new", "source")], [
            [f'<a href="#{esc(f["anchor"])}"><code>{esc(f["name"])}</code></a>' if i == 0 else "",
             f"<code>{esc(w.phrase(x['field']))}</code>", _cell(w.file_value(x["old"]), "old"), _cell(w.file_value(x["new"]), "new"),
             esc(f["source"] or "") if i == 0 else ""]
            for f in figures for i, x in enumerate(f["fields"] or [{"field": "", "old": None, "new": None}])]))
    if data["groups"]:      # one line each: the page below holds the detail
        out.append(f"<p><b>{esc(w('by_field'))}</b>: " + ", ".join(f"{esc(w.field(k))} <b>{n}</b>" for k, n in by_field.items())
                   + f"<br><b>{esc(w('by_policy'))}</b>: " + ", ".join(
                       f'<a href="#policy-{esc(_slug(k))}"><code>{esc(k)}</code></a> <b>{n}</b>' for k, n in by_policy.items()) + "</p>")
    if same or resolved:
        out.append(f'<p class="note">{esc(w("folded_note", folded=_folded_total(same, resolved, w)))}</p>')
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def render_html(data: dict, w: PageWords = _PLAIN) -> str:
    """Summary, then the policy file's changes (the cause), the policies that use it, then the
    changed decisions grouped by policy and kind, then the counts."""
    s = data["summary"]
    anchors = {(c["kind"], c["name"]): c["anchor"] for c in data["changes"]}
    title = f"{data['old']['key']} → {data['new']['key']}"
    meta = w("meta", old="\0old\0", new="\0new\0", cases="\0cases\0")
    meta = esc(meta).replace("\0old\0", f'<code>{esc(data["old"]["path"])}</code> (sha256 {esc(data["old"]["sha256"][:12])})') \
        .replace("\0new\0", f'<code>{esc(data["new"]["path"])}</code> (sha256 {esc(data["new"]["sha256"][:12])})') \
        .replace("\0cases\0", f'<code>{esc(data["cases_dir"])}</code>')
    policies = sorted({c["policy"] or "—" for g in data["groups"] for c in g["cases"]})
    contents = [("summary", w("summary")), ("changes", w("changes"))]
    contents += [("users", w("users", policy=data["new"]["policy"]))] if data["users"] else []
    contents += [("decisions", w("changed_decisions")), ("by-action", w("by_action"))]
    body = [f"<h1>{esc(w('title'))}: {esc(title)}</h1>", f'<p class="meta">{meta}</p>',
            '<div class="summary">' + "".join(f"<div><b>{s[k]}</b>{esc(w(label))}</div>" for k, label in (
                ("cases", "cases"), ("changed", "changed"), ("unchanged", "unchanged"), ("errors", "with_errors"))) + "</div>",
            f'<nav class="contents"><b>{esc(w("contents"))}</b>: '
            + " · ".join(f'<a href="#{a}">{esc(label)}</a>' for a, label in contents) + "</nav>"]
    body += _summary_html(data, w)
    body.append(f'<h2 id="changes">{esc(w("changes"))}</h2>')
    if not data["changes"]:
        body.append(f"<p>{esc(w('none'))}</p>")
    for c in data["changes"]:
        kind = w(c["kind"]) if c["kind"] in ("parameter", "definition") else c["kind"]
        body.append(f'<h3 id="{esc(c["anchor"])}">{esc(kind)} <code>{esc(c["name"])}</code> '
                    f'<span class="tag {esc(c["status"])}">{esc(w(c["status"]))}</span> '
                    f'<span class="same">{esc(c["where"])}</span></h3>')
        body.append(table([esc(w(k)) for k in ("field", "old", "new")], [[f"<code>{esc(w.phrase(f['field']))}</code>",
                                                     _cell(w.file_value(f["old"]), "old"), _cell(w.file_value(f["new"]), "new")]
                                                    for f in c["fields"]]))
    if data["users"]:
        policy = f"<code>{esc(data['new']['policy'])}</code>"
        body.append(f'<h2 id="users">{esc(w("users", policy=chr(0))).replace(chr(0), policy)}</h2>')
        body.append(table([esc(w("policy")), esc(w("reads")), esc(w("cases_changed"))], [
            [f"<code>{esc(u['policy'])}@{esc(u['version'])}</code>" + (f" ({esc(w('draft'))})" if u["status"] == "draft" else ""),
             ", ".join(f'<a href="#{esc(anchors[k, n])}"><code>{esc(n)}</code></a>' if (k := _kind(anchors, n)) else
                       f"<code>{esc(n)}</code>" for n in u["reads"]) or f'<span class="same">{esc(w("none").rstrip("."))}</span>',
             esc(w("n_of_m", n=u["changed"], m=u["cases"]))] for u in data["users"]], numeric={2}))
    body.append(f'<h2 id="decisions">{esc(w("changed_decisions"))}</h2>' + ("" if data["groups"] else f"<p>{esc(w('none'))}</p>"))
    for policy in policies:
        mine = [(g, [c for c in g["cases"] if (c["policy"] or "—") == policy]) for g in data["groups"]]
        mine = [(g, cases) for g, cases in mine if cases]
        body.append(f'<h3 id="policy-{esc(_slug(policy))}"><code>{esc(policy)}</code> '
                    f'<span class="tag changed">{sum(len(c) for _, c in mine)}</span></h3>')
        for group, cases in mine:
            body.append(f'<p><b>{esc(_kind_in({**group, "cases": cases}, w))}</b> <span class="tag changed">{len(cases)}</span></p>')
            body.append(table([esc(w(k)) for k in ("case", "field", "old", "new", "responsible")],
                              [row for case in cases for row in _case_rows(case, anchors, w)]))
    body.append(f'<h2 id="by-action">{esc(w("by_action"))}</h2>')
    body.append(table([esc(w(k)) for k in ("action", "old", "new")], [[f"<code>{esc(a)}</code>", str(n["old"]), str(n["new"])]
                                                 for a, n in s["by_action"].items()], numeric={1, 2}))
    if data["unchanged"]:
        body.append(f"<details><summary>{esc(w.count(len(data['unchanged']), 'unchanged_one', 'unchanged_many'))}</summary>")
        body.append(table([esc(w(k)) for k in ("case", "file", "action", "rule")],
                          [[esc(c["case_id"]), esc(c["path"]), f"<code>{esc(c['action'])}</code>",
                            f"<code>{esc(c['rule'])}</code>"] for c in data["unchanged"]]))
        body.append("</details>")
    if data["invalid"]:
        body.append(f"<h2>{esc(w('invalid_files'))}</h2>")
        body.append(table([esc(w("file")), esc(w("error"))], [[esc(c["path"]), esc(c["error"])] for c in data["invalid"]]))
    return page(f"{w('title')} {title}", "\n".join(body), lang=w.voice.lang)


RENDERERS = {"text": render_text, "markdown": render_markdown, "html": render_html}
