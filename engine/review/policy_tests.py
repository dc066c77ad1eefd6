"""`frin test`: the examples embedded in policy files, reported like pytest.

Each example is decided by `verify.examples.run_examples` (the same check `validate` runs); its
diagnostics are attributed to the example whose lines they point into. Output: one line per
example with ✓ or ✗, then each failure (expected vs got, with the line in the policy file),
then a summary line. Exit 1 when any example fails. With `--prove`, the policies tested are also
proved against the law (`prove.prover`, as `validate --prove`): a breach is an error (exit 1), a
query not proved a warning, a window proved a note (docs/law-enforces.md).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..core.errors import ExitCode
from .test_report import ExampleResult

if TYPE_CHECKING:
    from argparse import Namespace

    from ..policy.model import PolicyVersion

__all__ = ["ExampleResult", "example_results", "test"]


def _selected(version: PolicyVersion, roots: list[Path]) -> bool:
    file = Path(version.path).resolve()
    return any(file == root or root in file.parents for root in roots)


def example_results(paths: list[str], policies: str = "policies", keyword: str | None = None,
                    selected: list[PolicyVersion] | None = None, catalogs: list | None = None) -> list[ExampleResult]:
    """Run every example; return those of the versions under `paths` (and matching `keyword`).

    The files under `paths` stand in for their namesakes in `policies` (see `sources.py`),
    so an edited copy of a version is tested against the real used policies.

    Raises:
        PolicyError: a policy file has errors, so its examples cannot be decided.
    """
    from ..verify.examples import run_examples
    from .sources import candidate_catalog
    catalog = candidate_catalog(policies, paths)
    if catalogs is not None:
        catalogs.append(catalog)            # `--prove` proves the versions tested, in the same catalog
    roots = [Path(p).resolve() for p in paths]
    results: list[ExampleResult] = []
    by_line: dict[str, list[tuple[int, ExampleResult]]] = {}
    tested: set[str] = set()                # the policies whose examples are decided: only the selected
    for version in catalog.policies.all():
        if not _selected(version, roots):
            continue
        tested.add(version.name)
        if selected is not None:
            selected.append(version)
        for example in version.examples:
            result = ExampleResult(version, example)
            by_line.setdefault(version.path, []).append((version.document.span(example.path).line, result))
            if keyword is None or keyword.lower() in example.name.lower():
                results.append(result)
    by_example = {(r.version.key, r.example.name): r for r in results}

    def decided(version, example, decision) -> None:
        result = by_example.get((version.key, example.name))
        if result is not None:
            result.rule = decision.rule.rule.id
    for d in run_examples(catalog, decided, only=tested):   # another policy's problems have no owner here
        path = d.span.path if d.span else d.path
        owners = [r for line, r in by_line.get(path, []) if d.span is None or line <= d.span.line] if path is not None else []
        if owners:
            owners[-1].problems.append(d)
    return results


def test(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = time.perf_counter()
    from . import test_report
    prove = _prover(args)                   # before any work: a missing solver is a usage error
    from ..explain.diagnostic_words import locale_words, localized_report
    versions: list[PolicyVersion] = []
    catalogs: list = []
    words = locale_words([*(args.paths or []), args.policies or "policies"], getattr(args, "lang", None), stderr)
    said = words.word if words is not None else (lambda _key, english: english)
    shown = words.number if words is not None else str
    results = example_results(args.paths, args.policies, args.keyword, versions, catalogs)
    proof = prove(catalogs[0], [], {v.name for v in versions}) if prove is not None else []
    broken = any(d.is_error for d in proof)
    coverage = test_report.rule_coverage(versions, results)
    percent = test_report.coverage_percent(coverage)
    below = args.min_coverage is not None and percent < args.min_coverage
    failed = [r for r in results if not r.passed]
    if args.junit_xml:
        _write(args.junit_xml, test_report.to_junit_xml(results, time.perf_counter() - started))
    if args.format == "json":
        print(test_report.to_json(results, coverage, args.min_coverage, proof if prove is not None else None), file=stdout)
        return ExitCode.PROBLEMS if failed or below or broken else ExitCode.OK
    current = None
    for r in results:
        if r.version.path != current:
            current = r.version.path
            print(f"{current} ({r.version.key}{said('test_draft', ', draft') if r.version.is_draft else ''})", file=stdout)
        print(f"  {'✓' if r.passed else '✗'} {r.example.name}", file=stdout)
    if failed:
        print(f"\n{' ' + said('test_failures', 'FAILURES') + ' ':=^72}", file=stdout)
        for r in failed:
            print(f"____ {r.id} ____", file=stdout)
            print(localized_report(r.problems, "text", words), file=stdout)
    passed = len(results) - len(failed)
    elapsed = time.perf_counter() - started
    parts = ([said("test_failed", "{n} failed").format(n=len(failed))] if failed else []) + [
        said("test_passed", "{n} passed").format(n=passed)]
    if not results:
        parts = [said("test_none", "no examples found")]
    fired, total = sum(len(c.fired) for c in coverage), sum(len(c.rules) for c in coverage)
    print("\n" + said("test_coverage", "rule coverage: {percent}% ({fired} of {total} rules fired by an example)").format(
        percent=shown(f"{percent:.1f}"), fired=fired, total=total)
          + (said("test_below", "; below --min-coverage {min}%").format(min=shown(f"{args.min_coverage:g}")) if below else ""),
          file=stdout)
    for c in coverage:
        if c.missed:
            print("  " + said("test_not_fired", "{policy}: not fired: {rules}").format(policy=c.key, rules=", ".join(c.missed)),
                  file=stdout)
    if prove is not None:
        findings = [d for d in proof if d.code != "proved"]
        if findings:
            print(f"\n{' PROOF ':=^72}\n{localized_report(findings, 'text', words)}", file=stdout)
        proved = sum(1 for d in proof if d.code == "proved")
        errors = sum(1 for d in proof if d.is_error)
        print(f"\nproof (--prove-bound {args.prove_bound}): {proved} window(s) proved, {errors} breach(es) of the law, "
              f"{len(findings) - errors} not proved", file=stdout)
        parts += [f"{errors} breach(es) of the law"] if errors else []
    ending = said("test_in", "{parts} in {seconds}s").format(parts=", ".join(parts), seconds=shown(f"{elapsed:.2f}"))
    print(f"{' ' + ending + ' ':=^72}", file=stdout)
    return ExitCode.PROBLEMS if failed or below or broken else ExitCode.OK


def _prover(args: Namespace):
    """`--prove`: the prover's function (engine/prove; the options and z3 checked now), or None."""
    if not getattr(args, "prove", False):
        return None
    from ..prove.prover import prover
    return prover(args.prove_bound, args.prove_timeout)


def _write(path: str, text: str) -> None:
    from ..core.errors import UsageError
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None
