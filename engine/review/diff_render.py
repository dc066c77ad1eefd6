"""Rendering a policy diff (`cli.diff.diff_data`) as text, markdown (for a pull request) or HTML.

All three put the changed cases first, grouped by the kind of change, each with old → new
values, the deciding rule and the changed figures it read; then the changes to the file;
then the counts. The HTML page links every case to the rule and figure responsible. Markdown and HTML, the
pages compliance staff review, are written in the reader's language (`--lang`,
review/page_words.py): the registry's words for fields, amounts and dates as the language
writes them; the text form is the terminal's summary, in English.
"""
from __future__ import annotations

from .page_words import PageWords
from .html import esc, page, table
from ..lang.render import Voice

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
    parts = [f"{s['cases']} {w('cases')}", f"{s['changed']} {w('changed')}", f"{s['unchanged']} {w('unchanged')}"]
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
             fields=", ".join(w.field(f["field"]) for f in case["fields"]))


def _responsible_in(case: dict, w: PageWords) -> str:
    old, new = case["rule"]["old"], case["rule"]["new"]
    rule = f"{w('rule')} `{new}`" if old == new else f"{w('rule')} `{old}` → `{new}`"
    figures = ", ".join(f"`{f}`" for f in case["figures"] + case["definitions"])
    return rule + (f"; {w('changed_read')}: {figures}" if figures else "")


def render_markdown(data: dict, w: PageWords = _PLAIN) -> str:
    s = data["summary"]
    out = [f"### {w('title')}: {_side_md(data['old'])} → {_side_md(data['new'])}", "",
           f"**{w('changed_of', changed=s['changed'], cases=s['cases'])}** ({_counts_in(data, w)}; "
           f"{w('cases_in', folder='`' + data['cases_dir'] + '`')}).", ""]
    if data["groups"]:
        out += [f"#### {w('changed_decisions')}", ""]
    for group in data["groups"]:
        out += [f"**{_kind_in(group, w)}** ({len(group['cases'])})", "",
                f"| {w('case')} | {w('field')} | {w('old')} | {w('new')} | {w('responsible')} |", "|---|---|---|---|---|"]
        for case in group["cases"]:
            rows = [(f["field"], f["old"], f["new"]) for f in case["fields"]]
            if case["error"]:
                rows.insert(0, ("error", case["error"]["old"], case["error"]["new"]))
            for i, (name, old, new) in enumerate(rows):
                who = f"`{case['case_id']}`" if i == 0 else ""
                resp = _responsible_in(case, w) if i == 0 else ""
                out.append(f"| {who} | {w.field(name)} | {_md(w.value(name, old))} | {_md(w.value(name, new))} | {resp} |")
        out.append("")
    if data["users"]:
        out += [f"#### {w('users', policy='`' + data['new']['policy'] + '`')}", "",
                f"| {w('policy')} | {w('reads')} | {w('cases_changed')} |", "|---|---|---:|"]
        for u in data["users"]:
            reads = ", ".join(f"`{n}`" for n in u["reads"]) or w("none").rstrip(".")
            draft = f" ({w('draft')})" if u["status"] == "draft" else ""
            out.append(f"| `{u['policy']}@{u['version']}`{draft} | {reads} | {w('n_of_m', n=u['changed'], m=u['cases'])} |")
        out.append("")
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


def render_html(data: dict, w: PageWords = _PLAIN) -> str:
    s = data["summary"]
    anchors = {(c["kind"], c["name"]): c["anchor"] for c in data["changes"]}
    title = f"{data['old']['key']} → {data['new']['key']}"
    meta = w("meta", old="\0old\0", new="\0new\0", cases="\0cases\0")
    meta = esc(meta).replace("\0old\0", f'<code>{esc(data["old"]["path"])}</code> (sha256 {esc(data["old"]["sha256"][:12])})') \
        .replace("\0new\0", f'<code>{esc(data["new"]["path"])}</code> (sha256 {esc(data["new"]["sha256"][:12])})') \
        .replace("\0cases\0", f'<code>{esc(data["cases_dir"])}</code>')
    body = [f"<h1>{esc(w('title'))}: {esc(title)}</h1>", f'<p class="meta">{meta}</p>',
            '<div class="summary">' + "".join(f"<div><b>{s[k]}</b>{esc(w(label))}</div>" for k, label in (
                ("cases", "cases"), ("changed", "changed"), ("unchanged", "unchanged"), ("errors", "with_errors"))) + "</div>"]
    body.append(f"<h2>{esc(w('changed_decisions'))}</h2>" + ("" if data["groups"] else f"<p>{esc(w('none'))}</p>"))
    for group in data["groups"]:
        body.append(f'<h3>{esc(_kind_in(group, w))} <span class="tag changed">{len(group["cases"])}</span></h3>')
        rows = []
        for case in group["cases"]:
            fields = [(f["field"], f["old"], f["new"]) for f in case["fields"]]
            if case["error"]:
                fields.insert(0, ("error", case["error"]["old"], case["error"]["new"]))
            first = (f'<b>{esc(case["case_id"])}</b><br><span class="same">{esc(case["path"])} · {esc(w.day(case["as_of"]))}</span>')
            for i, (name, old, new) in enumerate(fields):
                rows.append([first if i == 0 else "", esc(w.field(name)), _cell(w.value(name, old), "old"),
                             _cell(w.value(name, new), "new"), _links(case, anchors, w) if i == 0 else ""])
        body.append(table([esc(w(k)) for k in ("case", "field", "old", "new", "responsible")], rows))
    if data["users"]:
        policy = f"<code>{esc(data['new']['policy'])}</code>"
        body.append(f"<h2>{esc(w('users', policy=chr(0))).replace(chr(0), policy)}</h2>")
        body.append(table([esc(w("policy")), esc(w("reads")), esc(w("cases_changed"))], [
            [f"<code>{esc(u['policy'])}@{esc(u['version'])}</code>" + (f" ({esc(w('draft'))})" if u["status"] == "draft" else ""),
             ", ".join(f'<a href="#{esc(anchors[k, n])}"><code>{esc(n)}</code></a>' if (k := _kind(anchors, n)) else
                       f"<code>{esc(n)}</code>" for n in u["reads"]) or f'<span class="same">{esc(w("none").rstrip("."))}</span>',
             esc(w("n_of_m", n=u["changed"], m=u["cases"]))] for u in data["users"]], numeric={2}))
    body.append(f"<h2>{esc(w('changes'))}</h2>")
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
    body.append(f"<h2>{esc(w('by_action'))}</h2>")
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
