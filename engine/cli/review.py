"""The bodies of the review commands that only draw or scaffold: `frin graph`, `frin new-version`.

The review stage (`review.graph`, `review.scaffold`) computes; these parse the options,
load the policies and print, like every other command body in this package.
"""
from __future__ import annotations

from argparse import Namespace
from typing import TextIO

from ..core.errors import ExitCode
from .options import checked_catalog, date_option, require_policy_folder

__all__ = ["graph", "new_version", "init", "fmt"]


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
    from ..review.scaffold import MARKERS, TODO
    from ..review.scaffold import new_version as scaffold
    effective = date_option(args.effective, "the effective date")
    assert effective is not None            # a required positional argument
    policies = Path(args.policies)
    require_policy_folder(policies, "new-version")
    catalog = checked_catalog([policies])
    from ..explain.command_words import catalog_command_words
    from ..explain.phrases import Phrases
    said = catalog_command_words("new_version", {**_NEW_VERSION, **MARKERS}, catalog, args.lang, stderr)  # before writing
    phrases = Phrases.of(said.report.locale if said.report is not None else None, "phrases")
    target, base, marked = scaffold(catalog, policies, args.policy, effective, args.draft, said)
    shown = relative(target)
    print(said("created", file=shown, base=base.key, day=said.date(effective), draft=said("draft") if args.draft else ""),
          file=stdout)
    if marked:
        print(said("figures", todo=TODO), file=stdout)
        for name, what, line in marked:
            print(f"  {shown}:{line}  {name}: {phrases.text(what)}", file=stdout)
    spec = f"{args.policy}@{effective}" + ("-draft" if args.draft else "")
    lang = f" --lang {args.lang}" if said.report is not None else ""
    snapshots = (policies.resolve().parent / "tests" / "corpus" / "__snapshots__").is_dir()
    print(f"""{said("next")}
  1. {said("edit")}
  2. frin validate {shown}{lang}
  3. frin diff {base.key} {spec} --format markdown{lang}      {said("diff")}
  4. {"make snapshots      " + said("snapshots") if snapshots else f"frin test{lang}           " + said("test")}
  5. frin lock{lang}          {said("lock")}""", file=stdout)
    return ExitCode.OK


# What `new-version` prints, in English (a locale's `words.new_version` in its language). Step 4:
# in the Frist checkout the case snapshots are accepted with `make snapshots`; in a folder made
# by `frin init` there are none, and the embedded examples are the tests.
_NEW_VERSION = {
    "created": "created {file} from {base} (effective {day}{draft})", "draft": ", a draft",
    "figures": "figures to update (search the file for `{todo}`):", "next": "next steps:",
    "edit": "edit the marked figures: the new value, a `source` citing the regulation, the next `review_by`",
    "diff": "(every process's cases; also --format html)",
    "snapshots": "(review and accept the decisions that change: see docs/review.md)",
    "test": "(the examples embedded in the policy files)",
    "lock": "(publish: the version's sha256 goes into policies.lock)",
}


def init(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from pathlib import Path

    from ..core.names import DISTRIBUTION
    from ..explain.command_words import catalog_command_words
    from ..policy.catalog_source import BUNDLED
    from ..review.starter import init_folder
    from .registry import installed_version
    version = installed_version()
    bundled = checked_catalog([BUNDLED])
    said = catalog_command_words("init", _INIT, bundled, args.lang, stderr)     # an unknown --lang: before writing
    started = init_folder(Path(args.folder), bundled, args.process, args.jurisdiction,
                          version if version[:1].isdigit() else "0.1.0")
    print(said("created", folder=started.folder), file=stdout)
    for line in started.policies:
        print(f"  policies/{line}", file=stdout)
    print("  " + said("counts", cases=said.number(started.cases), examples=said.number(started.examples),
                      locked=said.number(started.locked)), file=stdout)
    print("  " + said("pinned", files=", ".join(started.files[1:]), pin=f"{DISTRIBUTION}=={version}"), file=stdout)
    lang = f" --lang {args.lang}" if args.lang not in (None, "en") else ""
    target = started.laws[0] if started.laws else started.policies[0].split(" (")[0]
    print(f"""{said("next")}
  cd {started.folder} && git init && git add -A && git commit -m "policies from {DISTRIBUTION}"
  frin validate{lang} && frin test{lang}
  frin new-version {target} YYYY-MM-DD{lang}      {said("routine")}""", file=stdout)
    return ExitCode.OK


# What `init` prints, in English (a locale's `words.init` in its language).
_INIT = {
    "created": "created {folder} from the bundled catalog:",
    "counts": "tests/cases: {cases} case(s); examples: {examples}; {locked} version(s) locked in policies.lock",
    "pinned": "{files} (pinned to {pin})", "next": "next:", "routine": "(the routine change: see docs/review.md)",
}


def fmt(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from pathlib import Path

    from ..core.errors import UsageError
    from ..explain.command_words import command_words
    from ..explain.diagnostic_words import localized_report
    from ..review.fmt import format_files
    paths = args.files or [p for p in ("policies", "tests/cases") if Path(p).is_dir()]
    said = command_words("fmt", _FMT, args.lang, [p for p in paths if Path(p).is_dir()] or ["policies"], stderr)
    if not paths:
        raise UsageError("nothing to format here: give policy or case files or folders (default: ./policies and ./tests/cases)")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"`{missing[0]}` does not exist: give policy or case files or folders of them")
    done = format_files(paths, args.check)
    if done.problems:
        print(localized_report(done.problems, "text", said.report), file=stdout)
    for shown in done.changed:
        print(said("would" if args.check else "reformatted", file=shown), file=stdout)
    locked = said("locked", n=len(done.locked)) if done.locked else ""
    print(said("summary_check" if args.check else "summary", n=len(done.changed), unchanged=done.unchanged, locked=locked),
          file=stdout)
    return ExitCode.PROBLEMS if done.problems or (args.check and done.changed) else ExitCode.OK


# What `fmt` prints, in English (a locale's `words.fmt` in its language).
_FMT = {
    "would": "would reformat {file}", "reformatted": "reformatted {file}",
    "summary_check": "{n} file(s) would reformat, {unchanged} already formatted{locked}",
    "summary": "{n} file(s) reformatted, {unchanged} already formatted{locked}",
    "locked": ", {n} published version(s) left as they are (locked)",
}
