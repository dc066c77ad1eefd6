"""Rendering a policy diff (`cli.diff.diff_data`) as text, markdown (for a pull request) or HTML.

All three put the changed cases first, grouped by the kind of change, each with old → new
values, the deciding rule and the changed figures it read; then the changes to the file;
then the counts. The HTML page links every case to the rule and figure responsible.
"""
from __future__ import annotations

from .html import esc, page, table

__all__ = ["render_text", "render_markdown", "render_html", "RENDERERS"]


def _side(s: dict) -> str:
    return s["key"] + (f" ({s['path']})" if s["spec"] != s["key"] else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _value(v) -> str:
    return "—" if v is None else str(v)


def _counts(data: dict) -> str:
    s = data["summary"]
    extra = "".join(f", {s[k]} {label}" for k, label in (("errors", "with errors"), ("not_affected", "not affected"),
                                                       ("invalid", "invalid case files")) if s[k])
    return f"{s['cases']} cases, {s['changed']} changed, {s['unchanged']} unchanged{extra}"


def _user(u: dict, code=lambda t: t) -> str:
    reads = ", ".join(code(n) for n in u["reads"]) or "none of the changed figures"
    draft = " (draft)" if u["status"] == "draft" else ""
    return (f"{code(u['policy'] + '@' + u['version'])}{draft}: reads {reads}; "
            f"{u['changed']} of {_count(u['cases'], 'case')} changed")


def _responsible(case: dict) -> str:
    old, new = case["rule"]["old"], case["rule"]["new"]
    rule = f"rule `{new}`" if old == new else f"rule `{old}` → `{new}`"
    figures = ", ".join(f"`{f}`" for f in case["figures"] + case["definitions"])
    return rule + (f"; changed figures read: {figures}" if figures else "")


def render_text(data: dict) -> str:
    out = [f"diff {_side(data['old'])} → {_side(data['new'])} on the cases in {data['cases_dir']}",
           _counts(data), ""]
    for group in data["groups"]:
        out.append(f"{group['kind']} ({_count(len(group['cases']), 'case')})")
        for case in group["cases"]:
            out.append(f"  {case['case_id']} ({case['path']}, {case['as_of']}): {_responsible(case)}")
            if case["error"]:
                out += [f"      old: {_value(case['error']['old'])}", f"      new: {_value(case['error']['new'])}"]
            for f in case["fields"]:
                out.append(f"      {f['field']}: {_value(f['old'])} → {_value(f['new'])}")
        out.append("")
    if data["users"]:
        out.append(f"policies that use {data['new']['policy']} (the changed figures each reads):")
        for u in data["users"]:
            out.append(f"  {_user(u)}")
        out.append("")
    out.append("policy changes:" if data["changes"] else "policy changes: none")
    for c in data["changes"]:
        out.append(f"  {c['status']} {c['kind']} `{c['name']}` ({c['where']})")
        for f in c["fields"]:
            if c["status"] == "changed":
                out.append(f"      {f['field']}: {_value(f['old'])} → {_value(f['new'])}")
            else:
                out.append(f"      {f['field']}: {_value(f['old'] if c['status'] == 'removed' else f['new'])}")
    out += ["", "by action (old → new): " + ", ".join(
        f"{a} {n['old']} → {n['new']}" for a, n in data["summary"]["by_action"].items())]
    return "\n".join(out) + "\n"


def _md(v) -> str:
    return "—" if v is None else "`" + str(v).replace("|", "\\|").replace("`", "'") + "`"


def _side_md(s: dict) -> str:
    key = s["key"]
    return f"`{key}`" + (f" (`{s['spec']}`)" if s["spec"] != key else "")


def render_markdown(data: dict) -> str:
    s = data["summary"]
    out = [f"### Policy diff: {_side_md(data['old'])} → {_side_md(data['new'])}", "",
           f"**{s['changed']} of {s['cases']} cases change** ({_counts(data)}; cases in `{data['cases_dir']}`).", ""]
    if data["groups"]:
        out += ["#### Changed decisions", ""]
    for group in data["groups"]:
        out += [f"**{group['kind']}** ({len(group['cases'])})", "",
                "| case | field | old | new | responsible |", "|---|---|---|---|---|"]
        for case in group["cases"]:
            rows = [(f["field"], f["old"], f["new"]) for f in case["fields"]]
            if case["error"]:
                rows.insert(0, ("error", case["error"]["old"], case["error"]["new"]))
            for i, (name, old, new) in enumerate(rows):
                who = f"`{case['case_id']}`" if i == 0 else ""
                resp = _responsible(case) if i == 0 else ""
                out.append(f"| {who} | {name} | {_md(old)} | {_md(new)} | {resp} |")
        out.append("")
    if data["users"]:
        out += [f"#### Policies that use `{data['new']['policy']}`", "",
                "| policy | changed figures it reads | cases changed |", "|---|---|---:|"]
        for u in data["users"]:
            reads = ", ".join(f"`{n}`" for n in u["reads"]) or "none"
            draft = " (draft)" if u["status"] == "draft" else ""
            out.append(f"| `{u['policy']}@{u['version']}`{draft} | {reads} | {u['changed']} of {u['cases']} |")
        out.append("")
    out += ["#### Changes in the policy file", ""]
    if not data["changes"]:
        out += ["None.", ""]
    else:
        out += ["| item | change | field | old | new |", "|---|---|---|---|---|"]
        for c in data["changes"]:
            for i, f in enumerate(c["fields"]):
                item = f"{c['kind']} `{c['name']}` ({c['where']})" if i == 0 else ""
                out.append(f"| {item} | {c['status'] if i == 0 else ''} | {f['field']} | {_md(f['old'])} | {_md(f['new'])} |")
        out.append("")
    out += ["#### Decisions by action", "", "| action | old | new |", "|---|---:|---:|"]
    out += [f"| `{a}` | {n['old']} | {n['new']} |" for a, n in s["by_action"].items()]
    if data["unchanged"]:
        out += ["", f"<details><summary>{_count(len(data['unchanged']), 'unchanged case')}</summary>", "",
                ", ".join(f"`{c['case_id']}` ({c['action']})" for c in data["unchanged"]), "", "</details>"]
    return "\n".join(out) + "\n"


def _cell(v, cls: str) -> str:
    return f'<span class="{cls}">{esc(v)}</span>' if v is not None else '<span class="same">—</span>'


def _links(case: dict, anchors: dict[tuple[str, str], str]) -> str:
    def link(kind: str, name: str) -> str:
        anchor = anchors.get((kind, name))
        label = f"<code>{esc(name)}</code>"
        return f'<a href="#{anchor}">{label}</a>' if anchor else label
    old, new = case["rule"]["old"], case["rule"]["new"]
    rules = [r for r in dict.fromkeys((old, new)) if r]
    parts = ["rule " + " → ".join(link("rule", r) for r in rules)]
    if case["figures"]:
        parts.append("figures " + ", ".join(link("parameter", f) for f in case["figures"]))
    if case["definitions"]:
        parts.append("definitions " + ", ".join(link("definition", d) for d in case["definitions"]))
    return "<br>".join(parts)


def _kind(anchors: dict, name: str) -> str | None:
    """`parameter` or `definition` when `name` has its own entry among the changes."""
    return next((kind for kind in ("parameter", "definition") if (kind, name) in anchors), None)


def render_html(data: dict) -> str:
    s = data["summary"]
    anchors = {(c["kind"], c["name"]): c["anchor"] for c in data["changes"]}
    title = f"{data['old']['key']} → {data['new']['key']}"
    body = [f"<h1>Policy diff: {esc(title)}</h1>",
            f'<p class="meta">old: <code>{esc(data["old"]["path"])}</code> (sha256 {esc(data["old"]["sha256"][:12])}) · '
            f'new: <code>{esc(data["new"]["path"])}</code> (sha256 {esc(data["new"]["sha256"][:12])}) · '
            f'cases: <code>{esc(data["cases_dir"])}</code></p>',
            '<div class="summary">' + "".join(f"<div><b>{s[k]}</b>{label}</div>" for k, label in (
                ("cases", "cases"), ("changed", "changed"), ("unchanged", "unchanged"), ("errors", "with errors"))) + "</div>"]
    body.append("<h2>Changed decisions</h2>" if data["groups"] else "<h2>Changed decisions</h2><p>None.</p>")
    for group in data["groups"]:
        body.append(f'<h3>{esc(group["kind"])} <span class="tag changed">{len(group["cases"])}</span></h3>')
        rows = []
        for case in group["cases"]:
            fields = [(f["field"], f["old"], f["new"]) for f in case["fields"]]
            if case["error"]:
                fields.insert(0, ("error", case["error"]["old"], case["error"]["new"]))
            first = (f'<b>{esc(case["case_id"])}</b><br><span class="same">{esc(case["path"])} · {esc(case["as_of"])}</span>')
            for i, (name, old, new) in enumerate(fields):
                rows.append([first if i == 0 else "", f"<code>{esc(name)}</code>", _cell(old, "old"), _cell(new, "new"),
                             _links(case, anchors) if i == 0 else ""])
        body.append(table(["case", "field", "old", "new", "responsible"], rows))
    if data["users"]:
        body.append(f"<h2>Policies that use <code>{esc(data['new']['policy'])}</code></h2>")
        body.append(table(["policy", "changed figures it reads", "cases changed"], [
            [f"<code>{esc(u['policy'])}@{esc(u['version'])}</code>" + (" (draft)" if u["status"] == "draft" else ""),
             ", ".join(f'<a href="#{esc(anchors[k, n])}"><code>{esc(n)}</code></a>' if (k := _kind(anchors, n)) else
                       f"<code>{esc(n)}</code>" for n in u["reads"]) or '<span class="same">none</span>',
             f"{u['changed']} of {u['cases']}"] for u in data["users"]], numeric={2}))
    body.append("<h2>Changes in the policy file</h2>")
    if not data["changes"]:
        body.append("<p>None.</p>")
    for c in data["changes"]:
        body.append(f'<h3 id="{esc(c["anchor"])}">{esc(c["kind"])} <code>{esc(c["name"])}</code> '
                    f'<span class="tag {esc(c["status"])}">{esc(c["status"])}</span> '
                    f'<span class="same">{esc(c["where"])}</span></h3>')
        body.append(table(["field", "old", "new"], [[f"<code>{esc(f['field'])}</code>", _cell(f["old"], "old"),
                                                     _cell(f["new"], "new")] for f in c["fields"]]))
    body.append("<h2>Decisions by action</h2>")
    body.append(table(["action", "old", "new"], [[f"<code>{esc(a)}</code>", str(n["old"]), str(n["new"])]
                                                 for a, n in s["by_action"].items()], numeric={1, 2}))
    if data["unchanged"]:
        body.append(f"<details><summary>{_count(len(data['unchanged']), 'unchanged case')}</summary>")
        body.append(table(["case", "file", "action", "rule"], [[esc(c["case_id"]), esc(c["path"]), f"<code>{esc(c['action'])}</code>",
                                                                f"<code>{esc(c['rule'])}</code>"] for c in data["unchanged"]]))
        body.append("</details>")
    if data["invalid"]:
        body.append("<h2>Invalid case files</h2>")
        body.append(table(["file", "error"], [[esc(c["path"]), esc(c["error"])] for c in data["invalid"]]))
    return page(f"Policy diff {title}", "\n".join(body))


RENDERERS = {"text": render_text, "markdown": render_markdown, "html": render_html}
