"""The parts of both JSON Schemas that describe decision outputs, generated from the registry.

`schemas/decision.schema.json` (what `frist decide` prints: its output fields, the list of
required fields, a blocked decision's `proposed`) and `schemas/policy.schema.json` (a rule's
output keys, an example's `expect` keys) are derived from `policy/outputs.py`; every other
part of them is written by hand and kept as it is. `python -m engine.policy.output_schema`
rewrites both files; tests/test_outputs.py fails when a committed schema is stale.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..schema_check import SCHEMA_DIR
from .outputs import (DECISION_HEAD, DECISION_TAIL, EXPECT_FIXED, PRODUCT, RULE_FIXED, VALUE, Output, all_outputs,
                      inputs, json_order)

__all__ = ["render", "decision_schema", "policy_schema", "dump", "main"]

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
    names = {o.name for o in outputs}
    proposed = new_props["violations"]["items"]["properties"]["proposed"]
    values = [o for o in outputs if o.form == VALUE]
    proposed["required"] = ["action", "step", *(o.name for o in values)]
    proposed["properties"] = {k: proposed["properties"][k] for k in ("action", "step")}
    proposed["properties"].update({o.name: output_property(o, described=False) for o in values})
    return {**current, "required": [k for k in fields if k in required or k in names],
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


def render(folder: Path = SCHEMA_DIR) -> dict[str, str]:
    """The regenerated text of each schema file, by file name."""
    out = {}
    for name, build in (("decision.schema.json", decision_schema), ("policy.schema.json", policy_schema)):
        current = json.loads((folder / name).read_text(encoding="utf-8"))
        out[name] = dump(build(current)) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    folder = Path(argv[0]) if argv else SCHEMA_DIR
    for name, text in render(folder).items():
        path = folder / name
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
