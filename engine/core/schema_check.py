"""JSON Schema validation of a `Document`, with errors mapped to file line:col.

Uses jsonschema's lazy `iter_errors`; each error's `absolute_path` is looked up in the
document's span table. Unknown keys point at the key itself and suggest the nearest known
key; the most relevant error of a `oneOf`/`anyOf` is found with `best_match`.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .diagnostics import Diagnostic, did_you_mean
from .document import Document

if TYPE_CHECKING:
    import jsonschema

__all__ = ["schema_diagnostics", "load_checked", "load_schema", "SCHEMA_DIR"]

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    schema: dict = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return schema


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.Draft202012Validator:
    import jsonschema  # here, not at the top: a warm `frin decide` never needs it for policies
    schema = load_schema(name)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _where(path: Iterable[str | int]) -> str:
    parts: list[str] = []
    for p in path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "the document"


MAX_PROBLEMS = 1000     # a document with more schema problems is reported up to here (bounded time and memory)


def load_checked(path: Path, shown: str, schema_name: str, what: str, file_kind: str
                 ) -> tuple[Document | None, list[Diagnostic]]:
    """A data file (policy, jurisdiction, locale) read safely and checked against its schema.

    The one way every catalog file enters: safe YAML with its limits, a mapping at the top,
    then the schema; the document comes back only when all three hold, so a loader builds
    its records from data the schema has already vouched for.
    """
    from .document import load_document
    doc = load_document(path, shown)
    if isinstance(doc, Diagnostic):
        return None, [doc]
    if not isinstance(doc.data, dict):
        return None, [Diagnostic("schema-violation", f"a {file_kind} must be a mapping", doc.span(()))]
    problems = schema_diagnostics(doc, schema_name, what)
    return (None, problems) if problems else (doc, [])


def schema_diagnostics(doc: Document, schema_name: str, what: str) -> list[Diagnostic]:
    """Every schema violation in `doc` (up to MAX_PROBLEMS), one diagnostic each, at the offending value or key."""
    from jsonschema.exceptions import best_match
    out: list[Diagnostic] = []
    required_seen: set[tuple] = set()
    for error in _validator(schema_name).iter_errors(doc.data):
        if len(out) >= MAX_PROBLEMS:
            out.append(Diagnostic("too-many-problems", f"stopped after {MAX_PROBLEMS} problems in this {what}",
                                  path=doc.path, help="fix the problems reported and run again"))
            break
        if error.validator in ("oneOf", "anyOf") and error.context:
            error = best_match(error.context) if error.validator == "anyOf" else error
        if error.validator == "required":
            # jsonschema yields one `required` error per missing key, all naming the same
            # schema and instance: the first is diagnosed with every missing key.
            where = (tuple(error.absolute_path), tuple(error.absolute_schema_path))
            if where in required_seen:
                continue
            required_seen.add(where)
        out.extend(_diagnose(doc, error, what))
    return out


def _diagnose(doc: Document, error: jsonschema.ValidationError, what: str) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    where = _where(path)
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted((error.schema.get("properties") or {}).keys())
        extra = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        return [
            Diagnostic("unknown-key", f"unknown key `{key}` in {where}", doc.span(path + (key,), key=True),
                       help=did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}")
            for key in extra
        ]
    if kind == "required":
        # The structured error: the schema's `required` list against the instance's keys
        # (jsonschema's message is English text, not an interface).
        missing = [key for key in error.validator_value if key not in error.instance]
        return [Diagnostic("missing-key", f"{where} needs `{key}`", doc.span(path, key=True),
                           help=f"add `{key}:` ({_describe(error.schema, key)})")
                for key in missing]
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        return [Diagnostic("invalid-value", f"`{error.instance}` is not allowed for {where}", doc.span(path),
                           help=did_you_mean(str(error.instance), options) or f"one of: {', '.join(options)}")]
    if kind == "type":
        expected = error.validator_value
        hint = None
        if "string" in (expected if isinstance(expected, list) else [expected]) and not isinstance(error.instance, (dict, list)):
            hint = "quote it: money and dates are written as strings, e.g. \"1250.00\""
            if isinstance(error.instance, bool):
                hint = "quote it: YAML reads unquoted yes/no/on/off (and the country code NO) as true/false"
        return [Diagnostic("wrong-type", f"{where} must be {_article(expected)}, not {_json_type(error.instance)}",
                           doc.span(path), help=hint)]
    if kind == "oneOf":
        forms = [key for branch in error.validator_value for key in branch.get("required", ())]
        message = (f"{where} must have exactly one of {', '.join(f'`{f}`' for f in forms)}" if forms
                   else f"{where} does not match any allowed form")
        return [Diagnostic("invalid-value", message, doc.span(path), help="see schemas/policy.schema.json")]
    if kind == "pattern" and "propertyNames" in error.schema_path:     # a key (a definition's name) is wrong
        return [Diagnostic("invalid-value", f"`{error.instance}` is not a valid name in {where} (lower-case letters, "
                                            "digits and `_`, starting with a letter or `_`)",
                           doc.span(path + (error.instance,), key=True))]
    if kind in ("pattern", "format"):
        return [Diagnostic("invalid-value", f"`{_short(error.instance)}` is not a valid {_pattern_name(error)} for {where}",
                           doc.span(path), help=error.schema.get("description"))]
    message = error.message if len(error.message) < 160 else error.message[:157] + "…"
    return [Diagnostic("schema-violation", f"{where}: {message}", doc.span(path))]


def _describe(schema: dict, key: str) -> str:
    sub = (schema.get("properties") or {}).get(key, {})
    return sub.get("description") or f"see the {key} field in the schema"


def _pattern_name(error: jsonschema.ValidationError) -> str:
    if error.validator == "format":
        return str(error.validator_value)
    if str(error.validator_value).startswith("^[a-z][a-z0-9-]*"):
        return "policy name (NAME or NAME@YYYY-MM-DD: lower-case letters, digits and `-`)"
    if str(error.validator_value).startswith("^\\d{4}-\\d{2}-\\d{2}"):
        return "date (YYYY-MM-DD)"
    if "\\d+(\\.\\d{1,2})?" in str(error.validator_value):
        return "amount (e.g. \"1250.00\")"
    return "value"


def _short(value: object) -> str:
    """A value as shown in a message: long text cut in the middle (a message stays one short line)."""
    text = str(value)
    return text if len(text) <= 60 else text[:40] + "…" + text[-12:]


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return f"the number {value}"
    if value is None:
        return "empty (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text"


def _article(expected: str | list[str]) -> str:
    names = {"string": "text", "object": "a mapping", "array": "a list", "boolean": "true or false",
             "number": "a number", "integer": "a whole number", "null": "empty"}
    if isinstance(expected, list):
        return " or ".join(names.get(e) or str(e) for e in expected)
    return names.get(expected, expected)
