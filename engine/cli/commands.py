"""The CLI's commands as functions of parsed arguments: compose stages, pick a renderer.

Each returns an exit code (0 clean, 1 problems in policies, 2 invalid input); errors from
the stages propagate as `FristError`s, which `cli.run` renders.
"""
from __future__ import annotations

from argparse import Namespace
from typing import TextIO

from ..check.pipeline import Catalog, review_warnings
from ..core.diagnostics import Capped, Diagnostic, sort_and_cap
from ..core.errors import ExitCode
from ..policy.case import load_case
from .options import checked_catalog, date_option

__all__ = ["validate", "decide", "explain"]


def _checked_examples(catalog: Catalog, search: dict | None = None, paths: set[str] | None = None) -> list[Diagnostic]:
    """Every example through every evaluator and the law checks, unless this exact catalog
    (with this engine, Python, Polars and holidays) passed them cleanly before (`verified_cache`).
    The output is the same either way (the examples were checked, by an earlier run on the
    same inputs); `FRIST_NO_CACHE=1` checks them all again. `search`, when given, records
    whether the law search ran (`ran`) and its counts per constraint (`tried`, a Counter).
    `paths`: the files whose problems are reported (None: all); only the policies whose
    problems those can be are decided (`verify/reach.py`), and a clean record of the whole
    catalog stands for any part of it."""
    from collections import Counter

    from ..verify.cache import catalog_key, mark_verified, verified_counts
    from ..verify.reach import decided_again
    only = decided_again(catalog, paths)
    if only is not None and not only:   # nothing to decide (a locale): not even the columnar evaluator's import
        if search is not None:
            search["ran"] = True
        return []
    key = catalog_key(catalog, "examples+law")
    tried = verified_counts(key)
    if tried is None and only is not None:
        key = catalog_key(catalog, "examples+law of " + ", ".join(sorted(only)))
        tried = verified_counts(key)
    if search is not None:
        search["ran"] = True
    if tried is not None:               # checked clean before: the record keeps what the search tried
        if search is not None:
            search["tried"].update(tried)
        return []
    from ..verify.examples import run_examples
    from ..verify.law_search import law_problems
    tried = Counter()
    found = run_examples(catalog, only=only) + law_problems(catalog, tried, only)
    if search is not None:
        search["tried"].update(tried)
    if not found:
        mark_verified(key, tried)
    return found


def _search_lines(catalog: Catalog, search: dict, checked, text) -> list[str]:
    """The law search's counts per constraint, for each jurisdiction whose law is among the
    policies checked (verify/law_search.py), from this run or from the record of a clean one;
    none when the examples were not checked (an error came first)."""
    if not search["ran"]:
        return []
    names = {v.name for v in checked}
    codes = {code for code, j in catalog.jurisdictions.by_code.items() if names & set(j.laws)}
    if not codes:
        return []
    from ..verify.law_search import tried_report
    return tried_report(catalog, search["tried"], codes, text)


def _prover(args: Namespace):
    """`--prove`: the function adding the prover's diagnostics, or None (engine/prove; z3 loaded now)."""
    if not getattr(args, "prove", False):
        return None
    from ..prove.prover import prover
    proof = prover(args.prove_bound, args.prove_timeout)

    def prove(catalog: Catalog, found: list[Diagnostic], paths) -> list[Diagnostic]:
        from ..verify.reach import policies_at
        return proof(catalog, found, policies_at(catalog, paths))
    return prove


