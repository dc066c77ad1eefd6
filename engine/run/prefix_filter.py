"""Incremental filtering of an append-only list, so judging a history is linear in its events.

`decide/history.py` judges each recorded fee against the law with the events before it as
the case's history: the same aggregates (`count(e for e in events where e.step in [...] and
e.fee > 0 NOK and ...)`) run over ever longer prefixes of one list, which costs O(n²) for n
events. Most of a `where` is usually a test of the element alone (its leading `and`
conjuncts that read only the aggregate's variable and literals); an element that fails it
is never picked, whatever the day or the other definitions. `PrefixFilters` keeps, per
aggregate, the elements of the prefix seen so far that pass that test, and tests only the
new ones; the evaluator then evaluates the whole `where` and `item` on those survivors
alone, in order — the same values, the same errors, the same result as the full walk. Any
element whose test raises makes that aggregate fall back to the full walk for good.

The same survivors let a definition's value be shared between the judgments of one history
(`definition`/`remember`): a definition that reads the history only as the source of such
filtered aggregates, on the same day, with the same versions and the same other case data,
has the same value as long as no element appended since passes any of its aggregates'
tests (an inkassovarsel judged "not owed" adds nothing to a count of fee-bearing letters).
So most fees are judged without re-walking what the fees before them already established.
"""
from __future__ import annotations

from typing import Any

from ..core.errors import EvaluationError
from ..core.memos import memo
from ..lang import ast
from ..policy.record import DECISION

__all__ = ["Prefix", "PrefixFilters"]

# node kinds whose value depends only on their children (no definitions, params or case fields)
_PURE = (ast.Literal, ast.Unary, ast.Binary, ast.Compare, ast.Logical, ast.In, ast.Coalesce, ast.If, ast.ListLit)


class Prefix(list):
    """A copy of the first len(self) elements of `origin`, a list that only ever grows by appending."""

    __slots__ = ("origin",)

    def __init__(self, origin: list) -> None:
        super().__init__(origin)
        self.origin = origin

    @classmethod
    def growing(cls) -> Prefix:
        """An empty list that is its own origin: while it is judged it is the prefix of itself, so a
        history judged event by event is never copied (judging stays linear in its events)."""
        made = cls([])
        made.origin = made
        return made


def _conjuncts(node: ast.Expr) -> list[ast.Expr]:
    """`a and b and c` → [a, b, c], in the order the evaluator evaluates them."""
    if isinstance(node, ast.Logical) and node.op == "and":
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _element_only(node: ast.Expr, var: str) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Path):
            if n.ref is None or n.ref.kind != "var" or n.ref.name != var:
                return False
        elif not isinstance(n, _PURE):
            return False
    return True


