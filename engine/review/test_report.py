"""`frin test` reports beyond the text summary: rule coverage, JSON, JUnit XML.

Rule coverage is the share of a version's rules that at least one of its embedded examples
fires (the rule that decided the example), as OPA's and Cerbos's test runners report it: a
rule no example reaches is a rule nobody has seen decide. JUnit XML has one `testcase` per
example (classname: the policy version, name: the example), for CI test tabs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.diagnostics import Diagnostic, render_concise, render_json

if TYPE_CHECKING:
    from ..policy.model import Example, PolicyVersion

__all__ = ["ExampleResult", "VersionCoverage", "rule_coverage", "coverage_percent", "to_json", "to_junit_xml"]


@dataclass
class ExampleResult:
    """One embedded example of one version, decided: its problems, and the rule that decided it."""

    version: PolicyVersion
    example: Example
    problems: list[Diagnostic] = field(default_factory=list)
    rule: str | None = None         # the rule that decided the example (for rule coverage)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def id(self) -> str:
        return f"{self.version.path}::{self.example.name}"


@dataclass(frozen=True)
class VersionCoverage:
    key: str
    rules: tuple[str, ...]          # every rule id, in ladder order
    fired: tuple[str, ...]          # the ones some example fired

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(r for r in self.rules if r not in self.fired)


def rule_coverage(versions: list[PolicyVersion], results: list[ExampleResult]) -> list[VersionCoverage]:
    """Per version with rules: which of them the given examples fired."""
    fired: dict[str, set[str]] = {}
    for r in results:
        if r.rule is not None:
            fired.setdefault(r.version.key, set()).add(r.rule)
    out = []
    for v in versions:
        if v.rules:
            ids = tuple(rule.id for rule in v.rules)
            out.append(VersionCoverage(v.key, ids, tuple(i for i in ids if i in fired.get(v.key, ()))))
    return out


def coverage_percent(coverage: list[VersionCoverage]) -> float:
    """Fired rules over all rules, in percent (100 when there are no rules)."""
    total = sum(len(c.rules) for c in coverage)
    return 100.0 if total == 0 else round(100 * sum(len(c.fired) for c in coverage) / total, 1)


def to_json(results: list[ExampleResult], coverage: list[VersionCoverage], min_coverage: float | None,
            proof: list | None = None) -> str:
    """The report; with `--prove`, `proof` holds the prover's diagnostics (breaks-law, not-proved, proved)."""
    percent = coverage_percent(coverage)
    failed = sum(1 for r in results if not r.passed)
    extra = {"proof": json.loads(render_json(proof))} if proof is not None else {}
    return json.dumps({
        "format": 1,
        "passed": len(results) - failed, "failed": failed,
        "examples": [{"id": r.id, "policy": r.version.key, "file": r.version.path, "name": r.example.name,
                      "passed": r.passed, "rule": r.rule, "problems": json.loads(render_json(r.problems))}
                     for r in results],
        "coverage": {"percent": percent, "min_coverage": min_coverage,
                     "rules": sum(len(c.rules) for c in coverage), "fired": sum(len(c.fired) for c in coverage),
                     "versions": [{"policy": c.key, "rules": len(c.rules), "fired": list(c.fired),
                                   "missed": list(c.missed)} for c in coverage]},
        **extra,
    }, indent=2, ensure_ascii=False)


def to_junit_xml(results: list[ExampleResult], elapsed: float) -> str:
    """A JUnit XML document: one testsuite per policy version, one testcase per example."""
    from xml.etree import ElementTree as ET
    root = ET.Element("testsuites", name="frin test", tests=str(len(results)),
                      failures=str(sum(1 for r in results if not r.passed)), time=f"{elapsed:.3f}")
    suites: dict[str, ET.Element] = {}
    for r in results:
        suite = suites.get(r.version.key)
        if suite is None:
            suite = suites[r.version.key] = ET.SubElement(root, "testsuite", name=r.version.key, file=r.version.path)
        case = ET.SubElement(suite, "testcase", classname=r.version.key, name=r.example.name, file=r.version.path)
        if not r.passed:
            first = r.problems[0]
            failure = ET.SubElement(case, "failure", type=first.code, message=first.message)
            failure.text = render_concise(r.problems)
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
