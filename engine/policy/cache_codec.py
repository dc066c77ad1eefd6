"""A code-free, recursion-free encoding of a loaded policy file (and of a checked version), for the caches.

Pickle runs code named by the data it reads, so a planted cache entry could run anything
(issue 13). This codec writes JSON that can only ever become the engine's own load
results: plain values, `Decimal`, dates, `Months`, and instances of an allow-list of the
engine's record classes, restored field by field (`object.__new__` + the declared
fields, never a constructor or a method named by the data).

The object graph is written as a flat table: every container or record is one row whose
fields are plain scalars or `[n]`, a reference to an earlier row. Encoding walks with an
explicit stack and decoding is one forward pass, so an expression nested 4,000 deep costs
no recursion (the JSON itself is three levels deep); shared objects (a file's `Source`)
are written once.

>>> from decimal import Decimal
>>> decode(encode({"a": (1, Decimal("2.50"), [None, "x"])}))
{'a': (1, Decimal('2.50'), [None, 'x'])}
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from enum import Enum
from typing import Any, Callable

from ..values.interest import CompoundingSchedule

__all__ = ["encode", "decode", "CodecError"]


class CodecError(ValueError):
    """The data is not an encoding of a load result (corrupt, foreign or tampered)."""


def _classes() -> dict[str, type]:
    from ..core.diagnostics import Diagnostic, Severity
    from ..core.document import Document
    from ..core.source import ScalarText, Source, Span
    from ..lang import ast
    from ..lang import types as T
    from ..values.money import MoneyStyle
    from ..values.time import Months
    from .data_records import Locale
    from .jurisdiction import Jurisdiction, LawViewSpec
    from .model import Constraint, Example, Parameter, PolicyVersion, Rule
    records = [Span, Source, ScalarText, Diagnostic, Severity, Document, Example, Parameter, PolicyVersion, Rule, Constraint,
               Jurisdiction, LawViewSpec, Locale, MoneyStyle,
               Months, ast.Ref]
    records += [getattr(ast, n) for n in ast.__all__ if isinstance(getattr(ast, n), type)]
    records += [getattr(T, n) for n in T.__all__ if isinstance(getattr(T, n), type) and issubclass(getattr(T, n), T.Type) and getattr(T, n) is not T.Type]
    records = list(dict.fromkeys(records))
    classes = {c.__name__: c for c in records}
    if len(classes) != len(records):        # a name is how a row names its class: no two may share one
        raise RuntimeError("two record classes of the cache codec share a name")
    return classes


_REGISTRIES: dict[tuple[type, ...], dict[str, type]] = {}


def _registry(extra: tuple[type, ...] = ()) -> dict[str, type]:
    """The allow-list: the load results' classes, plus `extra` record classes of a higher layer
    (the checked catalog's, `catalog_cache`), which the caller names on both encode and decode."""
    found = _REGISTRIES.get(extra)
    if found is None:
        found = dict(_classes())
        for cls in extra:
            if found.setdefault(cls.__name__, cls) is not cls:
                raise RuntimeError(f"two record classes of the cache codec are named {cls.__name__}")
        _REGISTRIES[extra] = found
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    """The attributes that make up an instance: dataclass fields, else the instance's own."""
    names = _FIELDS.get(cls)
    if names is None:
        if dataclasses.is_dataclass(cls):
            names = tuple(f.name for f in dataclasses.fields(cls))
        else:
            names = ("source", "value", "_offsets")        # ScalarText, the one plain class
        _FIELDS[cls] = names
    return names


_SCALARS = (str, bool, int, type(None))


def encode(value: Any, extra: tuple[type, ...] = ()) -> bytes:
    """The flat-table JSON of `value`; raises `CodecError` for anything outside the allow-list."""
    classes = _registry(extra)
    rows: list = []
    index: dict[int, int] = {}          # id(object) → its row
    keep: list = []                     # keeps encoded objects alive, so their ids stay unique
    stack: list[tuple[Any, bool]] = [(value, False)]

    def ref(obj: Any) -> Any:
        if type(obj) in _SCALARS:
            return obj
        return [index[id(obj)]]

    def children(obj: Any) -> list:
        t = type(obj)
        if t in (list, tuple, CompoundingSchedule):
            return list(obj)
        if t is dict:
            return [x for kv in obj.items() for x in kv]
        if t in (Decimal, dt.date) or isinstance(obj, Enum):
            return []
        if t.__name__ in classes and classes[t.__name__] is t:
            return [getattr(obj, f) for f in _fields(t)]
        raise CodecError(f"cannot encode {t.__name__}")

    while stack:
        obj, expanded = stack.pop()
        if type(obj) in _SCALARS or id(obj) in index:
            continue
        if not expanded:
            stack.append((obj, True))
            stack.extend((c, False) for c in reversed(children(obj)))
            continue
        t = type(obj)
        if t is list:
            row = ["L", [ref(x) for x in obj]]
        elif t is CompoundingSchedule:
            row = ["C", [ref(x) for x in obj]]
        elif t is tuple:
            row = ["T", [ref(x) for x in obj]]
        elif t is dict:
            row = ["D", [ref(x) for kv in obj.items() for x in kv]]
        elif t is Decimal:
            row = ["N", str(obj)]
        elif t is dt.date:
            row = ["Y", obj.isoformat()]
        elif isinstance(obj, Enum):
            row = ["E", t.__name__, obj.value]
        else:
            row = ["R", t.__name__, [ref(getattr(obj, f)) for f in _fields(t)]]
        index[id(obj)] = len(rows)
        keep.append(obj)
        rows.append(row)
    return json.dumps({"rows": rows, "root": ref(value)}, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def decode(data: bytes, extra: tuple[type, ...] = ()) -> Any:
    """The value `encode` wrote; `CodecError` for anything else (never runs code from the data)."""
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
        rows, root = doc["rows"], doc["root"]
        if not isinstance(rows, list):
            raise CodecError("no rows")
        classes = _registry(extra)
        built: list = []

        def val(x: Any) -> Any:
            if type(x) is list:
                if len(x) != 1 or type(x[0]) is not int or not 0 <= x[0] < len(built):
                    raise CodecError("bad reference")
                return built[x[0]]
            if type(x) in _SCALARS:
                return x
            raise CodecError("bad value")

        for row in rows:
            built.append(_row(row, val, classes))
        return val(root)
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, UnicodeDecodeError) as err:
        raise CodecError(f"corrupt entry: {type(err).__name__}") from None


def _no_constant(name: str) -> Any:
    raise CodecError(f"{name} is not a value")


def _row(row: list, val: Callable[[Any], Any], classes: dict[str, type]) -> Any:
    tag = row[0]
    if tag == "L":
        return [val(x) for x in row[1]]
    if tag == "C":
        return CompoundingSchedule(val(x) for x in row[1])
    if tag == "T":
        return tuple(val(x) for x in row[1])
    if tag == "D":
        items = row[1]
        if len(items) % 2:
            raise CodecError("odd mapping")
        return {val(items[i]): val(items[i + 1]) for i in range(0, len(items), 2)}
    if tag == "N":
        number = Decimal(row[1])
        if not number.is_finite():
            raise CodecError("not a finite number")
        return number
    if tag == "Y":
        return dt.date.fromisoformat(row[1])
    cls = classes.get(row[1]) if isinstance(row[1], str) else None
    if cls is None:
        raise CodecError("unknown class")
    if tag == "E" and issubclass(cls, Enum):
        return cls(row[2])
    if tag != "R" or issubclass(cls, Enum):
        raise CodecError("unknown row")
    names, values = _fields(cls), row[2]
    if len(values) != len(names):
        raise CodecError(f"{cls.__name__} has {len(names)} fields")
    obj = object.__new__(cls)
    for name, x in zip(names, values):
        object.__setattr__(obj, name, val(x))
    return obj
