"""Type checker: resolves names and infers types over `ast.Expr`.

`Checker` works within one `Scope` (the names one policy version can see: the case's
fields, its parameters and definitions, and each used policy's through an alias). It
returns typed copies of the nodes (with `type`, and `ref` on names) and appends
`Diagnostic`s instead of raising; an ill-typed node gets the `ERROR` type, which silences
follow-on errors about it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..core.diagnostics import Diagnostic, did_you_mean
from ..lang import ast
from ..lang import types as T
from ..lang.semantics import AGGREGATES, COMPARISONS, FUNCTIONS, UNARY, binary_result

__all__ = ["Scope", "Checker", "ERROR", "LITERAL_TYPES"]

ERROR = T.Scalar("<error>")

LITERAL_TYPES = {
    "Money": T.MONEY, "Number": T.NUMBER, "Percent": T.PERCENT, "Date": T.DATE, "Days": T.DAYS,
    "Months": T.MONTHS, "Bool": T.BOOL, "Text": T.TEXT, "None": T.NONE, "Error": ERROR,
}
_ANY_CURRENCY = "<ISO 4217 code>"   # in help texts of a scope without a jurisdiction


@dataclass
class Scope:
    """The names visible to one policy version's expressions."""

    policy: str                                     # the policy's name (refs are absolute)
    fields: dict[str, T.Type]                       # case root fields
    params: dict[str, T.Type] = field(default_factory=dict)
    defs: dict[str, T.Type] = field(default_factory=dict)
    aliases: dict[str, "Scope"] = field(default_factory=dict)
    has_calendar: bool = False
    currency: str | None = None                     # the jurisdiction's ISO 4217 code (None: any)
    allow_case: bool = True                         # False for parameter values (constants)
    allow_aliases: bool = True
    hidden_aliases: dict[str, str] = field(default_factory=dict)   # alias → used policy, not readable here
    declared: frozenset = frozenset()               # this version's parameters and definitions, checked or not

    def known(self) -> list[str]:
        names = ["as_of"] if self.allow_case else []
        if self.allow_case:
            names += list(self.fields)
        names += list(self.params) + list(self.defs)
        if self.allow_aliases:
            names += list(self.aliases)
        return names


