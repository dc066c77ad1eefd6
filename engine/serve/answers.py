"""What each endpoint answers, computed with the stages the CLI uses; no HTTP in here.

A request's body is one case document (JSON, or YAML: the case file as a user keeps it),
checked exactly as `frin decide` checks a file, with the same diagnostics; its options come
from the query string and mean what the CLI's options of the same name mean. Each function
takes the catalog snapshot the request started with and returns an `Answer`: the body, its
media type, and the decision it rests on (which the app logs before answering).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.diagnostics import Diagnostic
from ..core.errors import CaseError, UsageError
from .problems import Problem, problem_of

if TYPE_CHECKING:
    from starlette.datastructures import QueryParams

    from ..decide.decision import Decision
    from ..policy.case import LoadedCase
    from .catalog_holder import Snapshot

__all__ = ["Answer", "Options", "read_case", "decide", "explain", "why_not", "timeline", "BODY_NAME", "FORMATS"]

BODY_NAME = "<request body>"
FORMATS = ("text", "markdown", "html", "json")
_MEDIA = {"text": "text/plain; charset=utf-8", "markdown": "text/markdown; charset=utf-8",
          "html": "text/html; charset=utf-8", "json": "application/json"}


@dataclass
class Options:
    """The query string's options: the CLI's options of the same names."""

    policy: str | None = None
    as_of: dt.date | None = None
    include_drafts: bool = False
    trace: bool = False
    lang: str | None = None
    format: str = "text"
    action: str | None = None
    until: dt.date | None = None
    pays: list = field(default_factory=list)
    max_steps: int = 60

    @classmethod
    def parse(cls, query: QueryParams, default_format: str = "text") -> Options:
        from ..values.time import parse_date
        known = {"policy", "as_of", "include_drafts", "trace", "lang", "format", "action", "until", "pays", "max_steps"}
        unknown = sorted(set(query.keys()) - known)
        if unknown:
            raise UsageError(f"unknown query parameter(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")

        def date(name: str) -> dt.date | None:
            text = query.get(name)
            if text is None:
                return None
            try:
                return parse_date(text)
            except ValueError:
                raise UsageError(f"{name} `{text}` is not a date (YYYY-MM-DD)") from None

        def flag(name: str) -> bool:
            text = (query.get(name) or "false").lower()
            if text not in ("true", "false", "1", "0", "yes", "no"):
                raise UsageError(f"{name} `{text}` is not true or false")
            return text in ("true", "1", "yes")

        fmt = query.get("format") or default_format
        if fmt not in FORMATS:
            raise UsageError(f"format `{fmt}` is not one of {', '.join(FORMATS)}")
        steps = query.get("max_steps") or "60"
        if not steps.isdigit() or not 1 <= int(steps) <= 500:
            raise UsageError(f"max_steps `{steps}` is not a whole number from 1 to 500")
        from ..decide.timeline import parse_payment
        return cls(query.get("policy"), date("as_of"), flag("include_drafts"), flag("trace"), query.get("lang"), fmt,
                   query.get("action"), date("until"), [parse_payment(p) for p in query.getlist("pays")], int(steps))

    def request_json(self, endpoint: str) -> dict:
        """What the log records of the request: the options that chose the versions and the date."""
        return {"endpoint": endpoint, "policy": self.policy, "as_of": self.as_of.isoformat() if self.as_of else None,
                "include_drafts": self.include_drafts}


@dataclass
class Answer:
    body: str
    media_type: str
    decision: dict | None = None        # the decision answered (logged before the answer is sent)
    versions: list = field(default_factory=list)     # "name@version sha256=…" of every version that decided


def read_case(body: bytes) -> LoadedCase:
    """The case in a request body, checked as a case file is; a problem naming each field otherwise."""
    from ..core.document import parse_document
    from ..core.source import Source
    from ..policy.case import case_from_data
    if not body.strip():
        raise Problem(400, "empty-body", "The request has no case",
                      "send one case document (JSON or YAML, schemas/case.schema.json) as the body")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise problem_of(CaseError([Diagnostic("invalid-encoding", f"the body is not UTF-8 ({err.reason} at byte "
                                                                   f"{err.start})", path=BODY_NAME)])) from None
    doc = parse_document(Source(BODY_NAME, text))
    if isinstance(doc, Diagnostic):
        raise problem_of(CaseError([doc]))
    if not isinstance(doc.data, dict):
        raise problem_of(CaseError([Diagnostic("schema-violation", "a case must be a mapping", doc.span(()))]), doc)
    try:
        return case_from_data(doc.data, BODY_NAME, doc)
    except CaseError as err:
        raise problem_of(err, doc) from None


def _decided(snapshot: Snapshot, case: LoadedCase, options: Options, trace: bool) -> Decision:
    from ..decide.decision import decide_case
    catalog = snapshot.catalog
    as_of = options.as_of or case.data.get("as_of") or catalog.today(options.policy or case.data.get("policy"))
    try:
        return decide_case(catalog, case, as_of, options.policy, options.include_drafts, trace=trace, fast=not trace)
    except CaseError as err:
        raise problem_of(err, case.document) from None


def _versions(decision: dict) -> list[str]:
    return _named(decision["policy"])


def _named(policy: dict) -> list[str]:
    """Every version in a decision's `policy` block as `name@version sha256=…`, the deciding one first."""
    return [f"{p['name']}@{p['version']} sha256={p['sha256']}" for p in [policy, *policy["uses"]]]


