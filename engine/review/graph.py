"""`frin graph`: a policy version's escalation ladder as a Mermaid or Graphviz DOT graph.

Steps are nodes; every rule is an edge labelled with its id, its condition (shortened) and
its fee. Rule order is the ladder's order. A rule whose `step:` is new leads from the step
reached before it ("new case" for the first) to that step, the new stage; a rule whose
`step:` was reached before (a renewal, such as kravia's `renew-bo`) leads from the stage
back to that step, and the stage stays. A rule with no step leaves the stage ("any stage"
before the first step rule) and leads to its action, or loops back when it only waits
(`not_before`). The policy's `set_aside:` reasons come first, from "any stage" to their
action: they decide the case only when they hold every claim. Edges are
drawn by audience, read from `debtor.kind` in the condition and the definitions it uses:
thick blue for consumers only, dashed orange for businesses only, plain for both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..lang import ast
from ..lang.render import Voice, show
from ..run.trace import SourceIndex
from .page_words import GRAPH, PageWords

if TYPE_CHECKING:

    from ..run.runtime import CheckedRule, CheckedVersion

__all__ = ["Edge", "ladder", "to_mermaid", "to_dot", "to_json"]

ANY, START = "any stage", "new case"
_KINDS = {"consumer", "business"}


@dataclass(frozen=True, slots=True)
class Edge:
    source: str                 # node name: a step, an action, or ANY
    target: str
    rule: str
    condition: str
    fee: str | None
    audience: str               # consumer | business | both
    terminal: bool              # the target is an action that records no step
    reason: str | None = None   # a set-aside reason's id (its edge's label is in the page's words)
    claims: str | None = None   # the reason's claims, as written


def _audience(expr: ast.Expr, version: CheckedVersion, used: dict[str, CheckedVersion]) -> set[str]:
    """The debtor kinds a condition admits (both when it does not look at `debtor.kind`)."""
    return _kinds(expr, version, set(), used) or set(_KINDS)


def _kinds(expr: ast.Expr, version: CheckedVersion, seen: set, used: dict[str, CheckedVersion]) -> set[str]:
    """The debtor kinds named by `debtor.kind` tests in a condition (empty: none)."""
    found: set[str] = set()

    def visit(node: ast.Expr, negated: bool) -> None:
        if isinstance(node, ast.Unary) and node.op == "not":
            visit(node.operand, not negated)
            return
        if isinstance(node, ast.Path) and node.ref is not None and node.ref.kind == "def":
            owner = version if node.ref.scope in ("", version.name) else used.get(node.ref.scope)
            key = (node.ref.scope, node.ref.name)
            if owner is not None and key not in seen and node.ref.name in owner.definitions:
                seen.add(key)
                kinds = _kinds(owner.definitions[node.ref.name], owner, seen, used)
                found.update(_KINDS - kinds if negated and kinds != _KINDS else kinds)
            return
        literal = None
        if isinstance(node, ast.Compare) and node.op in ("==", "!=") and _is_kind(node.left):
            literal = {node.right.value} if isinstance(node.right, ast.Literal) else None
            negated ^= node.op == "!="
        elif isinstance(node, ast.In) and _is_kind(node.item):
            literal = {o.value for o in node.options if isinstance(o, ast.Literal)}
            negated ^= node.negated
        if literal is not None:
            found.update(_KINDS - literal if negated else literal & _KINDS)
            return
        if isinstance(node, ast.Logical):    # only the condition's own structure restricts the audience,
            visit(node.left, negated)        # not a `debtor.kind` test inside an amount it computes
            visit(node.right, negated)

    visit(expr, False)
    return found


def _is_kind(node: ast.Expr) -> bool:
    return isinstance(node, ast.Path) and tuple(node.parts[-2:]) == ("debtor", "kind")


def _short(text: str, width: int = 44) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _fee(rule: CheckedRule, version: CheckedVersion, sources: SourceIndex, voice: Voice | None = None) -> str | None:
    expr = rule.outputs.get("fee") or rule.outputs.get("salaer")
    if expr is None:
        return None
    if isinstance(expr, ast.Path) and expr.ref is not None and expr.ref.kind == "param" and expr.ref.scope in ("", version.name):
        return f"{expr.ref.name} = {show(version.params[expr.ref.name], expr.type, voice or Voice.of(version.jurisdiction))}"
    if isinstance(expr, ast.Literal):
        return expr.text
    return _short(sources.text(expr), 30)


def ladder(version: CheckedVersion, used: dict[str, CheckedVersion] | None = None,
           voice: Voice | None = None) -> tuple[list[str], list[Edge]]:
    """The nodes (in ladder order) and one edge per rule.

    Args:
        used: the used policies' versions by alias, to follow their definitions (`kravia.is_business`).
        voice: how a fee's figure is written (default: the jurisdiction's first language, plain).
    """
    used = used or {}
    from ..run.runtime import Bound
    sources = SourceIndex({version.name: Bound(version)})
    edges: list[Edge] = []
    stage = ANY                 # the step most recently reached for the first time
    steps_seen: list[str] = []
    for reason in version.set_aside:   # a claim set aside; the case itself only when every claim is
        claims = sources.text(reason.when)
        edges.append(Edge(ANY, reason.rule.action, f"set aside {reason.rule.id}", _short("every claim in " + claims),
                          None, "both", True, reason.rule.id, claims))
    for rule in version.rules:
        r = rule.rule
        kinds = _audience(rule.when, version, used)
        audience = "both" if kinds == _KINDS else next(iter(kinds))
        condition = _short(sources.text(rule.when))
        fee = _fee(rule, version, sources, voice)
        if r.step in steps_seen and r.step != stage:      # a renewal: back to an earlier step
            edges.append(Edge(stage, r.step, r.id, condition, fee, audience, False))
        elif r.step:
            earlier = next((s for s in reversed(steps_seen) if s != r.step), START)
            edges.append(Edge(earlier, r.step, r.id, condition, fee, audience, False))
            stage = r.step
            if r.step not in steps_seen:
                steps_seen.append(r.step)
        elif "not_before" in rule.outputs:
            edges.append(Edge(stage, stage, r.id, condition, fee, audience, False))
        else:
            edges.append(Edge(stage, r.action, r.id, condition, fee, audience, True))
    nodes = [START] + steps_seen + sorted({e.target for e in edges if e.terminal})
    if any(e.source == ANY for e in edges):
        nodes.insert(1, ANY)
    return nodes, edges


def _id(node: str, terminal: set[str]) -> str:
    prefix = "a_" if node in terminal else "s_"
    return {START: "start", ANY: "any"}.get(node) or prefix + re.sub(r"\W", "_", node)


def _label(edge: Edge, w: PageWords) -> str:
    if edge.reason is not None:
        return f"{w('set_aside', rule=edge.reason)}: {_short(w('every_claim', claims=edge.claims))}"
    return f"{edge.rule}: {edge.condition}" + (f" · {w('fee', fee=edge.fee)}" if edge.fee else "")


def _node(node: str, w: PageWords) -> str:
    return {START: w("new_case"), ANY: w("any_stage")}.get(node, node)


_PLAIN = PageWords(Voice(), "graph", GRAPH)


_STYLE = {"consumer": "stroke:#1f5fbf,stroke-width:3px", "business": "stroke:#d9730d,stroke-dasharray:6 4"}


def to_mermaid(version: CheckedVersion, used: dict[str, CheckedVersion] | None = None, w: PageWords = _PLAIN) -> str:
    nodes, edges = ladder(version, used, w.voice if w.voice.locale is not None else None)
    terminal = {e.target for e in edges if e.terminal}
    out = [f"%% {w('title', policy=version.version.key)}", f"%% {w('legend')}", "flowchart LR"]
    for node in nodes:
        text = _node(node, w).replace('"', "#quot;")
        shape = ('([', '])') if node in (START, ANY) else ('[/', '/]') if node in terminal else ('[', ']')
        out.append(f'  {_id(node, terminal)}{shape[0]}"{text}"{shape[1]}')
    styles = []
    for i, e in enumerate(edges):
        arrow = {"consumer": "==>", "business": "-.->"}.get(e.audience, "-->")
        label = _label(e, w).replace('"', "#quot;").replace("|", "#124;")
        out.append(f'  {_id(e.source, terminal)} {arrow}|"{label}"| {_id(e.target, terminal)}')
        if e.audience in _STYLE:
            styles.append(f"  linkStyle {i} {_STYLE[e.audience]}")
    return "\n".join(out + styles) + "\n"


def to_dot(version: CheckedVersion, used: dict[str, CheckedVersion] | None = None, w: PageWords = _PLAIN) -> str:
    nodes, edges = ladder(version, used, w.voice if w.voice.locale is not None else None)
    terminal = {e.target for e in edges if e.terminal}

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = [f"digraph {q(version.version.key)} {{", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=9];',
           f"  label={q(w('dot_legend', policy=version.version.key))};"]
    for node in nodes:
        shape = "ellipse" if node in (START, ANY) else "octagon" if node in terminal else "box"
        out.append(f"  {_id(node, terminal)} [label={q(_node(node, w))}, shape={shape}];")
    for e in edges:
        style = {"consumer": 'color="#1f5fbf", penwidth=2.5', "business": 'color="#d9730d", style=dashed'}.get(e.audience, "")
        attrs = f"label={q(_label(e, w))}" + (f", {style}" if style else "")
        out.append(f"  {_id(e.source, terminal)} -> {_id(e.target, terminal)} [{attrs}];")
    return "\n".join(out + ["}"]) + "\n"


def to_json(version: CheckedVersion, used: dict[str, CheckedVersion] | None = None) -> str:
    """The ladder as JSON: nodes (start, any, step, action) and one edge per rule, in rule order."""
    import json
    nodes, edges = ladder(version, used)
    terminal = {e.target for e in edges if e.terminal}

    def kind(node: str) -> str:
        return {START: "start", ANY: "any"}.get(node) or ("action" if node in terminal else "step")
    return json.dumps({
        "format": 1, "policy": version.version.key,
        "nodes": [{"id": _id(n, terminal), "label": n, "kind": kind(n)} for n in nodes],
        "edges": [{"source": _id(e.source, terminal), "target": _id(e.target, terminal), "rule": e.rule,
                   "condition": e.condition, "fee": e.fee, "audience": e.audience, "terminal": e.terminal}
                  for e in edges],
    }, indent=2, ensure_ascii=False) + "\n"
