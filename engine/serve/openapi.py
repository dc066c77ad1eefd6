"""The OpenAPI 3.1 document of the service, whose Case and Decision schemas ARE the project's.

`components.schemas.Case` and `.Decision` are `schemas/case.schema.json` and
`schemas/decision.schema.json` as read from the package (OpenAPI 3.1 takes JSON Schema
2020-12 as it is), so the API can never describe a case or a decision differently from the
CLI; tests/serve/test_serve.py checks they are the same objects.
"""
from __future__ import annotations

__all__ = ["openapi_document"]

_PROBLEM = {
    "type": "object", "description": "RFC 9457 problem details; `errors` carries the CLI's diagnostics.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "field": {"type": ["string", "null"]}, "message": {"type": "string"},
            "hint": {"type": ["string", "null"]}, "line": {"type": ["integer", "null"]},
            "column": {"type": ["integer", "null"]}, "severity": {"enum": ["error", "warning"]}}}},
    },
}


def _param(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


_COMMON = [
    _param("policy", "NAME or NAME@VERSION (default: the case's `policy`)"),
    _param("as_of", "decision date YYYY-MM-DD (default: the case's as_of, else today in the jurisdiction)",
           {"type": "string", "format": "date"}),
    _param("include_drafts", "let draft versions decide", {"type": "boolean"}),
]
_LANG = _param("lang", "language of the explanation (default: the jurisdiction's first)")
_FORMAT = _param("format", "text, markdown, html or json", {"enum": ["text", "markdown", "html", "json"]})
_PROBLEMS = {str(code): {"description": text, "content": {"application/problem+json": {
    "schema": {"$ref": "#/components/schemas/Problem"}}}} for code, text in (
    (400, "malformed request or body"), (401, "missing or wrong bearer token"),
    (408, "the body did not arrive within the time limit"), (413, "body over the size limit"),
    (415, "body not JSON or YAML"), (422, "the case is not valid, or a rule cannot be evaluated for it"),
    (503, "the decision log cannot take the record, or the time limit passed: nothing was decided"))}
_CASE_BODY = {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/Case"}},
    "application/yaml": {"schema": {"$ref": "#/components/schemas/Case"}}}}
_LOGGED = {"Frist-Log-Id": {"description": "the decision log record's id (`frin replay ID`)",
                            "schema": {"type": "string"}},
           "Frist-Versions": {"description": "every version that decided: name@version sha256=…",
                              "schema": {"type": "string"}}}


def _post(summary: str, params: list, ok: dict) -> dict:
    return {"post": {"summary": summary, "parameters": params, "requestBody": _CASE_BODY,
                     "responses": {"200": ok, **_PROBLEMS}, "security": [{"bearer": []}, {}]}}


def _text_ok(description: str) -> dict:
    return {"description": description, "headers": _LOGGED, "content": {
        "text/plain": {"schema": {"type": "string"}}, "text/markdown": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}}


def openapi_document(version: str) -> dict:
    from ..core.schema_check import load_schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "Frist decision service", "version": version,
                 "description": "Decide, explain and project debt-collection cases; every decision is logged "
                                "before it is answered (docs/service.md)."},
        "paths": {
            "/v1/decide": _post("decide a case's next action", _COMMON + [
                _param("trace", "include the trace (reference evaluator)", {"type": "boolean"})],
                {"description": "the decision", "headers": _LOGGED,
                 "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}}),
            "/v1/explain": _post("explain a case's decision for a person", _COMMON + [_LANG, _FORMAT],
                                 _text_ok("the explanation")),
            "/v1/why-not": _post("what blocks an action, and when", _COMMON + [_LANG, _FORMAT, {
                **_param("action", "the action asked about"), "required": True}], _text_ok("the answer")),
            "/v1/timeline": _post("the case projected forward if nobody pays", _COMMON + [
                _param("until", "stop after this date", {"type": "string", "format": "date"}),
                _param("pays", "AMOUNT@DATE (repeatable)"), _param("max_steps", "loop guard", {"type": "integer"})],
                {"description": "the timeline (as `frin timeline --format json`); not logged",
                 "content": {"application/json": {"schema": {"type": "object"}}}}),
            "/v1/policies": {"get": {"summary": "the catalog in service: names, versions, dates, sha256, lock state",
                                     "responses": {"200": {"description": "the catalog",
                                                           "content": {"application/json": {}}}}}},
            "/v1/reload": {"post": {"summary": "load the policy folder again; swapped only if it passes the lock",
                                    "responses": {"200": {"description": "the new catalog"}, **_PROBLEMS}}},
            "/healthz": {"get": {"summary": "the process is up", "responses": {"200": {"description": "ok"}}}},
            "/readyz": {"get": {"summary": "the catalog is loaded and the log answers",
                                "responses": {"200": {"description": "ready"}, "503": _PROBLEMS["503"]}}},
        },
        "components": {
            "schemas": {"Case": load_schema("case.schema.json"), "Decision": load_schema("decision.schema.json"),
                        "Problem": _PROBLEM},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