class PrefixFilters:
    """Per aggregate node: the survivors of its element-only test over a `Prefix`'s origin."""

    def __init__(self) -> None:
        self.tested = 0                             # element tests run (tests count them)
        self._state: dict[int, tuple[ast.Aggregate, list]] = {}   # id(node) → (node, its shared state)
        self._shared: dict[tuple, list] = {}        # (test, id(origin)) → [origin, seen, survivors, failed]
        self._values: dict[tuple, tuple] = {}       # (policy, name, context) → (value, prefix lengths)
        self._day = None                            # the day of the values kept
        # (run, its `_context`, its fields that are a `Prefix`): a run asks for several definitions
        self._last: tuple[Any, tuple, frozenset[str]] = (None, (), frozenset())

    def _test_of(self, node: ast.Aggregate) -> list[ast.Expr]:
        known = _TESTS.get(id(node))
        if known is None or known[0] is not node:
            test = []
            if node.where is not None:
                for c in _conjuncts(node.where):
                    if not _element_only(c, node.var):
                        break
                    test.append(c)
            known = _TESTS[id(node)] = (node, test)     # the node kept alive: its id is never reused
        return known[1]

    def survivors(self, evaluator: Any, node: ast.Aggregate, items: Any, bound: Any) -> list | None:
        """The elements of `items` that pass `node`'s element-only test, in order; None when the
        full walk must be taken (not a `Prefix`, no such test, or a test raised). The caller
        has saved the aggregate's variable and turned recording off."""
        if not isinstance(items, Prefix):
            return None
        test = self._test_of(node)
        if not test:
            return None
        state = self._advance(evaluator, node, test, items, bound)
        if state is None:
            return None
        survivors, n = state[2], len(items)
        if len(survivors) and survivors[-1][0] >= n:
            return [e for j, e in survivors if j < n]
        return [e for _, e in survivors]

    def _advance(self, evaluator: Any, node: ast.Aggregate, test: list[ast.Expr], items: Prefix, bound: Any) -> list | None:
        """`node`'s state with every element of `items` tested; None once a test has raised. Aggregates
        with the same test (the same definition in each version of a law) share one state, so an
        element is tested once per distinct test, not once per version."""
        entry = self._state.get(id(node))
        if entry is None or entry[0] is not node or entry[1][0] is not items.origin:
            key = (_test_key(node, test), id(items.origin))
            shared = self._shared.get(key)
            if shared is None or shared[0] is not items.origin:
                shared = self._shared[key] = [items.origin, 0, [], False]
            entry = self._state[id(node)] = (node, shared)
        state = entry[1]
        if state[3]:
            return None
        origin, survivors = items.origin, state[2]
        for j in range(state[1], len(items)):
            element = origin[j]
            evaluator.vars[node.var] = element
            self.tested += 1
            try:
                passes = all(evaluator.value(c, bound) for c in test)
            except (EvaluationError, ArithmeticError):
                state[3] = True
                return None
            if passes:
                survivors.append((j, element))
            state[1] = j + 1
        return state

    def definition(self, evaluator: Any, policy: str, name: str) -> tuple[Any] | None:
        """`(value,)` of definition `name` of `policy` in `evaluator`'s run, when an earlier judgment
        of this history computed it and nothing appended since can change it; else None."""
        run = evaluator.run
        expr = run.bound(policy).checked.definitions[name]
        return self._kept(evaluator, (policy, name), self._filtered(run, (policy, name), (expr,), False))

    def remember(self, evaluator: Any, policy: str, name: str, value: Any) -> None:
        """Keep a definition's value for the judgments after this one (see `definition`)."""
        run = evaluator.run
        expr = run.bound(policy).checked.definitions[name]
        self._keep(evaluator, (policy, name), self._filtered(run, (policy, name), (expr,), False), value)

    def judgments(self, evaluator: Any, record: dict) -> Judgments:
        """The values of constraints' `when` and `require` for the decision `record` in `evaluator`'s
        run, kept as a definition's value is (see `definition`): the same record, day and data."""
        return Judgments(self, evaluator, tuple(record.items()))

    def verdict(self, evaluator: Any, key: tuple) -> tuple[Any] | None:
        """`(violations,)` of a whole judgment (`key`: its record and constraints) made earlier on
        this day with the same data, where nothing the expressions it evaluated read has changed."""
        kept = self._values.get((key, self._context(evaluator.run)))
        if kept is None or evaluator.run.as_of != self._day:
            return None
        hit = self._kept(evaluator, key, kept[0][1])
        return None if hit is None else (hit[0][0],)

    def remember_verdict(self, evaluator: Any, key: tuple, sessions: list[Judgments], found: list) -> None:
        reads = [r for session in sessions for r in session.read]
        if any(r is None for r in reads):
            return
        union = tuple({id(node): node for r in reads for node in r}.values())
        self._keep(evaluator, key, union, (tuple(found), union))

    def _kept(self, evaluator: Any, what: tuple, filtered: tuple | None) -> tuple | None:
        run = evaluator.run
        if filtered is None or run.as_of != self._day:
            return None
        kept = self._values.get((what, self._context(run)))
        if kept is None:
            return None
        value, lengths = kept
        for node in filtered:
            items = run.case[node.source.ref.name]
            entry = self._state.get(id(node))
            state = entry[1] if entry is not None and entry[0] is node else None
            if state is None or state[0] is not items.origin or state[1] < len(items):
                state = self._advance_saving(evaluator, node, items)
            if state is None or state[3] or (state[2] and state[2][-1][0] >= lengths[node.source.ref.name]):
                return None
        return (value,)

    def _advance_saving(self, evaluator: Any, node: ast.Aggregate, items: Prefix) -> list | None:
        """`_advance` from outside the aggregate: the evaluator's variable and recording restored."""
        saved, shadowed = evaluator.recording, evaluator.vars.get(node.var, _MISSING)
        evaluator.recording = False
        try:
            return self._advance(evaluator, node, self._test_of(node), items, None)
        finally:
            evaluator.recording = saved
            if shadowed is _MISSING:
                evaluator.vars.pop(node.var, None)
            else:
                evaluator.vars[node.var] = shadowed

    def _keep(self, evaluator: Any, what: tuple, filtered: tuple | None, value: Any) -> None:
        run = evaluator.run
        if filtered is None:
            return
        if run.as_of != self._day:
            self._values.clear()
            self._day = run.as_of
        lengths = {k: len(v) for k, v in run.case.items() if isinstance(v, Prefix)}
        self._values[(what, self._context(run))] = (value, lengths)

    def _filtered(self, run: Any, what: tuple, exprs: tuple, decision: bool) -> tuple | None:
        """The filtered aggregates over a `Prefix` that `exprs` read, themselves or through the
        definitions they read; None when they read a `Prefix` otherwise, an aggregate over one
        has no element-only test, or (unless `decision`) they read `decision`: then their value
        cannot be shared."""
        key = (self._context(run)[2], self._last[2], what)     # `_context` sets `_last` to this run's
        known = _READS.get(key)
        if known is not None:
            reads: tuple | None = known[1]
            return reads
        # the versions (and the expressions whose id `what` may hold) kept alive with the answer,
        # so no id in the key is ever reused while it is kept
        alive = (tuple(b.checked for b in run.bindings.values()), exprs)
        prefixed = self._last[2]
        _READS[key] = (alive, None)             # a cycle (never checked in) reads as not shareable
        found: list[ast.Aggregate] = []
        sources: set[int] = set()
        nodes = [node for expr in exprs for node in ast.walk(expr)]
        for node in nodes:
            if isinstance(node, ast.Aggregate) and isinstance(node.source, ast.Path) and _reads_field(node.source, prefixed) \
                    and not node.source.fields:
                if not self._test_of(node):
                    return None
                found.append(node)
                sources.add(id(node.source))
        barred = prefixed if decision else prefixed | {DECISION}
        for node in nodes:
            if not isinstance(node, ast.Path) or node.ref is None:
                continue
            if _reads_field(node, barred) and id(node) not in sources:
                return None
            if node.ref.kind == "def":
                scope, name = node.ref.scope, node.ref.name
                inner = self._filtered(run, (scope, name), (run.bound(scope).checked.definitions[name],), False)
                if inner is None:
                    return None
                found.extend(inner)
        result = tuple(found)
        _READS[key] = (alive, result)
        return result

    def _context(self, run: Any) -> tuple:
        if self._last[0] is not run:
            self._last = (run, _context(run), frozenset(k for k, v in run.case.items() if isinstance(v, Prefix)))
        return self._last[1]


