"""Policy loading: files → schema check → `PolicyVersion`s with parsed expressions.

Structural problems (YAML, schema, file name vs `effective`) and syntax errors are
collected as diagnostics; nothing here raises on the first problem. Type checking and the
cross-version checks run afterwards (`pipeline.py`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic, Severity, relative
from ..core.document import Document
from ..core.schema_check import load_checked
from ..core.source import ScalarText
from ..lang import ast
from ..values.time import parse_date
from .jurisdiction import unknown_calendar
from .layout import DATA_FOLDERS, DRAFTS, expected_path
from .model import Constraint, Example, Parameter, PolicyVersion, Rule
from .outputs import rule_outputs

__all__ = ["find_policy_files", "load_version", "DATA_FOLDERS"]


def find_policy_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand folders into their `*.yaml` files (recursively), in a stable order."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(f for f in path.rglob("*.yaml") if f.is_file()):
                if f.relative_to(path).parts[0] in DATA_FOLDERS:
                    continue        # jurisdiction and locale files, not policy versions
                if _in_layout(f.relative_to(path)):
                    files.append(f)
                else:
                    problems.append(_outside_layout(path, f))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Diagnostic("no-such-file", f"`{p}` does not exist", path=str(p),
                                       help="give a policy file or a folder of them (default: policies/)"))
    return list(dict.fromkeys(files)), problems


_DRAFTS = DRAFTS      # `<name>/drafts/<date>.yaml`: where drafts live (layout.py)


def _in_layout(relative: Path) -> bool:
    """`<name>/<date>.yaml` or `<name>/drafts/<date>.yaml` below a folder given on the command line
    (or `<date>.yaml`, `drafts/<date>.yaml` when the folder given is one policy's own)."""
    parts = relative.parts
    return len(parts) <= 2 or (len(parts) == 3 and parts[1] == _DRAFTS)


def _outside_layout(root: Path, file: Path) -> Diagnostic:
    """A policy file nested deeper than the layout (a copy in a subfolder would otherwise decide)."""
    shown = relative(file)
    return Diagnostic(
        "policy-outside-layout",
        f"`{shown}` is not where a policy version lives in `{relative(root)}` "
        f"(`<name>/<effective>.yaml`, drafts in `<name>/{_DRAFTS}/<effective>.yaml`); it was not loaded",
        path=shown,
        help="move it to its place, delete the copy, or name the file on the command line to check it on its own")


def load_version(path: Path) -> tuple[PolicyVersion | None, list[Diagnostic]]:
    """Load one policy file: YAML, schema, then every expression parsed (cached by content)."""
    from .load_cache import cached_load
    shown = relative(path)
    return cached_load(Path(path), shown, lambda: _load_version(Path(path), shown), kind="policy")


def _load_version(path: Path, shown: str) -> tuple[PolicyVersion | None, list[Diagnostic]]:
    doc, problems = load_checked(path, shown, "policy.schema.json", "policy", "policy file")
    if doc is None:
        return None, problems
    return _Builder(doc, path).build()


# A constraint's keys besides its texts (one per language code: `nb:`, `en:`, ...).
_CONSTRAINT_KEYS = ("id", "when", "require", "source", "history")


class _Builder:
    def __init__(self, doc: Document, path: Path) -> None:
        self.doc = doc
        self.path = path
        self.problems: list[Diagnostic] = []

    def expr(self, at: tuple, raw: Any) -> ast.Expr:
        """Parse the expression at document path `at`; numbers and booleans are literals too."""
        text = raw if isinstance(raw, str) else ("true" if raw is True else "false" if raw is False else str(raw))
        where = self.doc.scalar_text(at) if isinstance(raw, str) else None
        if where is None:  # a YAML number or boolean: its text stands at the value's span
            span = self.doc.span(at)
            at_value = self.doc.source.offset(span.line, span.col)
            start = self.doc.source.text.find(text, at_value)
            start = start if start >= 0 else at_value
            where = ScalarText(self.doc.source, text, start, start + len(text))
        from ..lang.parser import parse_expression  # lark: only when a file is loaded from source
        result = parse_expression(text, where)
        if isinstance(result, Diagnostic):
            self.problems.append(result)
            return ast.Literal(span=self.doc.span(at), value=None, kind="Error", text=text)
        return result

    def date(self, at: tuple, raw: str) -> dt.date | None:
        try:
            return parse_date(raw)
        except ValueError as err:
            self.problems.append(Diagnostic("invalid-value", str(err), self.doc.span(at)))
            return None

    def build(self) -> tuple[PolicyVersion | None, list[Diagnostic]]:
        d = self.doc.data
        effective = self.date(("effective",), d["effective"])
        if effective is None:
            return None, self.problems
        self._check_file_name(d, effective)
        version = PolicyVersion(
            name=d["policy"], effective=effective, status=d.get("status", "published"), title=d["title"],
            document=self.doc, sha256=hashlib.sha256(self.doc.source.text.encode("utf-8")).hexdigest(),
            calendar=(d.get("calendar") or {}).get("country"), uses=dict(d.get("uses") or {}),
            jurisdiction=d.get("jurisdiction"),
            steps=tuple(d.get("steps") or ()), description=d.get("description", ""),
        )
        no_calendar = None if version.calendar is None else unknown_calendar(version.calendar, self.doc.span(("calendar", "country")))
        if no_calendar is not None:
            self.problems.append(no_calendar)
        for name, spec in (d.get("parameters") or {}).items():
            version.parameters[name] = self._parameter(name, spec)
        for name, raw in (d.get("definitions") or {}).items():
            version.definitions[name] = self.expr(("definitions", name), raw)
        for name, raw in (d.get("amounts") or {}).items():
            version.amounts[name] = self.expr(("amounts", name), raw)
        for i, spec in enumerate(d.get("rules") or ()):
            version.rules.append(self._rule(i, spec))
        for i, spec in enumerate(d.get("constraints") or ()):
            version.constraints.append(self._constraint(i, spec))
        for i, spec in enumerate(d.get("set_aside") or ()):
            version.set_aside.append(self._set_aside(i, spec))
        for i, spec in enumerate(d.get("examples") or ()):
            at = ("examples", i)
            as_of = self.date(at + ("as_of",), spec["as_of"]) if "as_of" in spec else None
            version.examples.append(Example(spec["name"], as_of, spec["case"], spec["expect"], at, self.doc.span(at + ("name",))))
        return version, self.problems

    def _check_file_name(self, d: dict, effective: dt.date) -> None:
        """`<policy>/<effective>.yaml`, a draft `<policy>/drafts/<effective>.yaml` (see layout.py)."""
        draft = d.get("status") == "draft"
        folder = self.path.parent
        in_drafts = folder.name == DRAFTS
        if in_drafts:
            folder = folder.parent
        if self.path.stem != effective.isoformat():
            self.problems.append(Diagnostic(
                "file-name-mismatch", f"file is named `{self.path.name}` but `effective` is {effective}",
                self.doc.span(("effective",)), help=f"rename the file to `{effective}.yaml` or correct `effective`"))
        if folder.name != d["policy"]:
            self.problems.append(Diagnostic(
                "file-name-mismatch", f"file is in folder `{folder.name}/` but `policy` is `{d['policy']}`",
                self.doc.span(("policy",)), help=f"move it to `policies/{d['policy']}/` or correct `policy`"))
        elif in_drafts and not draft:
            self.problems.append(Diagnostic(
                "draft-folder-mismatch", f"a file in `{DRAFTS}/` must be a draft, but its status is `{d.get('status', 'published')}`",
                self.doc.span(("status",) if "status" in d else ("effective",)),
                help=f"publish it by moving it to `{expected_path(d['policy'], effective, False)}`, or set `status: draft`"))
        elif draft and not in_drafts:
            self.problems.append(Diagnostic(
                "draft-folder-mismatch", "a draft outside `drafts/` takes the file name of a published version of its date",
                self.doc.span(("status",)), severity=Severity.WARNING,
                help=f"move it to `{expected_path(d['policy'], effective, True)}` (it decides the same there)"))

    def _parameter(self, name: str, spec: dict) -> Parameter:
        at = ("parameters", name)
        p = Parameter(name=name, form="value", source=spec["source"], span=self.doc.span(at, key=True))
        if "review_by" in spec:
            p.review_by = self.date(at + ("review_by",), spec["review_by"])
        if "max" in spec:
            p.max = self.expr(at + ("max",), spec["max"])
        if "value" in spec:
            p.value = self.expr(at + ("value",), spec["value"])
        elif "schedule" in spec:
            p.form = "schedule"
            seen: dict[dt.date, int] = {}
            for i, entry in enumerate(spec["schedule"]):
                eat = at + ("schedule", i)
                start = self.date(eat + ("from",), entry["from"])
                if start is None:
                    continue
                if start in seen:
                    self.problems.append(Diagnostic("duplicate-date", f"two schedule entries start on {start}",
                                                    self.doc.span(eat + ("from",)), help="keep one entry per date"))
                seen[start] = i
                p.schedule.append((start, self.expr(eat + ("value",), entry["value"]), entry["source"], self.doc.span(eat)))
            p.schedule.sort(key=lambda e: e[0], reverse=True)
        else:
            p.form = "brackets"
            rows = spec["brackets"]
            for i, row in enumerate(rows):
                bat = at + ("brackets", i)
                up_to = self.expr(bat + ("up_to",), row["up_to"]) if "up_to" in row else None
                if up_to is None and i != len(rows) - 1:
                    self.problems.append(Diagnostic("invalid-brackets", "only the last bracket may leave out `up_to`",
                                                    self.doc.span(bat), help="give this row an `up_to`"))
                p.brackets.append((up_to, self.expr(bat + ("value",), row["value"])))
        return p

    def _constraint(self, i: int, spec: dict) -> Constraint:
        at = ("constraints", i)
        when = self.expr(at + ("when",), spec["when"]) if "when" in spec else None
        return Constraint(
            id=spec["id"], when=when, require=self.expr(at + ("require",), spec["require"]),
            source=spec["source"], text={k: v for k, v in spec.items() if k not in _CONSTRAINT_KEYS},
            span=self.doc.span(at + ("id",)), history=spec.get("history", True))

    def _set_aside(self, i: int, spec: dict) -> Rule:
        """A `set_aside:` entry: a rule-like record whose `when` is the claims it sets aside."""
        at = ("set_aside", i)
        return Rule(
            id=spec["id"], index=i, when=self.expr(at + ("claims",), spec["claims"]), action=spec["action"],
            outputs={}, explain=spec["explain"], source=spec.get("source"),
            span=self.doc.span(at + ("id",)), action_span=self.doc.span(at + ("action",)),
        )

    def _rule(self, i: int, spec: dict) -> Rule:
        at = ("rules", i)
        outputs = {key: self.expr(at + (key,), spec[key]) for key in rule_outputs() if key in spec}
        return Rule(
            id=spec["id"], index=i, when=self.expr(at + ("when",), spec["when"]), action=spec["action"],
            outputs=outputs, explain=spec["explain"], source=spec.get("source"),
            span=self.doc.span(at + ("id",)), action_span=self.doc.span(at + ("action",)),
            step=spec.get("step"), step_span=self.doc.span(at + ("step",)) if "step" in spec else None,
        )
