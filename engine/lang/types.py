"""Types of the rule language (the operators' signatures are in `engine/lang/semantics`).

Types are small immutable values compared by equality. `Optional(T)` is what an
aggregate over a possibly empty list returns; it must be resolved with `??` before use.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Type", "Scalar", "Enum", "Optional", "ListOf", "Record", "Table", "Schedule",
    "MONEY", "NUMBER", "PERCENT", "DATE", "DAYS", "MONTHS", "BOOL", "TEXT", "NONE", "ANY_ENUM",
    "is_duration", "comparable", "unwrap",
]


class Type:
    """Base of all types; `str(t)` is how diagnostics name it."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Scalar(Type):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Enum(Type):
    """A closed set of text values (from the case schema or a policy's `steps`)."""

    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Optional(Type):
    inner: Type

    def __str__(self) -> str:
        return f"{self.inner}?"


@dataclass(frozen=True, slots=True)
class ListOf(Type):
    item: Type

    def __str__(self) -> str:
        return f"List[{self.item}]"


@dataclass(frozen=True, slots=True)
class Record(Type):
    """A case object (`debtor`, one claim): field name → type, in schema order."""

    name: str
    fields: tuple[tuple[str, Type], ...]

    def field(self, name: str) -> Type | None:
        for key, typ in self.fields:
            if key == name:
                return typ
        return None

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Table(Type):
    """A bracket table: a key type (compared with `up_to`) to a value type."""

    key: Type
    value: Type

    def __str__(self) -> str:
        return f"Table[{self.key} -> {self.value}]"


@dataclass(frozen=True, slots=True)
class Schedule(Type):
    """Dated values: the latest entry on or before a date applies."""

    value: Type

    def __str__(self) -> str:
        return f"Schedule[{self.value}]"


MONEY = Scalar("Money")
NUMBER = Scalar("Number")
PERCENT = Scalar("Percent")
DATE = Scalar("Date")
DAYS = Scalar("Duration(days)")
MONTHS = Scalar("Duration(months)")
BOOL = Scalar("Bool")
TEXT = Scalar("Text")
NONE = Scalar("None")
ANY_ENUM = Enum("Enum", ())


def is_duration(t: Type) -> bool:
    return t in (DAYS, MONTHS)


def unwrap(t: Type) -> Type:
    return t.inner if isinstance(t, Optional) else t


def comparable(left: Type, right: Type, ordering: bool) -> bool:
    """Whether `left` and `right` may be compared (`ordering` for < <= > >=)."""
    if isinstance(left, Enum) and isinstance(right, Enum):
        return not ordering and (left == right or ANY_ENUM in (left, right))
    if ordering:
        return left == right and left in (MONEY, NUMBER, PERCENT, DATE, DAYS, MONTHS)
    return left == right and not isinstance(left, (ListOf, Record, Table, Schedule))
