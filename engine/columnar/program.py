"""Running a policy over a case frame: definitions as columns, one pass per rule in priority order.

`ColumnarRun(bindings, main, frame, steps).run()` returns a `ColumnarResult`: the chosen
rule per row, every output and amount in column form, and `suspect`, the rows the scalar
evaluator must re-decide (a possible evaluation error, a Money output not exact to the
øre, no rule matching). Definitions are materialised in the order `plan.needs` gives, as
the scalar evaluators do. "Materialised" means queued as a column of one lazy query
(`add_columns`; Polars fuses independent steps); `frame` collects it when rows are needed
(the chosen rules, a per-case fallback, the result).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

import polars as pl

from ..lang import ast
from ..lang import types as T
from ..lang.semantics import columnar_rule
from ..policy.outputs import rule_outputs
from ..run.plan import needs
from ..run.runtime import Bound
from .aggregate import aggregate_column, long_table, nested_aggregate
from .claims_aside import claim_flags, claims_aside
from .compile import ExprCompiler
from .fallback import column_values, per_case
from .frame import cases_from_frame, collect
from .list_items import ListItems, list_items
from .values import Col, NestedValues, NotColumnar, align, any_err

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["ColumnarRun", "ColumnarResult", "OutputColumn", "evaluate"]

CHOSEN = "__chosen"
ASIDE = "__aside"          # rows a set-aside reason may hold a claim of (re-decided per case, reported apart)


@dataclass
class OutputColumn:
    name: str          # column in `ColumnarResult.frame`
    kind: str
    scale: int


@dataclass
class ColumnarResult:
    frame: pl.DataFrame                     # CHOSEN (Int32, null = no rule), outputs, amounts
    outputs: dict[str, OutputColumn]
    amounts: dict[str, OutputColumn]
    suspect: pl.Series                      # Boolean: re-decide these rows per case (set-aside rows included)
    fallbacks: list[str] = field(default_factory=list)   # what ran per case, for reports
    aside: pl.Series | None = None          # Boolean: of `suspect`, the rows a `set_aside:` reason may hold a claim of
    claims_aside: pl.DataFrame | None = None  # per claim (`long("claims")` order): the first reason holding it, err


class ColumnarRun:
    """One policy (with its bound used versions) over one frame of cases."""

    def __init__(self, bindings: dict[str, Bound], main: str, frame: pl.DataFrame, steps: tuple[str, ...]) -> None:
        self.bindings = bindings
        self.main = main
        self.steps = steps
        self._lazy = frame.lazy()
        self._frame: pl.DataFrame | None = frame
        self._input = frame              # the cases as given (their lists never change in a run)
        self._items: dict[str, ListItems] = {}
        self.known_columns = set(frame.columns)
        self.height = frame.height       # rows never change in a run: no collect to know how many
        self._defs: dict[tuple[str, str], Col] = {}
        self._py_defs: dict[tuple[str, str], Sequence[Any]] = {}
        self._def_fields: dict[tuple[str, str, tuple[str, ...]], Col] = {}
        self._aggregates: dict[tuple[int, str], tuple[ast.Expr, Col]] = {}
        self._long: dict[str, pl.DataFrame] = {}
        self._positional: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self._cases: list[dict] | None = None
        self._counter = 0
        self.fallbacks: list[str] = []

    # ── services for the compiler ─────────────────────────────────────────────
    @property
    def frame(self) -> pl.DataFrame:
        """The case frame with every column added so far (collects the pending lazy steps once)."""
        if self._frame is None:
            self._frame = collect(self._lazy)
            self._lazy = self._frame.lazy()
        return self._frame

    def add_columns(self, columns: dict[str, Any]) -> None:
        """Queue columns (lazily: nothing runs until `frame` is read)."""
        self._lazy = self._lazy.with_columns(**columns)
        self._frame = None

    def fresh(self, prefix: str) -> str:
        """A column name not used before in this run."""
        self._counter += 1
        return f"{prefix}{self._counter}"

    def long(self, column: str) -> pl.DataFrame:
        """List `column` exploded (`aggregate.long_table`), once per run however many aggregates read it."""
        if column not in self._long:
            self._long[column] = long_table(self.frame, column)
        return self._long[column]

    def positional(self, column: str, which: str, fields: tuple[str, ...]) -> pl.Expr:
        """The field of the first or last item of list `column` (null if empty), one shared column."""
        key = (column, which, tuple(fields))
        if key not in self._positional:
            name = self.fresh(f"p:{which}:{column}.{'.'.join(fields)}:")
            self.add_columns({name: self._list_items(column).field(which, fields)})    # `list_items`
            self._positional[key] = name
        return pl.col(self._positional[key])

    def one_item(self, column: str) -> bool:
        """Whether every row holds exactly one item in list `column` (asked once a run)."""
        return self.height > 0 and self._list_items(column).one_each

    def _list_items(self, column: str) -> ListItems:
        """List `column` of the cases by position (`list_items`), once a run."""
        if column not in self._items:
            self._items[column] = list_items(self._input.get_column(column))
        return self._items[column]

    def aggregate(self, node: ast.Aggregate, policy: str) -> Col:
        """An aggregate node compiled once, however many expressions reach it."""
        key = (id(node), policy)
        if key not in self._aggregates:
            # The node is kept with its column: while it is cached its id cannot be reused by
            # another node (a set-aside probe is built, used and dropped; the next probe could
            # get the same id and be answered with the previous probe's column).
            self._aggregates[key] = (node, aggregate_column(self, node, policy, self.fresh("a:")))
        return self._aggregates[key][1]

    def nested(self, node: ast.Aggregate, policy: str, outer: str, outer_source: str) -> NestedValues:
        """An aggregate inside another's item or `where`: one value per outer item (`nested_aggregate`)."""
        return nested_aggregate(self, node, policy, outer, outer_source)

    def definition(self, policy: str, name: str) -> Col:
        """A definition as a column (materialised on first use); `NotColumnar` if it only has per-case values."""
        self.ensure(policy, name)
        if (policy, name) not in self._defs:
            raise NotColumnar(f"definition `{name}` is only held per case")
        return self._defs[(policy, name)]

    def definition_field(self, policy: str, name: str, fields: tuple[str, ...]) -> Col:
        """A field of a record definition (the ledger of a `settle` call run as columns) as a column."""
        self.ensure(policy, name)
        col = self._def_fields.get((policy, name, fields))
        if col is None:
            raise NotColumnar("field of a definition")
        return col

    def ensure(self, policy: str, name: str) -> None:
        """Materialise a definition (as a column, or as run-time values) if not yet done."""
        key = (policy, name)
        if key not in self._defs and key not in self._py_defs:
            self.materialise(policy, name)

    def python_cases(self, roots: frozenset[str] | None = None) -> list[dict]:
        """Every row as a run-time case dict (only the `roots` fields when given), each field
        converted once for all per-case fallbacks: a fallback that reads only `events` does not
        pay for turning every claim and payment into Python values."""
        if self._cases is None:
            self._cases = [{} for _ in range(self.frame.height)]
            self._case_roots: set[str] = set()
        wanted = {n.partition(".")[0] for n in self.frame.columns} if roots is None else set(roots)
        missing = sorted(wanted - self._case_roots)
        if missing:
            for case, part in zip(self._cases, cases_from_frame(self.frame, self.steps, missing)):
                case.update(part)
            self._case_roots.update(missing)
        return self._cases

    def python_cases_at(self, rows: list[int], roots: frozenset[str]) -> list[dict]:
        """The rows at `rows` as run-time case dicts (the `roots` fields), not kept: for a few rows
        of a large frame, the case dicts of the others are never built."""
        return cases_from_frame(self.frame[rows], self.steps, roots)

    def python_definition(self, policy: str, name: str) -> Sequence[Any]:
        """Run-time values of a definition, `FAILED` on rows where it (may have) failed."""
        key = (policy, name)
        if key not in self._py_defs:
            col = self.definition(policy, name)         # first: it may add the columns `frame` collects
            self._py_defs[key] = column_values(self.frame, col)
        return self._py_defs[key]

    # ── materialising ─────────────────────────────────────────────────────────
    def top(self, node: ast.Expr, policy: str, what: str, mask: pl.Series | Callable[[], pl.Series] | None = None
            ) -> Col | list:
        """A top-level expression as a column (vectorised, else per case); its run-time values if it fits no column.

        `mask` (the rows the per-case fallback must evaluate) may be a callable, so that
        it is only computed, and the lazy query only collected, when a fallback runs.
        """
        try:
            col = ExprCompiler(self, policy).col(node)
        except NotColumnar as why:
            self.fallbacks.append(f"{what}: {why}")
            values, fitted = per_case(self, node, policy, mask() if callable(mask) else mask)
            if fitted is None:
                return values
            col = fitted
        name = self.fresh("t:")
        columns = {name: col.expr}
        err_name = None
        if col.err is not None:
            err_name = "e:" + name
            columns[err_name] = col.err.fill_null(True)
        self.add_columns(columns)
        return Col(pl.col(name), col.kind, col.scale, pl.col(err_name) if err_name else None)

    def materialise(self, policy: str, name: str) -> None:
        from .settle_call import record_columns, settle_definition
        node = self.bindings[policy].checked.definitions[name]
        values = settle_definition(self, node, policy)
        if values is not None:      # the ledger over the whole frame: run-time values, and its fields as columns
            self._py_defs[(policy, name)] = values
            for field, field_col in record_columns(values, node.type).items():
                column = self.fresh("r:")
                self.add_columns({column: field_col.expr, "e:" + column: field_col.err})
                self._def_fields[(policy, name, (field,))] = Col(pl.col(column), field_col.kind, field_col.scale,
                                                                 pl.col("e:" + column))
            return
        col = self.top(node, policy, f"definition {policy}.{name}")
        if isinstance(col, list):     # only run-time values (e.g. more decimals than fixed point holds)
            self._py_defs[(policy, name)] = col
            return
        self._defs[(policy, name)] = col

    # ── the rules ─────────────────────────────────────────────────────────────
    def run(self) -> ColumnarResult:
        checked = self.bindings[self.main].checked
        self.add_columns({CHOSEN: pl.lit(None, dtype=pl.Int32), "__suspect": pl.lit(False), ASIDE: pl.lit(False)})
        self._set_aside_rows(checked)
        done: set = set()
        done_at: list[set] = []
        for index, rule in enumerate(checked.rules):
            for policy, name in needs(rule.when, self.bindings, done):
                self.ensure(policy, name)
            undecided = lambda: self.frame.get_column(CHOSEN).is_null()  # noqa: E731 - only for a fallback
            col = self.top(rule.when, self.main, f"rule {rule.rule.id}", undecided)
            if isinstance(col, list):
                raise NotColumnar(f"rule {rule.rule.id}")
            updates = {CHOSEN: columnar_rule(pl, pl.col(CHOSEN), index, col.expr)}
            if col.err is not None:
                updates["__suspect"] = pl.col("__suspect") | (pl.col(CHOSEN).is_null() & col.err)
            self.add_columns(updates)
            done_at.append(set(done))
        chosen = self.frame.get_column(CHOSEN)
        outputs = self._outputs(checked, done_at, chosen)
        amounts = self._amounts(checked, done_at, chosen)
        aside = self.frame.get_column(ASIDE)
        suspect = self.frame.get_column("__suspect") | chosen.is_null() | aside
        keep = [CHOSEN] + [c.name for c in outputs.values()] + [c.name for c in amounts.values()]
        return ColumnarResult(self.frame.select(keep), outputs, amounts, suspect.rename("suspect"), self.fallbacks,
                              aside.rename("aside"), claims_aside(self._claim_flags))

    def set_aside_only(self) -> tuple[pl.Series, pl.DataFrame | None]:
        """The rows a `set_aside:` reason may hold a claim of and, per claim, the first reason holding
        it (`claims_aside`), as `run` finds them, without running the rules: the batch cuts those
        claims out before its one columnar run (`batch/group.py`)."""
        self.add_columns({ASIDE: pl.lit(False)})
        self._set_aside_rows(self.bindings[self.main].checked)
        return self.frame.get_column(ASIDE).rename("aside"), claims_aside(self._claim_flags)

    def amounts_only(self) -> ColumnarResult:
        """The amounts alone, no rule run (`decision._run_amounts`: a case whose every claim is set
        aside, given here without claims and events); `suspect` where one may fail or is not exact."""
        checked = self.bindings[self.main].checked
        self.add_columns({CHOSEN: pl.lit(0, dtype=pl.Int32), "__suspect": pl.lit(False)})
        amounts = {}
        for key, expr in checked.amounts.items():
            for policy, name in needs(expr, self.bindings, set()):
                self.ensure(policy, name)
            col = self.top(expr, self.main, f"amount {key}")
            parts: list = [(None, _unfit(col) if isinstance(col, list) else col)]
            amounts[key] = self._combine("amount:" + key, parts, True)
        suspect = self.frame.get_column("__suspect")
        return ColumnarResult(self.frame.select([c.name for c in amounts.values()]), {}, amounts,
                              suspect.rename("suspect"), self.fallbacks)

    def _set_aside_rows(self, checked) -> None:
        """Rows where a `set_aside:` reason holds a claim are re-decided per case (engine/decide/set_aside.py).

        Each reason `select(c for c in claims where P)` is asked here as `any(true for c in
        claims where P)`; the columns then stand for cases whose every claim is collected.
        """
        self._claim_flags: list[pl.DataFrame] | None = [] if checked.set_aside else None
        for entry in checked.set_aside:
            node, policy = entry.when, self.main
            while isinstance(node, ast.Path) and node.ref is not None and node.ref.kind == "def":
                policy = node.ref.scope           # a reason naming a definition: probe the definition
                node = self.bindings[policy].checked.definitions[node.ref.name]
            if not (isinstance(node, ast.Aggregate) and node.func == "select"):
                self.fallbacks.append(f"set-aside reason {entry.rule.id}: not a select(...), every row re-decided per case")
                self.add_columns({ASIDE: pl.lit(True)})
                self._claim_flags = None
                continue
            truth = ast.Literal(span=node.span, value=True, kind="Bool", text="true", type=T.BOOL)
            probe = replace(node, func="any", item=truth, type=T.BOOL)
            for scope, name in needs(probe, self.bindings, set()):
                self.ensure(scope, name)
            col = self.top(probe, policy, f"set-aside reason {entry.rule.id}")
            if isinstance(col, list):
                self.add_columns({ASIDE: pl.lit(True)})
                self._claim_flags = None
                continue
            held = col.expr.fill_null(True)
            if col.err is not None:
                held = held | col.err
            self.add_columns({ASIDE: pl.col(ASIDE) | held})
            self._claim_flags = claim_flags(self, node, policy, self._claim_flags)

    def _combine(self, key: str, parts: list[tuple[int | None, Col]], money: bool) -> OutputColumn:
        """One column for an output: each rule's value on the rows that rule decided."""
        cols = align(*(c for _, c in parts))
        kind = next((c.kind for c in cols if c.kind != "none"), "none")
        scale = max((c.scale for c in cols), default=0)
        expr: Then | ChainedThen | None = None
        suspect = None
        for (index, _), col in zip(parts, cols):
            on = pl.col(CHOSEN).is_not_null() if index is None else pl.col(CHOSEN) == index
            value = col.expr
            if money and scale > 2:
                unit = 10 ** (scale - 2)
                suspect = any_err(suspect, on & (value % unit != 0).fill_null(False))
                value = value // unit
            elif money and scale < 2:
                value = value * 10 ** (2 - scale)
            expr = (pl.when(on) if expr is None else expr.when(on)).then(value)
            if col.err is not None:
                suspect = any_err(suspect, on & col.err)
        name = "o:" + key
        columns = {name: expr.otherwise(None) if expr is not None else pl.lit(None)}
        if suspect is not None:
            columns["__suspect"] = pl.col("__suspect") | suspect
        self.add_columns(columns)
        return OutputColumn(name, kind, 2 if money else scale)

    def _outputs(self, checked, done_at, chosen) -> dict[str, OutputColumn]:
        keys: dict[str, list[tuple[int | None, Col]]] = {}
        for index, rule in enumerate(checked.rules):
            mask = chosen == index
            if not mask.any():
                continue
            inner = set(done_at[index])
            for key, expr in rule.outputs.items():
                for policy, name in needs(expr, self.bindings, inner):
                    self.ensure(policy, name)
                col = self.top(expr, self.main, f"output {key} of rule {rule.rule.id}", mask)
                if isinstance(col, list):
                    col = _unfit(col)
                keys.setdefault(key, []).append((index, col))
        types = rule_outputs()              # the registry's types (policy/outputs.py)
        return {key: self._combine(key, parts, types[key] == T.MONEY) for key, parts in keys.items()}

    def _amounts(self, checked, done_at, chosen) -> dict[str, OutputColumn]:
        out = {}
        for key, expr in checked.amounts.items():
            for index in range(len(checked.rules)):
                if not (chosen == index).any():
                    continue
                for policy, name in needs(expr, self.bindings, set(done_at[index])):
                    self.ensure(policy, name)
            col = self.top(expr, self.main, f"amount {key}", chosen.is_not_null())
            if isinstance(col, list):
                col = _unfit(col)
            parts: list[tuple[int | None, Col]] = [(None, col)]
            out[key] = self._combine("amount:" + key, parts, True)
        return out


def _unfit(values: list) -> Col:
    """An output whose per-case values fit no column: every row it decides is re-decided per case."""
    flags = pl.Series([v is not None for v in values], dtype=pl.Boolean)
    return Col(pl.lit(None, dtype=pl.Int64), "num", 0, pl.lit(flags))


def evaluate(bindings: dict[str, Bound], main: str, frame: pl.DataFrame, steps: tuple[str, ...]) -> ColumnarResult:
    """Decide every row of `frame` (a case frame, see `frame.py`) with the bound versions.

    Args:
        bindings: the versions in force (`Catalog.bind`), the deciding one under `main`.
        frame: one row per case; `__as_of` holds each row's decision date as a day number.
        steps: the deciding version's step names (they type `events[].step`).
    """
    return ColumnarRun(bindings, main, frame, steps).run()
