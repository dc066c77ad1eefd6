"""Money and percentages: `Decimal` in the policy's currency, rounded only at named points.

The currency itself (its ISO 4217 code and how a reader writes it) is data: the policy's
jurisdiction file says it (policy/jurisdiction.py), and `MoneyStyle` formats an amount the way
that file says. The engine knows no currency: amounts of one decision are all in one.

Money is a plain `Decimal` at run time (the type checker guarantees it is never mixed with
a Number or a Percent by mistake); a Percent is the fraction (`10 %` is `Decimal("0.10")`).
Evaluation runs inside `DECIMAL_CONTEXT`, so results do not depend on the caller's context.
"""
from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["MoneyStyle", "ORE", "KRONE", "MAX_AMOUNT", "DECIMAL_CONTEXT", "parse_money", "format_money", "format_percent",
           "round_ore", "round_kr", "floor_kr", "is_ore_exact", "Rounding", "TO_ORE", "TO_KR", "DOWN_TO_KR"]

ORE = Decimal("0.01")
KRONE = Decimal("1")

# The largest amount a case or a command line may give (just under 10^12 units). With it, an
# amount times any rate stays far inside 28 digits and inside the columnar evaluator's
# Int64 øre (about 9.2e16), so no accepted amount can overflow either evaluator.
MAX_AMOUNT = Decimal("999999999999.99")

# INVARIANT: 28 significant digits is far beyond any amount times any rate, so
# intermediate results are exact until a named rounding point.
DECIMAL_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN,
                                  traps=[InvalidOperation, decimal.DivisionByZero, decimal.Overflow])


def parse_money(text: str) -> Decimal:
    """Parse a case's money string ("1250.00"); spaces as thousands separators are allowed.

    >>> parse_money("1 250.5")
    Decimal('1250.5')
    """
    try:
        value = Decimal(text.replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        raise ValueError(f"`{text}` is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"`{text}` is not an amount")
    if abs(value) > MAX_AMOUNT:
        raise ValueError(f"`{text}` is larger than the largest amount Frist accepts ({MAX_AMOUNT})")
    return value


@dataclass(frozen=True)
class Rounding:
    """A named rounding point: to `places` decimals with a `decimal` rounding mode.

    The one statement of how Frist rounds: calling it rounds a Decimal (the scalar
    evaluators), and the columnar evaluator reads `places` and `mode` to round its
    fixed-point integers the same way (`columnar/values.round_fixed`).
    """

    places: int
    mode: str                  # ROUND_HALF_UP (ties away from zero) or ROUND_FLOOR
    quantum: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quantum", Decimal(1).scaleb(-self.places))

    def __call__(self, amount: Decimal) -> Decimal:
        return amount.quantize(self.quantum, rounding=self.mode)


TO_ORE = Rounding(2, ROUND_HALF_UP)
TO_KR = Rounding(0, ROUND_HALF_UP)
DOWN_TO_KR = Rounding(0, ROUND_FLOOR)


def round_ore(amount: Decimal, _quantum: Decimal = TO_ORE.quantum, _mode: str = TO_ORE.mode) -> Decimal:
    """Round to the øre, half up (commercial rounding): 234.375 → 234.38.

    >>> round_ore(Decimal("234.375")), round_ore(Decimal("-0.005"))
    (Decimal('234.38'), Decimal('-0.01'))
    """
    return amount.quantize(_quantum, rounding=_mode)     # the Rounding's own, bound once: a hot path


def round_kr(amount: Decimal, _quantum: Decimal = TO_KR.quantum, _mode: str = TO_KR.mode) -> Decimal:
    """Round to whole kroner, half up, as inkassoforskriften does from 2026: 37.50 → 38.

    >>> round_kr(Decimal("37.50")), round_kr(Decimal("112.49"))
    (Decimal('38'), Decimal('112'))
    """
    return amount.quantize(_quantum, rounding=_mode)     # the Rounding's own, bound once: a hot path


def floor_kr(amount: Decimal, _quantum: Decimal = DOWN_TO_KR.quantum, _mode: str = DOWN_TO_KR.mode) -> Decimal:
    """Round down to whole kroner (court fees, rettsgebyrloven § 6 a): 2071.30 → 2071.

    >>> floor_kr(Decimal("2071.30"))
    Decimal('2071')
    """
    return amount.quantize(_quantum, rounding=_mode)     # the Rounding's own, bound once: a hot path


def is_ore_exact(amount: Decimal) -> bool:
    """Whether an amount has no digits below the øre.

    >>> is_ore_exact(Decimal("187.50")), is_ore_exact(Decimal("234.375"))
    (True, False)
    """
    return amount == amount.quantize(ORE, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """Two decimals, no thousands separator, as decisions print money.

    A Decimal zero may carry a sign (`0 NOK * -3` is `-0`); money has none, so zero prints
    as `0.00` whichever way it was computed (the columnar evaluator's integers have no -0).

    >>> format_money(Decimal("38")), format_money(Decimal("187.5")), format_money(Decimal("-0.001"))
    ('38.00', '187.50', '0.00')
    """
    rounded = amount.quantize(ORE, rounding=ROUND_HALF_UP)
    return f"{rounded.copy_abs() if rounded == 0 else rounded:.2f}"


def format_percent(fraction: Decimal) -> str:
    """A fraction as a percentage, without trailing zeros.

    >>> format_percent(Decimal("0.1225")), format_percent(Decimal("0.10"))
    ('12.25 %', '10 %')
    """
    pct = (fraction * 100).normalize()
    text = f"{pct:f}"
    return f"{text} %"


def group_digits(text: str, group: str, decimal_mark: str) -> str:
    """`1050.00` with a thousands separator and a decimal mark: `1 050,00`, `1,050.00`.

    >>> group_digits("1234567.5", " ", ","), group_digits("-38.00", ",", "."), group_digits("1050.00", "", ".")
    ('1 234 567,5', '-38.00', '1050.00')
    """
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = digits.partition(".")
    groups: list[str] = []
    while group and len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:]] + groups
    return sign + group.join([whole] + groups) + (decimal_mark + frac if dot else "")


@dataclass(frozen=True, slots=True)
class MoneyStyle:
    """How one language writes amounts of one currency, as a jurisdiction file says.

    `pattern` holds `{amount}` (and may hold `{code}`); `group` separates thousands ("" for
    none), `decimal` is the decimal mark.

    >>> MoneyStyle("NOK", "{amount} kr", " ", ",").format(Decimal("1050"))
    '1 050,00 kr'
    >>> MoneyStyle("EUR", "{code} {amount}", ",", ".").format(Decimal("1234.56"))
    'EUR 1,234.56'
    """

    code: str
    pattern: str = "{amount} {code}"
    group: str = ""
    decimal: str = "."

    def format(self, amount: Decimal) -> str:
        return self.pattern.format(amount=group_digits(format_money(amount), self.group, self.decimal), code=self.code)
