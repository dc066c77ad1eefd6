"""The decision's outputs, declared once: what a rule may give besides its action, and how
every part of Frist shows it.

A rule writes `fee: …`, `payment_deadline: …`; the decision reports them. Before this
registry the list of outputs was written out in about eleven places (the loader and
checker, the decision JSON, the columnar program, the batch columns, diff, timeline,
explain, both JSON Schemas); each now reads `OUTPUTS`. Adding an output of an existing type
is one entry here (plus its label words in explain/words.py and regenerated schemas:
`python -m engine.review.output_files`); docs/architecture.md lists what reads it.

An entry is a single value (`form="value"`: the rule's expression, of `type`) or a product
(`form="product"`: the rule gives `<name>_rate` (Percent) and `<name>_basis` (Money); the
decision shows `{rate, basis, amount}`, the amount rate × basis rounded to the øre, half up,
and none at all when the rate is zero or the basis missing). The decision JSON lists the
value outputs in registry order, then the products (the order format 1 has always had);
batch columns, diff and the schemas follow registry order.

Outputs by role: each entry plays a role (`ROLES`: the charge, a part of it the law caps on its
own, the deadline, the wait, the review, the commission). A jurisdiction names its outputs onto
the roles in its file (`outputs: {charge: fee, charge_part: salaer, ...}`,
policies/jurisdictions/*.yaml), and a decision of that jurisdiction carries only those (and
outputs of no role, which every jurisdiction carries). An entry marked `named_only` (Norway's
salær) is carried only where a jurisdiction names it; a jurisdiction that names no outputs
carries every other entry. The set-aside claims and the amounts are the engine's fields of
every decision (DECISION_TAIL), not outputs. A reader that knows the jurisdiction passes it
(the decision JSON, explain, the law's `decision` type); one that does not (a batch of any
jurisdiction, the prover) reads the union of the registry.

Readers call the functions below (never bind `OUTPUTS` at import), so a test can patch
`OUTPUTS` and see a new output reach every reader. This module is data plus the pure functions every reader shares (JSON form, columns, the
value compared by diff and `expect`); it imports only the language's types and JSON form.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..lang import types as T
from ..lang.render import to_json
from ..values.money import round_ore

if TYPE_CHECKING:
    from .jurisdiction import Jurisdiction

__all__ = ["Output", "OUTPUTS", "ROLES", "carries", "carried", "by_role", "role_problems", "VALUE", "PRODUCT", "rule_outputs", "json_order", "by_name", "inputs",
           "all_outputs", "products", "output_json", "product_amount", "compared", "columns", "column_kind", "DECISION_HEAD",
           "DECISION_TAIL", "RULE_FIXED", "EXPECT_FIXED", "law_fields"]

VALUE, PRODUCT = "value", "product"


@dataclass(frozen=True)
class Output:
    """One output of a decision.

    name:        the rule's key (a product: the stem of `<name>_rate`/`<name>_basis`), the
                 decision JSON key, the batch column, the diff field, the `expect` key.
    type:        the rule expression's type (a product: Money, the amount's).
    label:       key of `WORDS[lang]["outputs"]` (explain/words.py): the nb/en words.
    description: what it means, for the JSON Schemas.
    form:        VALUE or PRODUCT (see the module docstring).
    diff:        `frin diff` compares it (a product by its amount).
    timeline:    how `frin timeline` shows it: None (not at all), "field" (in each row's
                 JSON), "cost" (also the fee column), "when" (also the deadline column:
                 the first "when" output the decision gives, after `when_prefix`).
    law:         how a constraint sees it as `decision.<name>` (engine/policy/record.py):
                 None (not at all), "charge" (Money; 0 NOK when the rule gives none; a
                 non-zero charge makes the law bind the decision), "value" (optional).
    required:    the decision schema requires it. Format 1 promises that stored decisions
                 stay valid, so an output added within a format is printed always but not
                 required (False); the outputs format 1 started with are required.
    """

    name: str
    type: T.Type
    label: str
    description: str
    form: str = VALUE
    diff: bool = True
    timeline: str | None = "field"
    when_prefix: str = ""
    law: str | None = None
    required: bool = False
    part_of: str | None = None      # another output this one is a part of (the salær is charged as the fee)
    role: str | None = None         # its role (ROLES); None: an output every jurisdiction carries
    named_only: bool = False        # carried only by a jurisdiction that names it in `outputs:`


# The roles an output plays, with what a jurisdiction's output of that role means. A
# jurisdiction file's `outputs:` maps these onto registry names (schemas/jurisdiction.schema.json).
ROLES: dict[str, str] = {
    "charge": "what the step adds to the debtor's costs",
    "charge_part": "a part of the charge the law caps on its own (Norway's salær), charged as the charge",
    "deadline": "the date the debtor must pay by",
    "wait": "the earliest date the next step is allowed",
    "review": "when the case is looked at again",
    "commission": "the collector's commission: rate × basis",
}


OUTPUTS: tuple[Output, ...] = (
    Output("fee", T.MONEY, "fee", "What this step adds to the debtor's costs.", timeline="cost", law="charge",
           required=True, role="charge"),
    Output("salaer", T.MONEY, "salaer", "The salær this step charges, where one applies.", law="charge",
           part_of="fee", role="charge_part", named_only=True),
    Output("commission", T.MONEY, "commission",
           "The collector's commission where one applies: rate × basis, rounded to the øre.",
           form=PRODUCT, timeline=None, required=True, role="commission"),
    Output("payment_deadline", T.DATE, "payment_deadline", "The date the debtor must pay by.",
           timeline="when", law="value", required=True, role="deadline"),
    Output("not_before", T.DATE, "not_before", "For `wait`: the earliest date the next step is allowed.",
           timeline="when", when_prefix="wait to ", required=True, role="wait"),
    Output("next_review", T.DATE, "next_review", "When the case is to be looked at again.",
           timeline="when", when_prefix="review ", required=True, role="review"),
)

# The decision's fields that are not outputs, in the order the decision JSON prints them:
# the head before the outputs, the tail after. (They are the engine's, not a policy's.)
DECISION_HEAD = ("format", "case_id", "as_of", "policy", "action", "rule")
DECISION_TAIL = ("step", "amounts", "set_aside", "reasons", "violations", "warnings", "trace")
# A rule's keys that are not outputs, and an example's `expect` keys that are not outputs.
RULE_FIXED = ("id", "when", "action", "step", "explain", "source")
EXPECT_FIXED = ("action", "rule", "step", "set_aside")


def carries(jurisdiction: Jurisdiction | None, o: Output) -> bool:
    """Whether a decision of `jurisdiction` (None: any) carries `o` (the module docstring)."""
    if jurisdiction is None:
        return True
    named = dict(getattr(jurisdiction, "outputs", ()) or ())
    if not named:
        return not o.named_only
    return o.role is None or named.get(o.role) == o.name


def carried(jurisdiction: Jurisdiction | None = None) -> tuple[Output, ...]:
    """The outputs a decision of `jurisdiction` carries, in registry order (None: every output)."""
    return tuple(o for o in OUTPUTS if carries(jurisdiction, o))


def by_role(jurisdiction: Jurisdiction | None = None) -> dict[str, Output]:
    """role → the output that plays it for `jurisdiction` (None: any)."""
    return {o.role: o for o in carried(jurisdiction) if o.role is not None}


def role_problems(named: dict[str, str]) -> list[tuple[str, str]]:
    """A jurisdiction file's `outputs:` (role → name) against the registry: (role, what is wrong)."""
    out = []
    for role, name in named.items():
        o = by_name().get(name)
        if role not in ROLES:
            out.append((role, f"no role `{role}` (roles: {', '.join(ROLES)})"))
        elif o is None:
            out.append((role, f"no output `{name}` in the registry (outputs: {', '.join(by_name())})"))
        elif o.role != role:
            out.append((role, f"output `{name}` plays the role `{o.role}`, not `{role}`"))
    return out