class Judgments:
    """One judgment's view of the values `PrefixFilters` keeps for constraint expressions: the
    run's context and the record computed once, not per constraint."""

    __slots__ = ("filters", "evaluator", "record", "context", "versions", "read")

    def __init__(self, filters: PrefixFilters, evaluator: Any, record: tuple) -> None:
        self.filters, self.evaluator, self.record = filters, evaluator, record
        self.context = filters._context(evaluator.run)
        self.versions = self.context[2]
        self.read: list = []        # the filtered aggregates of every expression asked for (None: not shareable)

    def _reads(self, expr: ast.Expr) -> tuple | None:
        found = self.filters._filtered(self.evaluator.run, (id(expr),), (expr,), True)
        self.read.append(found)
        return found

    def get(self, expr: ast.Expr) -> tuple[Any] | None:
        """`(value,)` of `expr` where an earlier judgment found it and nothing it reads has changed."""
        return self.filters._kept(self.evaluator, (id(expr), self.record), self._reads(expr))

    def put(self, expr: ast.Expr, value: Any) -> None:
        self.filters._keep(self.evaluator, (id(expr), self.record), self._reads(expr), value)


def _test_key(node: ast.Aggregate, test: list[ast.Expr]) -> object:
    """What makes two aggregates' element tests the same: the conjuncts (nodes compare by structure,
    not place), the variable, and every node's checked type (an operator's meaning follows its
    operands' types); the node itself where they cannot be hashed."""
    key = (tuple(test), node.var, tuple(repr(n.type) for c in test for n in ast.walk(c)))
    try:
        hash(key)
    except TypeError:
        return ("node", id(node))
    return key


def _reads_field(node: ast.Path, names: set[str] | frozenset[str]) -> bool:
    return node.ref is not None and node.ref.kind == "field" and node.ref.name in names


def _context(run: Any) -> tuple:
    """What a definition's value may depend on besides the `Prefix`es: the day, the versions bound,
    and every other case field (lists by the identity of their elements, so a list filtered
    anew for each judgment, such as the payments up to the day, compares equal)."""
    fields = tuple((k, tuple(map(id, v)) if isinstance(v, list) else id(v)) for k, v in sorted(run.case.items())
                   if k != DECISION and not isinstance(v, Prefix))
    return run.as_of, fields, tuple((n, id(b.checked)) for n, b in sorted(run.bindings.items()))


_MISSING = object()
# What a definition or expression reads, shared by every history judged (the law search judges
# thousands): (versions, fields that are a `Prefix`, what) → (kept alive, its filtered aggregates)
_READS: dict[tuple, tuple] = memo(2_000)          # bundled validate: 186
_TESTS: dict[int, tuple[ast.Aggregate, list[ast.Expr]]] = memo(5_000)    # id(aggregate) → (it, its element-only test)