class Checker:
    def __init__(self, scope: Scope, diagnostics: list[Diagnostic]) -> None:
        self.scope = scope
        self.out = diagnostics
        self.vars: dict[str, T.Type] = {}

    # -- helpers -----------------------------------------------------------------------
    def error(self, code: str, message: str, node: ast.Expr, help: str | None = None, notes=()) -> None:
        self.out.append(Diagnostic(code, message, node.span, help=help, notes=tuple(notes)))

    def expect(self, node: ast.Expr, want: T.Type, what: str) -> ast.Expr:
        """Check `node` and require type `want` (an ERROR type passes silently)."""
        checked = self.check(node)
        got = checked.type
        if got in (want, ERROR):
            return checked
        help = _unit_help(got, want, self.scope.currency)
        if isinstance(got, T.Optional) and got.inner == want:
            help = f"this value may be missing: give a fallback with `??`, e.g. `x ?? 0 {self.scope.currency or _ANY_CURRENCY}`"
        self.error("type-mismatch", f"{what} must be {want}, but this is {got}", checked, help=help)
        return checked

    # -- the dispatcher ----------------------------------------------------------------
    def check(self, node: ast.Expr) -> ast.Expr:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _literal(self, node: ast.Literal) -> ast.Expr:
        if node.kind == "Money" and self.scope.currency is not None:
            code = ast.money_currency(node)
            if code != self.scope.currency:
                self.error("wrong-currency",
                           f"`{node.text}` is in {code}, but `{self.scope.policy}` is a policy in {self.scope.currency} "
                           "(its jurisdiction's currency)", node,
                           help=f"write the amount in {self.scope.currency}, e.g. `{ast.money_number(node)} {self.scope.currency}`; "
                                "amounts of two currencies never mix in one policy")
                return replace(node, type=ERROR)
        return replace(node, type=LITERAL_TYPES[node.kind])

    def _path(self, node: ast.Path) -> ast.Expr:
        head, rest = node.parts[0], node.parts[1:]
        scope = self.scope
        if head in self.vars:
            return self._fields(node, ast.Ref("var", head), self.vars[head], rest)
        if head == "as_of" and scope.allow_case:
            return self._fields(node, ast.Ref("as_of", "as_of"), T.DATE, rest)
        if head in scope.fields and scope.allow_case:
            return self._fields(node, ast.Ref("field", head), scope.fields[head], rest)
        if head in scope.params:
            return self._fields(node, ast.Ref("param", head, scope.policy), scope.params[head], rest)
        if head in scope.defs:
            return self._fields(node, ast.Ref("def", head, scope.policy), scope.defs[head], rest)
        if head in scope.aliases and scope.allow_aliases:
            used = scope.aliases[head]
            if not rest:
                self.error("type-mismatch", f"`{head}` is a used policy, not a value", node,
                           help=f"name one of its figures, e.g. `{head}.{next(iter(used.params), 'x')}`")
                return replace(node, type=ERROR)
            name = rest[0]
            if name in used.params:
                return self._fields(node, ast.Ref("param", name, used.policy), used.params[name], rest[1:])
            if name in used.defs:
                return self._fields(node, ast.Ref("def", name, used.policy), used.defs[name], rest[1:])
            self.error("unknown-name", f"`{used.policy}` has no parameter or definition `{name}`", node,
                       help=did_you_mean(name, [*used.params, *used.defs]))
            return replace(node, type=ERROR)
        if not scope.allow_case and (head in scope.fields or head == "as_of"):
            self.error("not-constant", f"`{head}` is case data; a parameter must be a constant", node,
                       help="move this expression to `definitions:`")
            return replace(node, type=ERROR)
        if head in scope.hidden_aliases:
            self.error("used-policy-in-parameter",
                       f"a parameter cannot read `{node.text}`: a parameter is a figure of this version, fixed "
                       f"when it is loaded, while `{head}` (the used policy `{scope.hidden_aliases[head]}`) is "
                       "chosen by the decision date", node,
                       help=f"read it in a definition instead (`definitions:`, e.g. `my_name: {node.text}`) and "
                            "use that name in the rules; a parameter's `max:` may name it too")
            return replace(node, type=ERROR)
        if head in scope.declared:
            self.error("unknown-name", f"`{head}` cannot be used here: its own value has an error", node,
                       help=f"fix `{head}` first (its error is reported at its line); this one then goes away")
            return replace(node, type=ERROR)
        known = scope.known() + list(self.vars)
        self.error("unknown-name", f"unknown name `{head}`", node, help=did_you_mean(head, known))
        return replace(node, type=ERROR)

    def _fields(self, node: ast.Path, ref: ast.Ref, typ: T.Type, rest: tuple[str, ...]) -> ast.Expr:
        base = len(node.parts) - len(rest)
        for i, name in enumerate(rest):
            owner = ".".join(node.parts[:base + i])
            if isinstance(typ, T.Optional) and isinstance(typ.inner, T.Record):
                self.error("optional-value", f"`{owner}` may be missing", node, help=f"check `{owner} != none` first")
                return replace(node, type=ERROR, ref=ref, fields=rest)
            if isinstance(typ, T.ListOf):
                self.error("type-mismatch", f"`{owner}` is a list of {typ.item}; it has no field `{name}`", node,
                           help=f"use an aggregate, e.g. `sum(x.{name} for x in {owner})`")
                return replace(node, type=ERROR, ref=ref, fields=rest)
            if not isinstance(typ, T.Record):
                self.error("unknown-field", f"`{owner}` is {typ}; it has no field `{name}`", node)
                return replace(node, type=ERROR, ref=ref, fields=rest)
            field_type = typ.field(name)
            if field_type is None:
                self.error("unknown-field", f"unknown field `{name}` on `{owner}` ({typ})", node,
                           help=did_you_mean(name, [k for k, _ in typ.fields]) or
                           f"fields: {', '.join(k for k, _ in typ.fields)}")
                return replace(node, type=ERROR, ref=ref, fields=rest)
            typ = field_type
        return replace(node, type=typ, ref=ref, fields=rest)

    def _unary(self, node: ast.Unary) -> ast.Expr:
        if node.op == "not":
            operand = self.expect(node.operand, T.BOOL, "the operand of `not`")
            return replace(node, operand=operand, type=T.BOOL)
        operand = self.check(node.operand)
        if operand.type not in UNARY[node.op].operands and operand.type != ERROR:
            self.error("type-mismatch", f"cannot negate {operand.type}", operand)
            return replace(node, operand=operand, type=ERROR)
        return replace(node, operand=operand, type=operand.type)

    def _binary(self, node: ast.Binary) -> ast.Expr:
        left, right = self.check(node.left), self.check(node.right)
        if ERROR in (left.type, right.type):
            return replace(node, left=left, right=right, type=ERROR)
        for side in (left, right):
            if isinstance(side.type, T.Optional):
                self.error("optional-value", f"this {side.type.inner} may be missing (it is {side.type})", side,
                           help="give a fallback with `??`")
                return replace(node, left=left, right=right, type=ERROR)
        result = binary_result(node.op, ast.type_of(left), ast.type_of(right))
        if result is None:
            self.error("type-mismatch", f"cannot apply `{node.op}` to {left.type} and {right.type}", node,
                       help=_unit_help(right.type, left.type, self.scope.currency) if node.op in "+-" else None,
                       notes=[(f"this is {left.type}", left.span), (f"this is {right.type}", right.span)])
            return replace(node, left=left, right=right, type=ERROR)
        return replace(node, left=left, right=right, type=result)

    def _compare(self, node: ast.Compare) -> ast.Expr:
        left, right = self.check(node.left), self.check(node.right)
        left, right = self._enum_literals(left, right)
        if ERROR in (left.type, right.type):
            return replace(node, left=left, right=right, type=T.BOOL)
        ordering = COMPARISONS[node.op].ordering
        lt, rt = ast.type_of(left), ast.type_of(right)
        if not ordering and T.NONE in (lt, rt):
            other = rt if lt == T.NONE else lt
            if not isinstance(other, T.Optional) and other != T.NONE:
                self.error("type-mismatch", f"{other} is never none", node, help="remove this comparison")
            return replace(node, left=left, right=right, type=T.BOOL)
        if not ordering and isinstance(lt, T.Optional) != isinstance(rt, T.Optional):
            lt, rt = T.unwrap(lt), T.unwrap(rt)
        if ordering and (isinstance(lt, T.Optional) or isinstance(rt, T.Optional)):
            side = left if isinstance(lt, T.Optional) else right
            self.error("optional-value", f"this may be missing (it is {side.type})", side,
                       help="give a fallback with `??` before comparing")
        elif not T.comparable(lt, rt, ordering):
            self.error("type-mismatch", f"cannot compare {lt} with {rt}", node,
                       help=_unit_help(rt, lt, self.scope.currency),
                       notes=[(f"this is {lt}", left.span), (f"this is {rt}", right.span)])
        return replace(node, left=left, right=right, type=T.BOOL)

    def _enum_literals(self, left: ast.Expr, right: ast.Expr) -> tuple[ast.Expr, ast.Expr]:
        """A text literal compared with an enum must name one of its members."""
        for a, b in ((left, right), (right, left)):
            enum = T.unwrap(a.type) if a.type is not None else None
            if isinstance(enum, T.Enum) and isinstance(b, ast.Literal) and b.kind == "Text":
                if b.value not in enum.members:
                    self.error("unknown-enum-value", f"`{b.value}` is not a {enum.name} value", b,
                               help=did_you_mean(b.value, enum.members) or f"one of: {', '.join(enum.members)}")
                    b2 = replace(b, type=ERROR)
                else:
                    b2 = replace(b, type=enum)
                return (a, b2) if a is left else (b2, a)
        return left, right

    def _logical(self, node: ast.Logical) -> ast.Expr:
        left = self.expect(node.left, T.BOOL, f"each side of `{node.op}`")
        right = self.expect(node.right, T.BOOL, f"each side of `{node.op}`")
        return replace(node, left=left, right=right, type=T.BOOL)

    def _in(self, node: ast.In) -> ast.Expr:
        item = self.check(node.item)
        options = []
        for opt in node.options:
            typed_item, checked = self._enum_literals(item, self.check(opt))
            if ERROR not in (typed_item.type, checked.type) and \
                    not T.comparable(T.unwrap(ast.type_of(typed_item)), T.unwrap(ast.type_of(checked)), False):
                self.error("type-mismatch", f"cannot compare {typed_item.type} with {checked.type}", checked)
            item = typed_item
            options.append(checked)
        return replace(node, item=item, options=tuple(options), type=T.BOOL)

    def _coalesce(self, node: ast.Coalesce) -> ast.Expr:
        left, right = self.check(node.left), self.check(node.right)
        if ERROR in (left.type, right.type):
            return replace(node, left=left, right=right, type=ERROR)
        inner = T.unwrap(ast.type_of(left))
        if T.unwrap(ast.type_of(right)) != inner:
            self.error("type-mismatch", f"the fallback is {right.type}, but the value is {inner}", right,
                       help=_unit_help(right.type, inner, self.scope.currency))
            return replace(node, left=left, right=right, type=ERROR)
        return replace(node, left=left, right=right, type=right.type)

    def _if(self, node: ast.If) -> ast.Expr:
        cond = self.expect(node.cond, T.BOOL, "the condition of `if`")
        then, else_ = self.check(node.then), self.check(node.else_)
        if ERROR in (then.type, else_.type):
            return replace(node, cond=cond, then=then, else_=else_, type=ERROR)
        then_type, else_type = ast.type_of(then), ast.type_of(else_)
        if then_type == else_type:
            result = then_type
        elif T.NONE in (then_type, else_type):
            other = else_type if then_type == T.NONE else then_type
            result = other if isinstance(other, T.Optional) else T.Optional(other)
        elif T.unwrap(then_type) == T.unwrap(else_type):
            result = T.Optional(T.unwrap(then_type))
        else:
            self.error("type-mismatch", f"the branches differ: {then.type} and {else_.type}", node,
                       notes=[(f"this is {then.type}", then.span), (f"this is {else_.type}", else_.span)])
            result = ERROR
        return replace(node, cond=cond, then=then, else_=else_, type=result)

    def _listlit(self, node: ast.ListLit) -> ast.Expr:
        self.error("type-mismatch", "a list can only follow `in`", node)
        return replace(node, type=ERROR)

    def _call(self, node: ast.Call) -> ast.Expr:
        fn = FUNCTIONS.get(node.name)
        if fn is None:
            hint = did_you_mean(node.name, FUNCTIONS) or f"functions: {', '.join(sorted(FUNCTIONS))}"
            if node.name in AGGREGATES:
                hint = f"`{node.name}` takes a comprehension: `{node.name}(x.amount for x in claims)`"
            self.error("unknown-function", f"unknown function `{node.name}`", node, help=hint)
            return replace(node, args=tuple(self.check(a) for a in node.args), type=ERROR)
        args = tuple(self.check(a) for a in node.args)
        low, high = fn.arity
        if len(args) < low or (high is not None and len(args) > high):
            want = f"{low}" if low == high else f"at least {low}" if high is None else f"{low} to {high}"
            self.error("wrong-argument-count", f"`{node.name}` takes {want} argument(s), got {len(args)}", node,
                       help=fn.doc)
            return replace(node, args=args, type=ERROR)
        if fn.needs_calendar and not self.scope.has_calendar:
            self.error("missing-calendar", f"`{node.name}` needs the policy's business-day calendar", node,
                       help="name the policy's `jurisdiction:` (its calendar applies) or add `calendar: {country: <ISO 3166 code>, source: ...}`")
        if any(a.type == ERROR for a in args):
            return replace(node, args=args, type=ERROR)
        for i, a in enumerate(args, 1):
            if isinstance(a.type, T.Optional):
                self.error("optional-value", f"argument {i} of `{node.name}` may be missing ({a.type})", a,
                           help="give a fallback with `??`")
                return replace(node, args=args, type=ERROR)
        result = fn.check([ast.type_of(a) for a in args])
        if isinstance(result, str):
            self.error("type-mismatch", f"`{node.name}`: {result}", node, help=fn.doc)
            return replace(node, args=args, type=ERROR)
        return replace(node, args=args, type=result)

    def _aggregate(self, node: ast.Aggregate) -> ast.Expr:
        source = self.check(node.source)
        if node.func not in AGGREGATES:
            self.error("unknown-function", f"`{node.func}` is not an aggregate", node,
                       help=did_you_mean(node.func, AGGREGATES) or f"aggregates: {', '.join(AGGREGATES)}")
            return replace(node, source=source, type=ERROR)
        if source.type == ERROR:
            return replace(node, source=source, type=ERROR)
        if not isinstance(source.type, T.ListOf):
            self.error("type-mismatch", f"`{node.func}(… for {node.var} in …)` needs a list, not {source.type}", source)
            return replace(node, source=source, type=ERROR)
        shadowed = self.vars.get(node.var)
        self.vars[node.var] = source.type.item
        try:
            where = self.expect(node.where, T.BOOL, "the `where` condition") if node.where is not None else None
            item = self.check(node.item)
        finally:
            if shadowed is None:
                self.vars.pop(node.var, None)
            else:
                self.vars[node.var] = shadowed
        result = self._aggregate_type(node, item)
        return replace(node, source=source, item=item, where=where, type=result)

    def _aggregate_type(self, node: ast.Aggregate, item: ast.Expr) -> T.Type:
        t = ast.type_of(item)
        if t == ERROR:
            return ERROR
        entry = AGGREGATES[node.func]
        if not entry.optional_items and isinstance(t, T.Optional):
            self.error("optional-value", f"the items may be missing ({t})", item, help="give a fallback with `??`")
            return ERROR
        result = entry.check(t)
        if isinstance(result, str):
            self.error("type-mismatch", result, item)
            return ERROR
        return result


def _unit_help(got: T.Type | None, want: T.Type | None, currency: str | None = None) -> str | None:
    if want == T.DAYS and got == T.NUMBER:
        return "write the unit: `14 days`"
    if want == T.MONEY and got == T.NUMBER:
        return f"write the currency: `35 {currency or _ANY_CURRENCY}`"
    if want == T.PERCENT and got == T.NUMBER:
        return "write a percentage: `10 %`"
    if want == T.NUMBER and got == T.DAYS:
        return "a difference of dates is a Duration: compare it with `14 days`"
    if {got, want} == {T.DAYS, T.MONTHS}:
        return "day- and month-based durations do not compare: use `days` on both sides"
    return None
