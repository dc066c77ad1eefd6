"""The aggregates: `name(item for x in list where cond)`, one `Aggregate` entry each.

Each entry states its type rule (from the item's type), its value over an empty list
(`sum` 0, `count` 0, `any` false, `all` true, `select` [], the others none), how it
reduces the picked items at run time, and its compiled and columnar forms:

- `generator`: one Python expression over `{item}`, `{gen}` (`for v_x in … if …`) and
  `{zero}` (the empty value of a sum);
- `loop`: the statements of an inline `for` loop (`_loop_*` below: `(init, step, guard)`;
  `guard`, when given, is the condition under which a loop shared with other aggregates
  still runs the step: `any`, `all` and `first` are decided by one element), and
  `loop_value`, the value read from the accumulator;
- `list_form`: a Polars list expression (`c.lst` the list column, `c.x` the item
  expression filtered by `c.w`, `c.item_at("first")` the item at a position, none on an empty list);
- `group_form`: the reduction of a long table grouped by case (`g.picked`, `g.where`).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from .. import types as T
from .entry import Aggregate

__all__ = ["AGGREGATES"]

_ORDERABLE = (T.MONEY, T.NUMBER, T.PERCENT, T.DATE, T.DAYS)


def _plain(t: T.Type) -> bool:
    """A non-optional value type (never None at run time on a validated case)."""
    return t is not None and not isinstance(t, T.Optional) and t != T.NONE


# ── type rules ────────────────────────────────────────────────────────────────
def _check_sum(t: T.Type) -> T.Type | str:
    return t if t in (T.MONEY, T.NUMBER, T.DAYS) else f"cannot sum {t}"


def _check_condition(name: str) -> Callable:
    return lambda t: T.BOOL if t == T.BOOL else f"`{name}` needs a condition, not {t}"


def _check_extreme(name: str) -> Callable:
    return lambda t: T.Optional(t) if t in _ORDERABLE else f"cannot take the {name}imum of {t}"


# ── inline loops: (acc, item, fused, fresh, zero) → (init lines, step lines, fused guard) ──
def _loop_sum(acc, item, fused, fresh, zero):
    return [f"{acc} = {zero}"], [f"{acc} = {acc} + {item}"], None


def _loop_count(acc, item, fused, fresh, zero):
    return [f"{acc} = 0"], [f"{acc} += 1"], None


def _loop_any(acc, item, fused, fresh, zero):
    return [f"{acc} = False"], [f"if {item}:", f"    {acc} = True"] + ([] if fused else ["    break"]), f"not {acc}"


def _loop_all(acc, item, fused, fresh, zero):
    return [f"{acc} = True"], [f"if not {item}:", f"    {acc} = False"] + ([] if fused else ["    break"]), acc


def _loop_select(acc, item, fused, fresh, zero):
    return [f"{acc} = []"], [f"{acc}.append({item})"], None


def _loop_extreme(better: str) -> Callable:
    def loop(acc, item, fused, fresh, zero):      # keeps the first extreme element, as min()/max() do
        x = fresh("_x")
        return [f"{acc} = None"], [f"{x} = {item}", f"if {acc} is None or {x} {better} {acc}:", f"    {acc} = {x}"], None
    return loop


def _loop_first(acc, item, fused, fresh, zero):
    if not fused:
        return [f"{acc} = None"], [f"{acc} = {item}", "break"], None
    flag = fresh("_f")
    return [f"{acc} = None", f"{flag} = False"], [f"{flag} = True", f"{acc} = {item}"], f"not {flag}"


def _loop_last(acc, item, fused, fresh, zero):
    return [f"{acc} = None"], [f"{acc} = {item}"], None


# ── scalar reductions of the picked items ─────────────────────────────────────
def _sum(picked: list, result: T.Type) -> Any:
    return sum(picked, 0 if result == T.DAYS else Decimal(0))


def _optional(pick):
    return lambda picked, result: pick(picked) if picked else None


# ── column forms ──────────────────────────────────────────────────────────────
def _list_count(k, c):
    value = c.lst.list.len() if c.w is None else c.lst.list.eval(c.w).list.sum()
    return value.cast(k.pl.Int64)


def _group_count(k, g):
    return (g.where.sum() if g.where is not None else k.pl.len()).cast(k.pl.Int64)


def _list_positional(which: str) -> Callable:
    # first/last(f(e)) is f(first/last e) on non-empty lists, none on empty ones (f reads only
    # the item and constants, and is elementwise); the item's fields at that position are
    # columns shared by every first/last over the list (the ladder has six `last`s over events).
    def form(k, c):
        if c.w is None:
            return c.item_at(which)
        return getattr(c.lst.list.eval(c.x).list, which)()
    return form


def _group(name: str) -> Callable:
    return lambda k, g: getattr(g.picked, name)()


# The fastest list forms in Polars 2.1 (1M one-item lists: list.min 19 ms, list.agg(min) 5 ms;
# list.any 10 ms, a sum of the trues 4 ms). Sums, `any` and `all` skip nulls, as group_by does.
AGGREGATES: dict[str, Aggregate] = {a.name: a for a in [
    Aggregate("sum", "the total", _check_sum, False,
              lambda result: 0 if result == T.DAYS else Decimal(0), _sum,
              "sum(({item} {gen}), {zero})", _loop_sum,
              lambda k, c: c.lst.list.eval(c.x).list.sum(), _group("sum"),
              safe=lambda item, result: result == T.DAYS),      # a Decimal sum may trap (Overflow)
    Aggregate("count", "how many", lambda t: T.NUMBER, True,
              lambda result: Decimal(0), lambda picked, result: Decimal(len(picked)),
              "Decimal(sum(1 {gen}))", _loop_count, _list_count, _group_count, reads_item=False,
              loop_value="Decimal({acc})"),                     # counted as an int, compared as one
    Aggregate("any", "whether any holds", _check_condition("any"), True,
              lambda result: False, lambda picked, result: any(picked),
              "any({item} {gen})", _loop_any,
              lambda k, c: c.lst.list.eval(c.x).list.sum() > 0, _group("any")),
    Aggregate("all", "whether all hold", _check_condition("all"), True,
              lambda result: True, lambda picked, result: all(picked),
              "all({item} {gen})", _loop_all,
              lambda k, c: c.lst.list.eval(c.x.not_()).list.sum() == 0, _group("all")),
    Aggregate("min", "the smallest (none if empty)", _check_extreme("min"), False,
              lambda result: None, _optional(min),
              "min(({item} {gen}), default=None)", _loop_extreme("<"),
              lambda k, c: c.lst.list.agg(c.x.min()), _group("min"),
              safe=lambda item, result: _plain(item)),
    Aggregate("max", "the largest (none if empty)", _check_extreme("max"), False,
              lambda result: None, _optional(max),
              "max(({item} {gen}), default=None)", _loop_extreme(">"),
              lambda k, c: c.lst.list.agg(c.x.max()), _group("max"),
              safe=lambda item, result: _plain(item)),
    Aggregate("first", "the first (none if empty)", T.Optional, False,
              lambda result: None, _optional(lambda items: items[0]),
              "next(({item} {gen}), None)", _loop_first, _list_positional("first"), _group("first")),
    Aggregate("last", "the last (none if empty)", T.Optional, False,
              lambda result: None, _optional(lambda items: items[-1]),
              "_last({item} {gen})", _loop_last, _list_positional("last"), _group("last")),
    Aggregate("select", "the list of the items (to pass a filtered list to a function)", T.ListOf, True,
              lambda result: [], lambda picked, result: picked,
              "[{item} {gen}]", _loop_select, None, None),
]}