def validate(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Check the given files (with the policies they live with) or folders; see policy/scope.py."""
    import time
    from pathlib import Path

    from ..check.causes import explain_consequences
    from ..check.predecessors import predecessor_problems
    from ..check.scope import keep, lone_data_problems, relevant, root_cause_first, validation_scope
    started = time.perf_counter()
    prove = _prover(args)                               # before any work: a missing solver is a usage error
    today = date_option(args.today, "--today")          # None: each policy's own today (its jurisdiction's zone)
    from ..check.catalog_cache import cached_catalog
    scope = validation_scope(args.paths, getattr(args, "uses_from", None))
    catalog, problems = cached_catalog(scope.files)         # the snapshot of an unchanged clean catalog
    from ..explain.diagnostic_words import localized_report, report_words
    words = report_words(catalog, getattr(args, "lang", None), stderr)     # an unknown --lang: before the checks
    omitted = getattr(problems, "omitted", 0)           # load_catalog caps what it returns
    problems = scope.problems + lone_data_problems(scope) + problems
    from ..review.scaffold import unfinished_figures
    problems = explain_consequences(catalog, problems + predecessor_problems(catalog) + unfinished_figures(catalog))
    paths = relevant(scope, catalog)
    from collections import Counter
    search: dict = {"ran": False, "tried": Counter()}   # the law search's counts per constraint
    if not any(d.is_error for d in keep(problems, paths, scope)):
        problems = problems + _checked_examples(catalog, search, paths)
        if prove is not None:
            problems = problems + prove(catalog, problems, paths)
    from ..review.lock import lock_problems
    problems = problems + lock_problems(catalog, args.paths)
    kept = Capped(keep(problems + review_warnings(catalog, today), paths, scope))
    kept.omitted = omitted          # not carried through the checks above; counted once
    problems = root_cause_first(sort_and_cap(kept), catalog)
    from ..check.misnamed import typos_first
    problems = typos_first(problems, catalog.policies.names())
    errors = sum(1 for d in problems if d.is_error)
    warnings = sum(1 for d in problems if d.severity.value == "warning")
    checked = [v for v in catalog.policies.all() if paths is None or str(Path(v.path).resolve()) in paths]
    files = len(checked)
    examples = sum(len(v.examples) for v in checked)
    if args.format in ("json", "github"):
        if problems or args.format == "json":
            print(localized_report(problems, args.format, words), file=stdout)
    else:
        if problems:
            print(localized_report(problems, args.format, words), file=stdout)
            print(file=stdout)
        for line in _search_lines(catalog, search, checked, words.text if words is not None else (lambda line: line)):
            print(line, file=stdout)
        elapsed = time.perf_counter() - started
        data = len(scope.data) + len(scope.lone)       # jurisdiction and locale files given
        proved = sum(1 for d in problems if d.code == "proved")
        said = words.word if words is not None else (lambda _key, english: english)
        print(said("summary", _SUMMARY).format(
            verdict=said("ok", "ok") if not errors else said("failed", "FAILED"),
            data=said("data", "{n} data file(s), ").format(n=data) if data else "",
            files=files, examples=examples, errors=errors, warnings=warnings, ms=f"{elapsed * 1000:.0f}",
            proved=said("proved", ", {n} window(s) proved (--prove-bound {bound})").format(n=proved, bound=args.prove_bound)
            if getattr(args, "prove", False) else ""), file=stdout)
    return ExitCode.PROBLEMS if errors else ExitCode.OK


# The verdict line of `frin validate` (a locale's `words.validate.summary` in its language).
_SUMMARY = ("{verdict}: {data}{files} policy version(s), {examples} example(s) checked; "
            "{errors} error(s), {warnings} warning(s){proved} in {ms} ms")


def _decide(args: Namespace, trace: bool):
    from ..decide.decision import decide_case
    as_of_override = date_option(args.as_of, "--as-of")
    case = load_case(args.case)
    catalog = checked_catalog([args.policies])
    as_of = as_of_override or case.data.get("as_of") or catalog.today(args.policy or case.data.get("policy"))
    return catalog, case, decide_case(catalog, case, as_of, args.policy, args.include_drafts,
                                      trace=trace, fast=not trace, allow_stale=getattr(args, "allow_stale", False))


def _guard_lock(args: Namespace, catalog: Catalog, decision, stderr: TextIO) -> None:
    """The lock's guard (review/lock.py) over the versions this decision binds."""
    from ..review.lock import guard_decisions
    policy = decision.to_dict(include_trace=False).get("policy") or {}
    names = [n for n in [policy.get("name"), *(u.get("name") for u in policy.get("uses") or ())] if n]
    guard_decisions(catalog, [p for p in [args.policies] if p], names, logged=bool(getattr(args, "log", None)),
                    stderr=stderr, lang=getattr(args, "lang", None))


# `frin decide`'s line for people on stderr (a locale's `words.decide` in its language).
_DECIDE = {"logged": "logged: record {id} in {log}"}


def decide(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    catalog, case, decision = _decide(args, trace=not args.no_trace)
    from ..explain.command_words import catalog_command_words
    said = catalog_command_words("decide", _DECIDE, catalog, getattr(args, "lang", None), stderr)  # a bad --lang: first
    _guard_lock(args, catalog, decision, stderr)
    if getattr(args, "log", None):          # appended before it is printed: a printed decision is logged
        _log(args, case, decision, stderr, catalog, said)
    print(decision.to_json(include_trace=not args.no_trace), file=stdout)
    return ExitCode.PROBLEMS if decision.blocked else ExitCode.OK     # the process proposed what the law forbids


def _log(args: Namespace, case, decision, stderr: TextIO, catalog, said) -> None:
    from ..audit.append import log_decision
    from ..audit.commands import opened_log
    from ..core.names import COMMAND
    log = opened_log(args.log, must_exist=False)
    try:
        record = log_decision(log, decision.to_dict(include_trace=False), case.document.source.text.encode("utf-8"),
                              source="decide", request={"endpoint": f"{COMMAND} decide", "policy": args.policy,
                                                        "as_of": args.as_of, "include_drafts": args.include_drafts,
                                                        "allow_stale": getattr(args, "allow_stale", False)},
                              catalog=catalog)
    finally:
        log.close()
    print(said("logged", id=record.id, log=log.address), file=stderr)


def explain(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..explain.text import explain_language, explain_text
    catalog, case, decision = _decide(args, trace=True)
    _guard_lock(args, catalog, decision, stderr)
    args.lang = explain_language(decision, args.lang)
    blocked = None
    if args.why_not:
        from ..explain.why_not import why_not
        blocked = why_not(decision, catalog, case, args.why_not, args.include_drafts)
    if args.format == "json":
        out = decision.to_dict(include_trace=True)
        if blocked is not None:
            out["why_not"] = blocked.to_json()
        import json
        print(json.dumps(out, indent=2, ensure_ascii=False), file=stdout)
        return ExitCode.PROBLEMS if decision.blocked else ExitCode.OK
    from .terminal import use_color
    color = use_color(args.color, stdout)
    print(explain_text(decision, catalog, args.lang, markdown=args.format == "markdown", color=color), end="", file=stdout)
    if blocked is not None:
        from ..explain.why_not import render_why_not
        print(render_why_not(blocked, decision, catalog, args.lang, markdown=args.format == "markdown"), end="", file=stdout)
    return ExitCode.PROBLEMS if decision.blocked else ExitCode.OK
