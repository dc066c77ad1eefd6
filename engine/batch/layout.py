"""The flat batch layout (Parquet, CSV, Arrow, Polars) → a checked case frame, plus rejects.

One row per case. Record fields are `<record>_<field>` columns (`debtor_kind`,
`creditor_vat_registered`); `claims`, `payments` and `events` are list-of-struct columns
with the case file's field names, or JSON text holding the same list (CSV); a case with one
claim may use `claim_<field>` columns instead. Money is text as in case files ("1250.00")
or a decimal column, dates ISO text or date columns. Every value is checked as a case file
is (types, enums, required fields, amounts, date order, steps, nothing after the decision
date); each problem becomes a reject `(row, case_id, field, problem)`.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import lru_cache

import polars as pl

from ..columnar.frame import AS_OF, ColumnType, dtype_of, item_struct, list_item, root_columns
from ..core.schema_check import load_schema
from ..lang import types as T
from ..policy.case import DUPLICATE_INVOICE
from ..values.money import MAX_AMOUNT
from ..values.time import DATE_MAX, DATE_MIN

__all__ = ["checked_case_frame", "convert_flagged", "ROW", "REJECTS", "rejects_of", "describe_reject",
           "source_column", "schema_defaults"]

ROW = "__input_row"
REJECTS = {"row": pl.Int64, "field": pl.String, "problem": pl.String}   # a reject before its case_id is joined
_MONEY = r"^-?\d+(\.\d{1,2})?$"
_TOO_BIG = "`{}` is larger than the largest amount Frist accepts (" + str(MAX_AMOUNT) + ")"
_DAYS = ((DATE_MIN - dt.date(1970, 1, 1)).days, (DATE_MAX - dt.date(1970, 1, 1)).days)


def rejects_of(frame: pl.DataFrame, field: pl.Expr, problem: pl.Expr) -> pl.DataFrame:
    """One reject per row of `frame` (which carries ROW); a null `problem` is dropped later."""
    return frame.select(pl.col(ROW).alias("row"), field.alias("field"), problem.alias("problem"))


def describe_reject(reject: dict) -> str:
    """A reject as one line of text: `row 3 (case C): claims[0].amount must be positive`."""
    what = " ".join(part for part in (reject["field"], reject["problem"]) if part)
    return f"row {reject['row']} (case {reject['case_id']}): {what}"


@lru_cache(maxsize=1)
def schema_defaults() -> dict[str, object]:
    """Schema defaults by dotted name (`debtor.vat_registered`, `claims.credited`)."""
    root = load_schema("case.schema.json")
    out = {}
    for key, sub in root["properties"].items():
        if sub.get("type") == "array":
            sub = sub["items"]
        for field, spec in sub.get("properties", {}).items():
            if "default" in spec:
                out[f"{key}.{field}"] = spec["default"]
    return out


def _convert(raw: pl.Expr, dtype: ColumnType, typ: T.Type, label: pl.Expr, default=None) -> tuple[pl.Expr, pl.Expr]:
    """(value, a name as its text; problem text or null) for one input column (`_frame_form` gives the frame's form)."""
    value, flag, problem = convert_flagged(raw, dtype, typ, default, names_as_text=True)
    return value, problem


def _text_form(dtype: ColumnType) -> ColumnType:
    """`dtype` with every Enum as text: the checks' form of a column, where a step outside the
    policy's is still its name (`_cross_checks` names it)."""
    if isinstance(dtype, pl.Enum):
        return pl.String
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        return pl.List(pl.Struct({f.name: _text_form(f.dtype) for f in dtype.inner.fields}))
    return dtype


def _frame_form(good: pl.DataFrame, columns: dict[str, T.Type]) -> pl.DataFrame:
    """The checked rows with every column in the frame's form (`frame.dtype_of`: names as Enums)."""
    return good.cast({name: dtype_of(typ) for name, typ in columns.items() if name in good.columns})


def convert_flagged(raw: pl.Expr, dtype: ColumnType, typ: T.Type, default=None, names_as_text: bool = False
                    ) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(value in frame form, Boolean: the value has a problem, problem text or null) for one input column;
    a name of a closed set (a step) as its text with `names_as_text`."""
    inner = T.unwrap(typ)
    required = not isinstance(typ, T.Optional) and default is None
    if default is not None and isinstance(dtype, pl.Decimal) and isinstance(default, str):
        raw = raw.fill_null(pl.lit(Decimal(default)).cast(dtype))      # a text default would make the column text
    elif default is not None:
        raw = raw.fill_null(pl.lit(default) if not isinstance(default, bool) else default)
    missing = raw.is_null()
    text = dtype == pl.String
    value: pl.Expr
    if inner == T.MONEY:
        if text:
            clean = raw.str.replace_all(r"[ \u00a0]", "")
            decimal = clean.cast(pl.Decimal(38, 2), strict=False)
            value = pl.when(decimal.abs() <= MAX_AMOUNT).then((decimal * 100).cast(pl.Int64, strict=False))
            ok = clean.str.contains(_MONEY) & value.is_not_null()
            bad = pl.when(decimal.abs() > MAX_AMOUNT).then(pl.format(_TOO_BIG, raw)).otherwise(
                pl.format("`{}` is not an amount", raw))
        elif isinstance(dtype, pl.Decimal) and dtype.scale <= 2:
            # exact to the øre by its type: only the range can fail (one cast, integer compares)
            ore = raw.cast(pl.Decimal(38, 2)).to_physical().cast(pl.Int64, strict=False)   # unscaled: øre
            value = pl.when(ore.abs() <= int(MAX_AMOUNT * 100)).then(ore)
            ok = value.is_not_null()
            bad = pl.when(raw.cast(pl.Decimal(38, 2), strict=False).abs() > MAX_AMOUNT).then(
                pl.format(_TOO_BIG, raw.cast(pl.String))).otherwise(pl.lit("an amount with more than two decimals"))
        elif isinstance(dtype, pl.Decimal) or dtype == pl.Null:
            value = pl.when(raw.cast(pl.Decimal(38, 2), strict=False).abs() <= MAX_AMOUNT).then(
                (raw.cast(pl.Decimal(38, 2), strict=False) * 100).cast(pl.Int64, strict=False))
            ok = value.is_not_null() & ((raw.cast(pl.Decimal(38, 2), strict=False) == raw) if dtype != pl.Null else True)
            bad = pl.when(raw.cast(pl.Decimal(38, 2), strict=False).abs() > MAX_AMOUNT).then(
                pl.format(_TOO_BIG, raw.cast(pl.String))).otherwise(pl.lit("an amount with more than two decimals"))
        else:
            value, ok, bad = pl.lit(None, dtype=pl.Int64), pl.lit(False), pl.lit(f"money must be text like \"1250.00\" or a decimal, not {dtype}")
    elif inner == T.DATE:
        if text:
            value = raw.str.to_date("%Y-%m-%d", strict=False).cast(pl.Int32)
            ok = value.is_not_null() & (raw.str.len_chars() == 10)
        elif dtype in (pl.Date, pl.Null):
            value, ok = raw.cast(pl.Date).cast(pl.Int32), pl.lit(True)
        else:
            value, ok = pl.lit(None, dtype=pl.Int32), pl.lit(False)
        bad = pl.format("`{}` is not a date (YYYY-MM-DD)", raw.cast(pl.String))
    elif inner == T.BOOL:
        if text:
            lower = raw.str.to_lowercase()
            value, ok = lower == "true", lower.is_in(["true", "false"])
        else:
            value, ok = raw.cast(pl.Boolean, strict=False), raw.cast(pl.Boolean, strict=False).is_not_null()
        bad = pl.format("`{}` is not true or false", raw.cast(pl.String))
    else:
        value, ok = raw.cast(pl.String), pl.lit(True)
        bad = pl.lit("")
        if isinstance(inner, T.Enum) and inner.members:
            bad = pl.format("`{}` is not one of " + ", ".join(inner.members).replace("{", "").replace("}", ""), value)
            code = value.cast(dtype_of(inner), strict=False)        # the frame's form: null where not a member
            ok = code.is_not_null()
            value = value if names_as_text else code
    if inner == T.DATE:
        outside = (value < _DAYS[0]) | (value > _DAYS[1])
        ok = ok & ~outside.fill_null(False)
        bad = pl.when(outside.fill_null(False)).then(pl.format(
            f"`{{}}` is outside the years Frist supports ({DATE_MIN.year}–{DATE_MAX.year})", raw.cast(pl.String))).otherwise(bad)
    problem = pl.when(missing & required).then(pl.lit("is required")) \
        .when(~missing & ~ok.fill_null(False)).then(bad).otherwise(pl.lit(None, dtype=pl.String))
    flag = (missing & required) if required else pl.lit(False)
    flag = flag | (~missing & ~ok.fill_null(False))
    return value, flag, problem


def source_column(frame: pl.DataFrame, name: str) -> str | None:
    root, _, sub = name.partition(".")
    for candidate in (f"{root}_{sub}", name) if sub else (name,):
        if candidate in frame.columns:
            return candidate
    return None


def _json_problems(frame: pl.DataFrame, root: str, item: T.Record, pending: list[dict]) -> set[int]:
    """Check JSON text cells the way the case schema does: a list of objects, known keys, typed values.

    Returns the rows with a problem: their cells are left out of decoding (one bad cell
    must not stop the column, and the row is rejected anyway).
    """
    kinds = {k: ("bool" if T.unwrap(t) == T.BOOL else "text") for k, t in item.fields}
    before = len(pending)
    for row, text in zip(frame.get_column(ROW).to_list(), frame.get_column(root).to_list()):
        if text is None:
            continue
        try:
            items = json.loads(text)
        except RecursionError:
            pending.append({"row": row, "field": root, "problem": "is JSON nested too deeply"})
            continue
        except ValueError as err:
            pending.append({"row": row, "field": root, "problem": f"is not JSON: {err}"})
            continue
        if not isinstance(items, list):
            pending.append({"row": row, "field": root, "problem": "must be a JSON list of objects"})
            continue
        for i, entry in enumerate(items):
            if not isinstance(entry, dict):
                pending.append({"row": row, "field": f"{root}[{i}]", "problem": "must be an object"})
                continue
            for key, value in entry.items():
                want = kinds.get(key)
                if want is None:
                    pending.append({"row": row, "field": f"{root}[{i}].{key}", "problem": "is not a known field"})
                elif value is not None and (isinstance(value, bool) != (want == "bool") or
                                            (want == "text" and not isinstance(value, str))):
                    pending.append({"row": row, "field": f"{root}[{i}].{key}",
                                     "problem": f"must be {'true or false' if want == 'bool' else 'text'}, not {json.dumps(value)}"})
    return {p["row"] for p in pending[before:]}


def _list_input(frame: pl.DataFrame, root: str, item: T.Record, pending: list[dict],
                skipped: set[int]) -> pl.DataFrame | None:
    """The list column as a long table: __row, __item, one column per field (raw).

    Rows whose JSON cell was rejected are added to `skipped` (their list reads as empty).
    """
    if root in frame.columns:
        col = frame.get_column(root)
        col_type = col.dtype
        raw_struct = pl.Struct({k: pl.Boolean if T.unwrap(t) == T.BOOL else pl.String for k, t in item.fields})
        if col_type == pl.Null or isinstance(col_type, pl.List) and not isinstance(col_type.inner, pl.Struct):
            if isinstance(col_type, pl.List) and col.drop_nulls().list.len().sum() > 0:
                from ..core.errors import UsageError
                raise UsageError(f"column `{root}` holds lists of {col_type.inner}, not of records with the fields "
                                 f"{', '.join(k for k, _ in item.fields)}; write it as a list of structs or as JSON text")
            # no row has an item: Parquet of empty lists is list<null> (Spark reads it as array<int>)
            col = pl.Series(root, [None if v is None else [] for v in col.to_list()], dtype=pl.List(raw_struct))
        if not (col.dtype == pl.String or isinstance(col.dtype, pl.List)):
            from ..core.errors import UsageError
            raise UsageError(f"column `{root}` is {col.dtype}, not a list of records with the fields "
                             f"{', '.join(k for k, _ in item.fields)}; write it as a list of structs or as JSON text")
        if col.dtype == pl.String:
            bad = _json_problems(frame, root, item, pending)
            skipped |= bad
            if bad:
                col = frame.select(pl.when(~pl.col(ROW).is_in(list(bad))).then(pl.col(root))).to_series()
            col = col.str.json_decode(pl.List(raw_struct))
        long = pl.DataFrame({ROW: frame.get_column(ROW), root: col}).explode(root, keep_nulls=False)
        item_type = long.schema[root]
        assert isinstance(item_type, pl.Struct)         # exploded from a list of structs just above
        fields = [f.name for f in item_type.fields]
        long = long.select(ROW, *(pl.col(root).struct.field(f) for f in fields))
    elif root == "claims" and any(c.startswith("claim_") for c in frame.columns):
        long = frame.select(ROW, *(pl.col(c).alias(c[len("claim_"):]) for c in frame.columns if c.startswith("claim_")))
    else:
        return None
    return long.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over(ROW).alias("__item"))


def checked_case_frame(frame: pl.DataFrame, steps: tuple[str, ...], as_of: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(case frame of the valid rows, with ROW; rejects: row, field, problem), every row through the
    item-by-item checks that name each problem. `frame` must carry ROW (the 1-based input row);
    `as_of` gives each row's decision date. `validate.to_case_frame` is the fast way in."""
    columns = root_columns(steps)
    defaults = schema_defaults()
    out = {ROW: pl.col(ROW), AS_OF: pl.lit(as_of.cast(pl.Date).cast(pl.Int32))}
    problems: list[pl.DataFrame] = []
    lists: dict[str, T.Type] = {}
    pending: list[dict] = []
    skipped: set[int] = set()
    for name, typ in columns.items():
        if isinstance(T.unwrap(typ), T.ListOf):
            lists[name] = typ
            continue
        source = source_column(frame, name)
        raw = pl.col(source) if source else pl.lit(None)
        dtype = frame.schema[source] if source else pl.Null
        value, problem = _convert(raw, dtype, typ, pl.lit(name), defaults.get(name))
        out[name] = value
        out["?" + name] = problem
    base = frame.select(**out)
    for name in columns:
        if "?" + name in base.columns:
            problems.append(rejects_of(base, pl.lit(name), pl.col("?" + name)))
    base = base.select(ROW, AS_OF, *(n for n in columns if n in base.columns))
    for name, typ in lists.items():
        item = list_item(typ)
        long = _list_input(frame, name, item, pending, skipped)
        struct_type = item_struct(typ)
        if long is None:
            if name == "claims":
                problems.append(rejects_of(frame, pl.lit("claims"), pl.lit("is required")))
            base = base.with_columns(pl.lit([], dtype=pl.List(struct_type)).alias(name))
            continue
        fields, checks = {}, {}
        for field, ftype in item.fields:
            raw = pl.col(field) if field in long.columns else pl.lit(None)
            dtype = long.schema[field] if field in long.columns else pl.Null
            fields[field], checks[field] = _convert(raw, dtype, ftype, pl.lit(field), defaults.get(f"{name}.{field}"))
        long = long.select(ROW, "__item", **fields, **{"?" + k: v for k, v in checks.items()})
        for field in fields:
            problems.append(rejects_of(long, _item_field(name, field), pl.col("?" + field)))
        problems.append(_item_checks(name, long))
        nested = long.group_by(ROW, maintain_order=True).agg(pl.struct(*fields).alias(name))
        text_type = _text_form(pl.List(struct_type))
        base = base.join(nested, on=ROW, how="left", maintain_order="left").with_columns(
            pl.col(name).fill_null(pl.lit([], dtype=text_type)).cast(text_type))
        if name == "claims":
            empty = (pl.col(name).list.len() == 0) & ~pl.col(ROW).is_in(list(skipped))
            problems.append(rejects_of(base.filter(empty), pl.lit("claims"), pl.lit("needs at least one claim")))
    problems.append(_cross_checks(base, steps))
    if pending:
        problems.append(pl.DataFrame(pending, schema=REJECTS))
    rejects = pl.concat([p.with_columns(pl.col("field").cast(pl.String), pl.col("row").cast(pl.Int64))
                         for p in problems], how="vertical").drop_nulls("problem")
    rejects = rejects.sort("row", maintain_order=True)
    good = base.filter(~pl.col(ROW).is_in(rejects.get_column("row").implode()))
    return _frame_form(good, columns), rejects


def _item_field(name: str, field: str) -> pl.Expr:
    """The field of a list item as rejects name it: `claims[0].amount` (`__item` counts from 0)."""
    return pl.format(name + "[{}]." + field, "__item")


def _failing(long: pl.DataFrame, name: str, rules: list[tuple[str, pl.Expr, str]]) -> list[pl.DataFrame]:
    """Rejects of the items of list `name` where a rule's condition holds: (field, condition, problem)."""
    return [rejects_of(long.filter(cond.fill_null(False)), _item_field(name, f), pl.lit(text)) for f, cond, text in rules]


def _item_checks(name: str, long: pl.DataFrame) -> pl.DataFrame:
    """The checks `engine.policy.case` makes on list items, as rejects."""
    rules = []
    if name == "claims":
        rules = [("amount", pl.col("amount") <= 0, "must be positive"),
                 ("credited", (pl.col("amount") > 0) & ((pl.col("credited") < 0) | (pl.col("credited") > pl.col("amount"))),
                  "must be between 0 and the amount"),      # not judged against a wrong amount, as engine.policy.case
                 ("due", pl.col("due") < pl.col("issued"), "is before the invoice was issued"),
                 ("invoice", pl.col("invoice").is_not_null() & (pl.int_range(pl.len()).over([ROW, "invoice"]) > 0),
                  DUPLICATE_INVOICE)]
    elif name == "payments":
        rules = [("amount", pl.col("amount") <= 0, "must be positive")]
    elif name == "events":
        rules = [("fee", pl.col("fee") < 0, "must not be negative"),
                 ("date", pl.col("date") < pl.col("date").shift(1).over(ROW), "is before the event listed before it; list events oldest first")]
    frames = _failing(long, name, rules)
    return pl.concat(frames) if frames else pl.DataFrame(schema=REJECTS)


def _cross_checks(base: pl.DataFrame, steps: tuple[str, ...]) -> pl.DataFrame:
    """Steps known to the policy, nothing (events, payments, hand-overs) after the decision date, no payment before the first invoice."""
    frames = []
    # as `engine.policy.case`: the first invoice is known only when every claim gives `issued`
    issued = pl.col("claims").list.eval(pl.element().struct.field("issued"))
    earliest = pl.when((issued.list.len() > 0) & ~issued.list.eval(pl.element().is_null()).list.any()) \
        .then(issued.list.min())
    for name, checks in (("events", ("step", "date")), ("payments", ("date",))):
        long = base.select(ROW, AS_OF, earliest.alias("__first"), name).explode(name, keep_nulls=False)
        long = long.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over(ROW).alias("__item"),
                                 pl.col(name).struct.unnest())
        rules = [("date", pl.col("date") > pl.col(AS_OF), "is after the decision date; decide on a later date (--as-of) or remove the entry")]
        if name == "events":
            rules.append(("step", ~pl.col("step").is_in(list(steps)), "is not one of the policy's steps: " + ", ".join(steps)))
        else:
            rules.append(("date", pl.col("date") < pl.col("__first"), "is before the first invoice"))
        frames += _failing(long, name, rules)
    long = base.select(ROW, AS_OF, "claims").explode("claims", keep_nulls=False)
    long = long.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over(ROW).alias("__item"),
                             pl.col("claims").struct.unnest())
    frames += _failing(long, "claims", [("handed_over", pl.col("handed_over") > pl.col(AS_OF),
                                         "is after the decision date; decide on a later date (--as-of) or correct the hand-over date")])
    return pl.concat(frames)
