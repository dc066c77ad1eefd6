"""Who reads a changed figure: the process policies that use a compared policy (the law).

A law change is reviewed by what it reaches. The changed items are the changed parameters
plus, transitively, every definition of the compared version that reads one of them (a
changed `inkassosats` changes `salaer_lett_cap`). Each version of a policy that `uses` the
compared one is then listed with the changed items its definitions, rules, amounts and
caps name as `<alias>.<item>`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lang import ast

if TYPE_CHECKING:
    from ..check.pipeline import Catalog
    from ..run.runtime import CheckedVersion

__all__ = ["changed_items", "users_of"]


def _names(node: ast.Expr, policy: str, aliases: tuple[str, ...] = ()) -> set[str]:
    """Parameters and definitions of `policy` a tree names (checked trees carry the policy
    in their refs; an unchecked `max:` is read by its `<alias>.<name>` text)."""
    out = set()
    for n in ast.walk(node):
        if not isinstance(n, ast.Path):
            continue
        if n.ref is not None and n.ref.kind in ("param", "def") and n.ref.scope == policy:
            out.add(n.ref.name)
        elif n.ref is None and len(n.parts) > 1 and n.parts[0] in aliases:
            out.add(n.parts[1])
    return out


def changed_items(checked: CheckedVersion, params: set[str], definitions: set[str]) -> list[str]:
    """`params` and `definitions` plus every definition of `checked` that reads one of them."""
    changed = set(params) | set(definitions)
    for name, expr in checked.definitions.items():   # dependency order: one pass is transitive
        if _names(expr, checked.name) & changed:
            changed.add(name)
    order = list(checked.version.parameters) + list(checked.definitions)
    return [n for n in order if n in changed]


def _exprs(checked: CheckedVersion) -> list[ast.Expr]:
    out = list(checked.definitions.values()) + list(checked.amounts.values())
    for rule in checked.rules:
        out.append(rule.when)
        out.extend(rule.outputs.values())
    out.extend(p.max for p in checked.version.parameters.values() if p.max is not None)
    return out


def _read(expr: ast.Expr, checked: CheckedVersion, changed: dict[str, set[str]], name: str) -> set[str]:
    """The changed items of other policies `expr` names: `item` for the compared policy
    `name`, `policy.definition` for a user of it whose definition reads a changed item."""
    out = set()
    for policy, items in changed.items():
        if policy == checked.name:
            continue
        aliases = tuple(alias for alias, used in checked.version.uses.items() if used == policy)
        out |= {n if policy == name else f"{policy}.{n}" for n in _names(expr, policy, aliases) & items}
    return out


def users_of(catalog: Catalog, name: str, items: list[str]) -> list[dict]:
    """Every version that uses policy `name`, directly or through another user, with the
    changed items it reads (maybe none): the compared policy's `item`s, and `kravia.ledger`
    for a definition of a used policy that itself reads a changed item."""
    from ..policy.versions import uses_order
    changed: dict[str, set[str]] = {name: set(items)}
    out = []
    for policy in uses_order(catalog.policies)[0]:           # used policies before their users
        versions = [v for v in catalog.versions(policy) if set(v.uses.values()) & set(changed)]
        for version in versions:
            checked = catalog.checked.get(version.key)
            if checked is None:
                continue
            read = set().union(*(_read(e, checked, changed, name) for e in _exprs(checked)))
            mine: set[str] = set()
            for d, expr in checked.definitions.items():     # dependency order: one pass is transitive
                if _read(expr, checked, changed, name) or _names(expr, policy) & mine:
                    mine.add(d)
            changed.setdefault(policy, set()).update(mine)
            out.append({"policy": policy, "version": version.effective.isoformat(), "status": version.status,
                        "reads": [n for n in items if n in read] + sorted(r for r in read if r not in items)})
    return sorted(out, key=lambda u: (u["policy"], u["version"]))
