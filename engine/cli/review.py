"""The bodies of the review commands that only draw or scaffold: `frist graph`, `frist new-version`.

The review stage (`review.graph`, `review.scaffold`) computes; these parse the options,
load the policies and print, like every other command body in this package.
"""
from __future__ import annotations

from argparse import Namespace
from typing import TextIO

from ..core.errors import ExitCode
from .options import checked_catalog, date_option

__all__ = ["graph", "new_version"]


def graph(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..core.errors import UsageError
    from ..review.graph import to_dot, to_json, to_mermaid
    name, _, pinned = args.policy.partition("@")
    catalog = checked_catalog([args.policies])
    day = date_option(args.as_of, "--as-of") or catalog.today(name)
    version = catalog.resolve(name, day, True, pinned or None)
    if not version.rules:
        raise UsageError(f"policy `{name}` has no rules to draw: it is meant to be used by other policies")
    bound = catalog.bind(version, max(day, version.version.effective), include_drafts=version.version.is_draft)
    used = {alias: bound[policy].checked for alias, policy in version.version.uses.items() if policy in bound}
    if args.format == "json":
        print(to_json(version, used), end="", file=stdout)
        return ExitCode.OK
    from ..explain.text import reader_voice
    from ..review.page_words import GRAPH, PageWords
    words = PageWords(reader_voice(catalog, version.jurisdiction, args.lang, name), "graph", GRAPH)
    print({"dot": to_dot}.get(args.format, to_mermaid)(version, used, words), end="", file=stdout)
    return ExitCode.OK


def new_version(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from pathlib import Path

    from ..core.diagnostics import relative
    from ..review.scaffold import TODO, new_version as scaffold
    effective = date_option(args.effective, "the effective date")
    policies = Path(args.policies)
    catalog = checked_catalog([policies])
    target, base, marked = scaffold(catalog, policies, args.policy, effective, args.draft)
    shown = relative(target)
    print(f"created {shown} from {base.key} (effective {effective}{', a draft' if args.draft else ''})", file=stdout)
    if marked:
        print(f"figures to update (search the file for `{TODO}`):", file=stdout)
        for name, what, line in marked:
            print(f"  {shown}:{line}  {name}: {what}", file=stdout)
    spec = f"{args.policy}@{effective}" + ("-draft" if args.draft else "")
    print(f"""next steps:
  1. edit the marked figures: the new value, a `source` citing the regulation, the next `review_by`
  2. frist validate {shown}
  3. frist diff {base.key} {spec} --format markdown      (every process's cases; also --format html)
  4. make snapshots      (review and accept the decisions that change: see docs/review.md)
  5. frist lock          (publish: the version's sha256 goes into policies.lock)""", file=stdout)
    return ExitCode.OK
