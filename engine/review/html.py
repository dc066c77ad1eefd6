"""One self-contained HTML page: inline CSS, no script, no external asset.

Shared by the timeline and diff renderers, so both look alike in a reviewer's browser.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from html import escape

__all__ = ["esc", "code_spans", "page", "table"]

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:2rem auto;max-width:76rem;padding:0 1.5rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #dde2ea;padding-bottom:.25rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.meta{color:#5b6474;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e6e9ef;vertical-align:top}
th{background:#f4f6f9;font-weight:600;font-size:.85rem;color:#3b4252}
td.num,th.num{text-align:right}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f4f6f9;padding:.05rem .25rem;border-radius:3px}
.old{background:#fdecec;color:#8a1c1c;text-decoration:line-through;text-decoration-color:#d79b9b}
.new{background:#e7f6ea;color:#14532d}
.same{color:#5b6474}
.tag{display:inline-block;font-size:.75rem;padding:.05rem .45rem;border-radius:9px;background:#eef1f6;color:#3b4252;margin-left:.3rem}
.tag.changed{background:#fff1d6;color:#7a4b00}.tag.error{background:#fdecec;color:#8a1c1c}
.tag.added{background:#e7f6ea;color:#14532d}.tag.removed{background:#fdecec;color:#8a1c1c}
.note{background:#fff8e6;border-left:3px solid #e0a800;padding:.3rem .6rem;margin:.2rem 0;font-size:.9rem}
.summary{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.summary div{background:#f4f6f9;border-radius:6px;padding:.5rem .9rem}
.summary b{display:block;font-size:1.4rem}
tr.version-change td{border-top:2px solid #e0a800}
.timeline td:nth-child(-n+2),.timeline td:nth-child(5),.timeline td.num,.timeline th{white-space:nowrap}
.timeline td:last-child{min-width:15rem}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
:target{outline:2px solid #e0a800;outline-offset:2px}
"""


def esc(text: object) -> str:
    """HTML-escaped text (quotes too, so it is safe in attributes)."""
    return escape("" if text is None else str(text), quote=True)


def code_spans(text: str) -> str:
    """Escaped text with its `backticked` names as <code>.

    >>> code_spans("rule `a<b`")
    'rule <code>a&lt;b</code>'
    """
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", esc(text))


def page(title: str, body: str, lang: str = "en") -> str:
    """A whole document around `body` (already HTML), in language `lang`."""
    return (f"<!DOCTYPE html>\n<html lang=\"{esc(lang)}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{esc(title)}</title>\n"
            f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def table(head: list[str], rows: list[list[str]], numeric: Collection[int] = frozenset(), row_class: list[str] | None = None) -> str:
    """A table from already-escaped cells; columns in `numeric` are right-aligned."""
    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""
    out = ["<table>", "<thead><tr>" + "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(head)) + "</tr></thead>", "<tbody>"]
    for n, row in enumerate(rows):
        rc = f' class="{row_class[n]}"' if row_class and row_class[n] else ""
        out.append(f"<tr{rc}>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)
