"""Finding and loading jurisdiction files (`<catalog>/jurisdictions/<code>.yaml`).

Files are looked up beside the policy folders given, then in the bundled catalog; a local
file shadows a bundled one of the same code. Each goes through the load cache like a policy
file (schema check and all). Apart from the records (`jurisdiction.py`) because the load
cache's codec must know those records, and the loader needs the load cache.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic, relative
from ..values.money import MoneyStyle
from .jurisdiction import FOLDER, SUPPORTED_MINOR_UNITS, WEEKDAYS, Jurisdiction, Jurisdictions, LawViewSpec, unknown_calendar

__all__ = ["load_jurisdictions", "data_folders", "data_files", "load_jurisdiction_file"]


def data_folders(paths: Sequence[str | Path], name: str = FOLDER) -> list[Path]:
    """The `name` folders (`jurisdictions/`, `locales/`) beside the policy folders or files given,
    nearest first, then the bundled catalog's."""
    found: list[Path] = []
    for p in paths:
        path = Path(p)
        start = path if path.is_dir() else path.parent
        for folder in (start, *list(start.resolve().parents)[:3]):
            candidate = folder / name
            if candidate.is_dir():
                found.append(candidate.resolve())
                break
    from .catalog_source import BUNDLED
    bundled = BUNDLED / name
    if bundled.is_dir():
        found.append(bundled.resolve())
    return list(dict.fromkeys(found))


def data_files(folders: list[Path], load: Callable[[Path, str], tuple[Any, list[Diagnostic]]],
               problems: list[Diagnostic], broken: set[str]) -> Iterator[tuple[Path, Any]]:
    """(folder, record) for every `*.yaml` in `folders` that `load(path, shown)` accepts, through
    the load cache; the diagnostics go to `problems` and a refused file's stem to `broken`,
    so a caller can tell "no such file" from "a file with errors, already reported"."""
    from .load_cache import cached_load
    for folder in folders:
        for file in sorted(folder.glob("*.yaml")):
            shown = relative(file)
            record, diagnostics = cached_load(file, shown, partial(load, file, shown), kind=folder.name)
            problems.extend(diagnostics)
            if record is None:
                broken.add(file.stem)
            else:
                yield folder, record


def load_jurisdictions(paths: Sequence[str | Path]) -> tuple[Jurisdictions, list[Diagnostic]]:
    """Every jurisdiction file beside `paths` and in the bundled catalog (local ones first)."""
    by_code: dict[str, Jurisdiction] = {}
    defaults: dict[Path, list[Jurisdiction]] = {}
    problems: list[Diagnostic] = []
    broken: set[str] = set()
    for folder, found in data_files(data_folders(paths), _load, problems, broken):
        if found.code in by_code:
            continue
        by_code[found.code] = found
        if found.default:
            defaults.setdefault(folder, []).append(found)
    default = None
    for folder, marked in defaults.items():
        if len(marked) > 1:
            problems.append(Diagnostic(
                "duplicate-default-jurisdiction",
                f"{len(marked)} jurisdictions in `{relative(folder)}` are marked `default: true`: "
                + ", ".join(j.code for j in marked), marked[1].span,
                help="mark one; the policies of the others name it with `jurisdiction:`"))
        default = default or marked[0].code
    return Jurisdictions(by_code, default, frozenset(broken)), problems


def load_jurisdiction_file(path: Path, shown: str) -> tuple[Jurisdiction | None, list[Diagnostic]]:
    """One jurisdiction file on its own (`frin validate` of a copy outside any catalog)."""
    return _load(path, shown)