def decide(snapshot: Snapshot, case: LoadedCase, options: Options) -> Answer:
    decision = _decided(snapshot, case, options, options.trace)
    out = decision.to_dict(include_trace=options.trace)
    return Answer(json.dumps(out, ensure_ascii=False), _MEDIA["json"], out, _versions(out))


def _html(markdown: str, title: str, lang: str) -> str:
    """Markdown as HTML with markdown-it-py (CommonMark, raw HTML off: case text cannot inject markup)."""
    from markdown_it import MarkdownIt

    from ..review.html import esc, page
    document = page(title, MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown))
    return document.replace('<html lang="en">', f'<html lang="{esc(lang)}">', 1)


def explain(snapshot: Snapshot, case: LoadedCase, options: Options) -> Answer:
    from ..explain.text import explain_language, explain_text
    decision = _decided(snapshot, case, options, trace=True)
    lang = explain_language(decision, options.lang)
    out = decision.to_dict(include_trace=False)
    if options.format == "json":
        body = json.dumps({"decision": out, "lang": lang,
                           "markdown": explain_text(decision, snapshot.catalog, lang, markdown=True)}, ensure_ascii=False)
    else:
        body = explain_text(decision, snapshot.catalog, lang, markdown=options.format != "text")
        if options.format == "html":
            body = _html(body, f"{decision.case_id}: {decision.action}", lang)
    return Answer(body, _MEDIA[options.format], out, _versions(out))


def why_not(snapshot: Snapshot, case: LoadedCase, options: Options) -> Answer:
    from ..explain.text import explain_language
    from ..explain.why_not import render_why_not
    from ..explain.why_not import why_not as blocked_by
    if not options.action:
        raise UsageError("why-not needs `action`: the action to ask about, e.g. ?action=send_betalingsoppfordring")
    decision = _decided(snapshot, case, options, trace=True)
    lang = explain_language(decision, options.lang)
    result = blocked_by(decision, snapshot.catalog, case, options.action, options.include_drafts)
    out = decision.to_dict(include_trace=False)
    markdown = options.format != "text"
    text = render_why_not(result, decision, snapshot.catalog, lang, markdown=markdown)
    if options.format == "json":
        body = json.dumps({"decision": out, "why_not": result.to_json(), "lang": lang,
                           "markdown": render_why_not(result, decision, snapshot.catalog, lang, markdown=True)},
                          ensure_ascii=False)
    else:
        body = _html(text, f"why not {options.action}", lang) if options.format == "html" else text
    return Answer(body, _MEDIA[options.format], out, _versions(out))


def timeline(snapshot: Snapshot, case: LoadedCase, options: Options) -> Answer:
    """The projection (hypothetical decisions, not logged: none of them is made on the case)."""
    from ..decide.timeline import project
    from ..decide.timeline_json import timeline_json
    catalog = snapshot.catalog
    start = options.as_of or case.data.get("as_of") or catalog.today(options.policy or case.data.get("policy"))
    try:
        result = project(catalog, case, start, options.until, options.pays, options.policy, options.include_drafts,
                         options.max_steps)
    except CaseError as err:
        raise problem_of(err, case.document) from None
    data = timeline_json(result)
    versions = list(dict.fromkeys(v for row in result.rows for v in _named(row.decision.policy_json())))
    return Answer(json.dumps(data, ensure_ascii=False), _MEDIA["json"], None, versions)
