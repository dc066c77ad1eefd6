"""Subcommands for reviewing policy changes: timeline, diff, graph, lock, test.

Only argument definitions live here (imported by every `frist` call, so keep it light);
each parser names its implementation as `handler="module:function"`.
"""
from __future__ import annotations

__all__ = ["add_commands"]

_FORMATS = ["text", "json", "markdown", "html"]


def add_commands(sub) -> None:
    """Add this group's subparsers to `sub` (an argparse subparsers action)."""
    timeline = sub.add_parser("timeline", help="project a case forward: every step, date, fee and total")
    timeline.add_argument("case")
    timeline.add_argument("--as-of", help="start date YYYY-MM-DD (default: the case's as_of, else today)")
    timeline.add_argument("--until", help="stop projecting after this date")
    timeline.add_argument("--pays", action="append", default=[], metavar="AMOUNT@DATE",
                          help="the debtor pays AMOUNT on DATE (repeatable), e.g. 500.00@2026-04-01")
    timeline.add_argument("--policy", help="NAME or NAME@VERSION (default: the case's `policy`)")
    timeline.add_argument("--policies", default=None, help="policy folder (default: ./policies, else the bundled catalog)")
    timeline.add_argument("--include-drafts", action="store_true", help="let draft versions decide")
    timeline.add_argument("--format", choices=_FORMATS, default="text")
    timeline.add_argument("--max-steps", type=int, default=60, help="loop guard: stop after N decisions")
    timeline.set_defaults(handler=".timeline:timeline")

    diff = sub.add_parser("diff", help="what changes between two policy versions, case by case")
    diff.add_argument("old", help="NAME@VERSION, a policy file, or REV:path (a file as committed in git)")
    diff.add_argument("new", help="NAME@VERSION, a policy file, or REV:path")
    diff.add_argument("--cases", help="folder of case files, YAML or JSON (default: tests/cases beside the "
                                       "policy folder: every process's cases)")
    diff.add_argument("--as-of", help="decide every case on this date (default: each case's as_of, else today)")
    diff.add_argument("--policies", default=None, help="policy folder (default: ./policies, else the bundled catalog)")
    diff.add_argument("--format", choices=_FORMATS, default="text")
    diff.add_argument("--fail-on-change", action="store_true", help="exit 1 when any decision changed")
    diff.set_defaults(handler=".diff:diff")

    graph = sub.add_parser("graph", help="the escalation ladder as a graph (mermaid or dot)")
    graph.add_argument("policy", help="NAME or NAME@VERSION")
    graph.add_argument("--as-of", help="the version in force on this date (default: today)")
    graph.add_argument("--policies", default=None, help="policy folder (default: ./policies, else the bundled catalog)")
    graph.add_argument("--format", choices=["mermaid", "dot", "json"], default="mermaid")
    graph.set_defaults(handler="..review.graph:graph")

    lock = sub.add_parser("lock", help="record the sha256 of every published version in policies.lock")
    lock.add_argument("paths", nargs="*", default=None)
    lock.add_argument("--check", action="store_true", help="write nothing; exit 1 if a version is unlocked or changed")
    lock.add_argument("--rewrite", action="append", metavar="NAME@VERSION",
                      help="accept a changed published version (a deliberate correction; repeatable)")
    lock.add_argument("--forget", action="append", metavar="NAME@VERSION",
                      help="retire a locked version whose file is gone or moved (deliberate; repeatable)")
    lock.add_argument("--allow-backdated", action="append", metavar="NAME@VERSION",
                      help="lock a new version dated before the newest locked one (deliberate; repeatable)")
    lock.add_argument("--lock", help="the lock file (default: policies.lock in the policy folder or a folder above it)")
    lock.add_argument("--format", choices=["text", "json"], default="text")
    lock.set_defaults(handler="..review.lock:lock_command")

    new = sub.add_parser("new-version", help="start a new version of a policy: copy the one in force, mark figures to update")
    new.add_argument("policy", help="NAME, e.g. no-regulation")
    new.add_argument("effective", help="the new version's effective date YYYY-MM-DD")
    new.add_argument("--policies", default="policies", help="policy folder (default: policies/)")
    new.add_argument("--draft", action="store_true", help="a draft (in <policy>/drafts/), not a version to publish")
    new.set_defaults(handler="..review.scaffold:new_version_command")

    test = sub.add_parser("test", help="run the examples embedded in policy files (pytest-like summary)")
    test.add_argument("paths", nargs="*", default=None)
    test.add_argument("--policies", default=None, help="used policies are loaded from here too (default: ./policies, else the bundled catalog)")
    test.add_argument("-k", dest="keyword", help="only examples whose name contains this text")
    test.add_argument("--format", choices=["text", "json"], default="text")
    test.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report (one testcase per example)")
    test.add_argument("--min-coverage", type=float, metavar="PERCENT",
                      help="exit 1 when the examples fire fewer than PERCENT %% of the rules")
    test.set_defaults(handler="..review.policy_tests:test")