def _load(path: Path, shown: str) -> tuple[Jurisdiction | None, list[Diagnostic]]:
    from ..core.schema_check import load_checked
    doc, problems = load_checked(path, shown, "jurisdiction.schema.json", "jurisdiction file", "jurisdiction file")
    if doc is None:
        return None, problems
    d = doc.data
    code, currency, languages = d["jurisdiction"], d["currency"], tuple(d["languages"])
    if path.stem != code:
        problems.append(Diagnostic("file-name-mismatch", f"file is named `{path.name}` but `jurisdiction` is `{code}`",
                                   doc.span(("jurisdiction",)), help=f"rename the file to `{code}.yaml`"))
    if currency["minor_unit"] not in SUPPORTED_MINOR_UNITS:
        problems.append(Diagnostic(
            "unsupported-minor-unit", f"a minor unit of {currency['minor_unit']} decimals is not supported yet",
            doc.span(("currency", "minor_unit")),
            help="amounts are kept and rounded in hundredths (2 decimals); see docs/architecture.md"))
    for lang in languages:
        if lang not in currency["format"]:
            problems.append(Diagnostic(
                "missing-language", f"`currency.format` says nothing about how `{lang}` writes an amount",
                doc.span(("currency", "format")),
                help=f"add `{lang}: {{pattern: \"{{amount}} {{code}}\", group: \"\", decimal: \".\"}}`"))
    for lang, f in currency["format"].items():
        try:
            f["pattern"].format(amount="1", code="X")
        except (KeyError, IndexError, ValueError):
            problems.append(Diagnostic(
                "invalid-value", f"`{f['pattern']}` holds a placeholder other than `{{amount}}` and `{{code}}`",
                doc.span(("currency", "format", lang, "pattern")), help="write e.g. \"{amount} kr\" or \"{code} {amount}\""))
    country = d["calendar"]["country"]
    no_calendar = unknown_calendar(country, doc.span(("calendar", "country")))
    if no_calendar is not None:
        problems.append(no_calendar)
    timezone = d["timezone"]
    if not _known_zone(timezone):
        problems.append(Diagnostic("unknown-timezone", f"no time zone `{timezone}` in the IANA database",
                                   doc.span(("timezone",)), help="use a zone such as \"Europe/Oslo\""))
    law = d.get("law") or {}
    view = law.get("view")
    if view is not None:
        from ..values.ledger import parse_order
        try:
            parse_order(view["order"])
        except ValueError as err:
            problems.append(Diagnostic("invalid-value", str(err), doc.span(("law", "view", "order")),
                                       help='write the order as "costs, interest, principal"'))
        if view["policy"] not in law["policies"]:
            problems.append(Diagnostic("invalid-value", f"`law.view.policy` names `{view['policy']}`, which is not one "
                                       f"of `law.policies` ({', '.join(law['policies'])})", doc.span(("law", "view", "policy")),
                                       help="name one of the law policies"))
    from .outputs import role_problems
    for role, what in role_problems(d.get("outputs") or {}):
        problems.append(Diagnostic("invalid-value", f"`outputs.{role}`: {what}", doc.span(("outputs", role)),
                                   help="map each role onto the registry's output of that role (docs/outputs.md)"))
    if problems:
        return None, problems
    calendar = d["calendar"]
    weekend = tuple(sorted(WEEKDAYS.index(day) for day in calendar["weekend"])) if "weekend" in calendar else None
    money = {lang: MoneyStyle(currency["code"], f["pattern"], f["group"], f["decimal"])
             for lang, f in currency["format"].items()}
    return Jurisdiction(code=code, name=d["name"], default=d.get("default", False), currency=currency["code"],
                        minor_unit=currency["minor_unit"], money=money, timezone=timezone,
                        country=calendar["country"], weekend=weekend, languages=languages, path=shown,
                        span=doc.span(("jurisdiction",)),
                        sha256=hashlib.sha256(doc.source.text.encode("utf-8", "surrogateescape")).hexdigest(),
                        laws=tuple(law.get("policies") or ()), law_source=law.get("source", ""),
                        law_span=doc.span(("law", "policies")) if law else None,
                        view=LawViewSpec(view["policy"], tuple(sorted(view["interest"].items())),
                                     tuple(sorted((view.get("compensation") or {}).items())), view["order"], view["source"],
                                     doc.span(("law", "view"))) if view else None,
                        outputs=tuple(sorted((d.get("outputs") or {}).items())),
                        part_judged_on=law.get("charge_part_judged_on", "charged")), []


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