def by_name(outputs: tuple[Output, ...] | None = None) -> dict[str, Output]:
    return {o.name: o for o in (OUTPUTS if outputs is None else outputs)}


def inputs(o: Output) -> tuple[tuple[str, T.Type], ...]:
    """The rule keys an output reads, with the type each must have."""
    if o.form == PRODUCT:
        return ((f"{o.name}_rate", T.PERCENT), (f"{o.name}_basis", T.MONEY))
    return ((o.name, o.type),)


def rule_outputs(jurisdiction: Jurisdiction | None = None) -> dict[str, T.Type]:
    """Every key a rule (of `jurisdiction`; None: any) may give besides its action, with its type."""
    return {key: typ for o in carried(jurisdiction) for key, typ in inputs(o)}


def all_outputs() -> tuple[Output, ...]:
    """Every output in registry order (read at call time, so a test may patch `OUTPUTS`)."""
    return OUTPUTS


def products() -> tuple[Output, ...]:
    return tuple(o for o in OUTPUTS if o.form == PRODUCT)


def json_order(jurisdiction: Jurisdiction | None = None) -> tuple[Output, ...]:
    """The outputs (of `jurisdiction`; None: all) in the decision JSON's order: the values, then the products."""
    mine = carried(jurisdiction)
    return tuple(o for o in mine if o.form == VALUE) + tuple(o for o in mine if o.form == PRODUCT)


def law_fields(jurisdiction: Jurisdiction | None = None) -> tuple[Output, ...]:
    """The outputs a constraint (of `jurisdiction`; None: any) reads as `decision.<name>`."""
    return tuple(o for o in carried(jurisdiction) if o.law is not None)


def product_amount(o: Output, values: dict[str, Any]) -> Decimal | None:
    """rate × basis to the øre (half up); None when none is due (no rate, a zero rate, no basis)."""
    rate, basis = values.get(f"{o.name}_rate"), values.get(f"{o.name}_basis")
    if not rate or basis is None:
        return None
    return round_ore(rate * basis)


def output_json(o: Output, values: dict[str, Any]) -> Any:
    """The output's JSON form from a rule's output values (by rule key): money "38.00",
    dates ISO, percent "12.5 %", a product `{rate, basis, amount}` or null."""
    if o.form == PRODUCT:
        amount = product_amount(o, values)
        if amount is None:
            return None
        return {"rate": to_json(values[f"{o.name}_rate"], T.PERCENT), "basis": to_json(values[f"{o.name}_basis"], T.MONEY),
                "amount": to_json(amount, T.MONEY)}
    return to_json(values.get(o.name), o.type)


def compared(o: Output, shown: Any) -> Any:
    """The part of an output's JSON form that diff and an example's `expect` compare: a
    product's amount, a value itself."""
    if o.form == PRODUCT and shown is not None:
        return shown["amount"]
    return shown


def column_kind(typ: T.Type) -> str:
    """A batch column's kind for a value of `typ`: money (Decimal), date, or string."""
    inner = T.unwrap(typ)
    return "money" if inner == T.MONEY else "date" if inner == T.DATE else "string"


def columns(o: Output) -> tuple[tuple[str, str], ...]:
    """The batch columns of an output, (name, kind): a product as rate (text), basis, amount."""
    if o.form == PRODUCT:
        return ((f"{o.name}_rate", "string"), (f"{o.name}_basis", "money"), (f"{o.name}_amount", "money"))
    return ((o.name, column_kind(o.type)),)
