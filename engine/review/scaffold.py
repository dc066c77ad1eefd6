"""`frin new-version POLICY DATE`: the routine change (a new sats, a new half-year rate) as a file.

Copies the version in force on DATE, as text (every comment kept), sets `effective`, and
marks each figure due for review by DATE (`review_by` on or before it) for a new value and
source: a value figure's `source` becomes a `TODO` marker, a schedule gains an entry from
DATE (the current value, its `source` a marker). `frin validate` refuses a `TODO` source
(`unfinished-figure`), so a marked figure cannot be forgotten. With `--draft` the file goes
to `drafts/` (layout.py). It then prints the next steps of the loop.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..core.diagnostics import Diagnostic, did_you_mean, relative
from ..core.document import load_document
from ..core.errors import UsageError
from ..policy.layout import expected_path

if TYPE_CHECKING:

    from ..check.pipeline import Catalog

__all__ = ["MARKERS", "TODO", "new_version", "unfinished_figures"]

TODO = "TODO (frin new-version)"

# The sentences after a marker, in English; `frin new-version --lang` passes the locale's
# (`words.new_version`), so the file says what to fill in in the reader's language. The
# marker itself stays `TODO`: it is what `frin validate` finds.
MARKERS = {
    "marker_value": "new value and source from {day} (was {source})",
    "marker_schedule": "the regulation that sets {name} from {day}",
    "marker_header": "describe this version ({day}): what changed and the regulation that\n"
                     "changed it. Made with `frin new-version` from {base}.",      # a line break per comment line
}


def _english(key: str, /, **values) -> str:
    return MARKERS[key].format(**values)


def _line_start(text: str, line: int) -> int:
    return sum(len(x) for x in text.splitlines(keepends=True)[:line - 1])


def new_version(catalog: Catalog, policies: Path, name: str, effective: dt.date, draft: bool = False,
                said: Callable[..., str] = _english):
    """Write the new version's file; return (path, base version, marked figures as (name, what, line)).
    `said(key, **values)`: the sentences of `MARKERS` in the reader's language."""
    versions = [v for v in catalog.versions(name) if not v.is_draft]
    if not versions:
        hint = did_you_mean(name, catalog.policies.names())
        raise UsageError(f"unknown policy `{name}`" + (f": {hint}" if hint else "")     # as check/pipeline.py says it
                         + f" (known: {', '.join(catalog.policies.names()) or 'none'})")
    earlier = [v for v in versions if v.effective < effective]
    if not earlier:
        raise UsageError(f"no published version of `{name}` before {effective} to start from")
    base = earlier[-1]
    if not draft and any(v.effective >= effective for v in versions):
        later = min(v.effective for v in versions if v.effective >= effective)
        raise UsageError(f"`{name}` already has a published version from {later}: a new version must be dated after "
                         f"the newest ({versions[-1].effective})")
    target = policies / expected_path(name, effective, draft)
    if target.exists():
        raise UsageError(f"`{relative(target)}` already exists")
    doc = base.document
    text = doc.source.text
    edits: list[tuple[int, int, str]] = []          # (start, end, replacement), applied from the end
    marked: list[tuple[str, str, tuple]] = []      # (figure, what to fill in, its path in the document)
    for pname, p in base.parameters.items():
        if p.review_by is None or p.review_by > effective:
            continue
        if p.form == "schedule":
            first = doc.span(("parameters", pname, "schedule", 0))
            start = _line_start(text, first.line)
            indent = " " * (first.col - 3)
            value = doc.data["parameters"][pname]["schedule"][0]["value"]
            source = json.dumps(f"{TODO}: " + said("marker_schedule", name=pname, day=effective), ensure_ascii=False)
            line = f"{indent}- {{from: {effective}, value: {value}, source: {source}}}\n"
            edits.append((start, start, line))
            marked.append((pname, "a new entry from " + str(effective), ("parameters", pname, "schedule", 0)))
        else:
            span = doc.span(("parameters", pname, "source"))
            start = _line_start(text, span.line) + span.col - 1
            end = _line_start(text, span.end_line) + span.end_col - 1
            marker = f"{TODO}: " + said("marker_value", day=effective, source=p.source)
            edits.append((start, end, json.dumps(marker, ensure_ascii=False)))
            marked.append((pname, "value and source", ("parameters", pname, "source")))
    span = doc.span(("effective",))
    start = _line_start(text, span.line) + span.col - 1
    end = _line_start(text, span.end_line) + span.end_col - 1
    edits.append((start, end, effective.isoformat()))
    if draft:
        status = doc.span(("status",)) if "status" in doc.data else None
        if status is not None:
            s, e = _line_start(text, status.line) + status.col - 1, _line_start(text, status.end_line) + status.end_col - 1
            edits.append((s, e, "draft"))
        else:
            edits.append((end, end, "\nstatus: draft"))
    for s, e, new in sorted(edits, reverse=True):
        text = text[:s] + new + text[e:]
    lines = (f"{TODO}: " + said("marker_header", day=effective, base=base.key)).splitlines()
    header = "".join(f"# {line}\n" for line in lines)
    policy_line = _line_start(text, doc.span(("policy",), key=True).line)
    text = text[:policy_line] + header + text[policy_line:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    written = load_document(target, relative(target))
    if isinstance(written, Diagnostic):       # the edits above broke the file: say so, not a traceback
        raise UsageError(f"`{relative(target)}` was written but does not load ({written.message}): "
                         "edit it by hand, or report this as a bug")
    return target, base, [(n, what, written.span(at).line) for n, what, at in marked]


def unfinished_figures(catalog: Catalog) -> list[Diagnostic]:
    """A `TODO (frin new-version)` marker left in a figure's source."""
    out = []
    for v in catalog.policies.all():
        for name, raw in (v.document.data.get("parameters") or {}).items():
            sources = [("source",)] + [("schedule", i, "source") for i in range(len(raw.get("schedule") or ()))]
            for at in sources:
                value = raw
                for k in at:
                    value = value[k] if isinstance(value, dict) or isinstance(k, int) else None
                if isinstance(value, str) and value.startswith(TODO):
                    out.append(Diagnostic("unfinished-figure", f"`{name}` is marked for a new value and source",
                                          v.document.span(("parameters", name) + at),
                                          help="write the figure in force from this version's date and cite the "
                                               "regulation that sets it (then remove the marker)"))
    return out
