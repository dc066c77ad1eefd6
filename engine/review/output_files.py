"""The files generated from the output registry: both JSON Schemas' output parts and docs/outputs.md.

`schemas/jurisdiction.schema.json` (the roles its `outputs:` may name),
`schemas/decision.schema.json` (what `frin decide` prints: its output fields, the list of
required fields, a blocked decision's `proposed`) and `schemas/policy.schema.json` (a rule's
output keys, an example's `expect` keys) are derived from `policy/outputs.py`; every other
part of them is written by hand and kept as it is. docs/outputs.md is the registry as a
table for people (with each output's nb/en words from explain/words.py).
`python -m engine.review.output_files` rewrites the three files; tests/policy/test_outputs.py
fails when a committed one is stale.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..core.schema_check import SCHEMA_DIR
from ..policy.outputs import DECISION_HEAD, DECISION_TAIL, EXPECT_FIXED, PRODUCT, ROLES, RULE_FIXED, VALUE, Output, all_outputs, columns, inputs, json_order

__all__ = ["render", "decision_schema", "policy_schema", "outputs_page", "dump", "main"]

DOCS_DIR = SCHEMA_DIR.parent / "docs"
_EXAMPLE = {"Money": '`"38.00"`', "Date": '`"2026-03-16"`', "Percent": '`"12.5 %"`'}

_REFS = {"Money": "money", "Date": "date", "Percent": "percent"}
# $defs the output parts refer to (money, date, sha256 and the *_or_null forms are hand-written)
_PERCENT = {"percent": {"type": "string", "pattern": "^\\d+(\\.\\d+)? %$"},
            "percent_or_null": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/percent"}]}}


def _ref(typ, nullable: bool = True) -> dict:
    name = _REFS[str(typ)]
    return {"$ref": f"#/$defs/{name}_or_null" if nullable else f"#/$defs/{name}"}


def output_property(o: Output, described: bool = True) -> dict:
    """The decision schema of one output."""
    if o.form == PRODUCT:
        (_, rate), (_, basis) = inputs(o)
        shape = {"type": "object", "required": ["rate", "basis", "amount"], "additionalProperties": False,
                 "properties": {"rate": _ref(rate, False), "basis": _ref(basis, False), "amount": _ref(o.type, False)}}
        out: dict[str, Any] = {"oneOf": [{"type": "null"}, shape]}
    else:
        out = _ref(o.type)
    return {**out, "description": o.description} if described else out


def decision_schema(current: dict) -> dict:
    """`current` with its output parts regenerated (hand-written fields kept, in the decision's order)."""
    props, required = current["properties"], set(current["required"])
    outputs = json_order()
    fields = [*DECISION_HEAD, *(o.name for o in outputs), *DECISION_TAIL]
    new_props = {k: props[k] for k in DECISION_HEAD}
    new_props.update({o.name: output_property(o) for o in outputs})
    new_props.update({k: props[k] for k in DECISION_TAIL})
    names = {o.name for o in outputs if o.required}
    proposed = new_props["violations"]["items"]["properties"]["proposed"]
    values = [o for o in outputs if o.form == VALUE]
    proposed["required"] = ["action", "step", *(o.name for o in values if o.required)]
    proposed["properties"] = {k: proposed["properties"][k] for k in ("action", "step")}
    proposed["properties"].update({o.name: output_property(o, described=False) for o in values})
    every = {o.name for o in all_outputs()}      # an output is required only where the registry says so
    return {**current, "required": [k for k in fields if k in names or (k not in every and k in required)],
            "properties": new_props, "$defs": {**current["$defs"], **_PERCENT}}


def policy_schema(current: dict) -> dict:
    """`current` with a rule's output keys and an example's `expect` keys regenerated."""
    rule = current["$defs"]["rule"]
    fixed = {k: rule["properties"][k] for k in RULE_FIXED}
    keys = {}
    for o in all_outputs():
        for key, typ in inputs(o):
            what = o.description if o.form == VALUE else \
                f"The {o.name}'s {key.rsplit('_', 1)[1]} ({o.description[0].lower()}{o.description[1:]})"
            keys[key] = {"$ref": "#/$defs/expression", "description": f"{typ}. {what}"}
    before = RULE_FIXED[:RULE_FIXED.index("step") + 1]
    rule["properties"] = {**{k: fixed[k] for k in before}, **keys, **{k: fixed[k] for k in RULE_FIXED if k not in before}}
    expect = current["$defs"]["example"]["properties"]["expect"]
    kept = expect["properties"]
    generic = {"type": ["string", "null"]}
    shown = {o.name: {**generic, "description": o.description if o.form == VALUE else
                      f"The {o.name}'s amount ({o.description[0].lower()}{o.description[1:]})"}
             for o in all_outputs()}
    expect["properties"] = {**{k: kept.get(k, generic) for k in EXPECT_FIXED if k != "set_aside"}, **shown,
                            "set_aside": kept["set_aside"]}
    return current


def jurisdiction_schema(current: dict) -> dict:
    """`current` with the roles a jurisdiction's `outputs:` may name regenerated."""
    current["properties"]["outputs"]["propertyNames"] = {"enum": list(ROLES)}
    return current


def dump(value: Any, indent: int = 0, width: int = 120, used: int = 0) -> str:
    """JSON with containers on one line when they fit in `width`, else one item per line."""
    one = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or not value or used + len(one) <= width:
        return one
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            head = f"{pad}{json.dumps(k, ensure_ascii=False)}: "
            items.append(head + dump(v, indent + 2, width, len(head)))
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    return "[\n" + ",\n".join(pad + dump(v, indent + 2, width, len(pad)) for v in value) + "\n" + " " * indent + "]"


def outputs_page() -> str:
    """docs/outputs.md: every output with its rule keys, JSON form, batch columns and behaviour."""
    from ..policy.locale import load_locales
    locales, _, _ = load_locales([])                # the bundled catalog's words (policies/locales/)
    rows = []
    for o in all_outputs():
        keys = ", ".join(f"`{k}` ({t})" for k, t in inputs(o))
        form = '`{"rate", "basis", "amount"}` or null' if o.form == PRODUCT else f"{_EXAMPLE[str(o.type)]} or null"
        cols = ", ".join(f"`{c}` ({kind})" for c, kind in columns(o))
        words = " / ".join(locales[lang].words["outputs"].get(o.label, "—") for lang in sorted(locales))
        timeline = {None: "—", "field": "row JSON", "cost": "row JSON, fee column",
                    "when": f"row JSON, deadline column{' (' + o.when_prefix.strip() + ')' if o.when_prefix else ''}"}
        law = {None: "—", "charge": "`decision." + o.name + "` (Money, 0 when none)",
               "value": "`decision." + o.name + "` (optional)"}
        role = f"`{o.role}`" + (" (where named)" if o.named_only else "") if o.role else "— (every jurisdiction)"
        rows.append(f"| `{o.name}` | {role} | {keys} | {form} | {cols} | {'yes' if o.diff else 'no'} | {timeline[o.timeline]} "
                    f"| {law[o.law]} | {words} | {o.description} |")
    return "\n".join([
        "# Decision outputs",
        "",
        "<!-- generated from engine/policy/outputs.py by `python -m engine.review.output_files`; do not edit -->",
        "",
        "What a rule may give besides its `action` (and `step`), and how each output is shown: in the",
        "decision JSON (schemas/decision.schema.json), as batch columns, compared by `frin diff` and by",
        "an example's `expect`, in `frin timeline`, to the law's constraints as `decision.<name>`, and",
        f"in `frin explain` ({' / '.join(sorted(locales))}). docs/architecture.md, \"The output registry\", says how to add one.",
        "",
        "Each output plays a role; a jurisdiction file names its outputs onto the roles (`outputs:`,",
        "policies/jurisdictions/*.yaml) and its decisions carry only those. Roles: "
        + "; ".join(f"`{r}`: {m}" for r, m in ROLES.items()) + ".",
        "",
        f"| output | role | rule keys | JSON | batch columns | diff | timeline | constraints | {' / '.join(sorted(locales))} | meaning |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ])


def render(folder: Path = SCHEMA_DIR, docs: Path = DOCS_DIR) -> dict[Path, str]:
    """The regenerated text of each generated file, by path."""
    out: dict[Path, str] = {}
    for name, build in (("decision.schema.json", decision_schema), ("policy.schema.json", policy_schema),
                        ("jurisdiction.schema.json", jurisdiction_schema)):
        current = json.loads((folder / name).read_text(encoding="utf-8"))
        out[folder / name] = dump(build(current)) + "\n"
    out[docs / "outputs.md"] = outputs_page()
    return out


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated files (`argv`: a schemas folder and a docs folder, for tests)."""
    folder, docs = (Path(argv[0]), Path(argv[1])) if argv else (SCHEMA_DIR, DOCS_DIR)
    for path, text in render(folder, docs).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
