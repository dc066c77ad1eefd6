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
    from ..review.scaffold import TODO, new_version as scaffold
    effective = date_option(args.effective, "the effective date")
    policies = Path(args.policies)
    require_policy_folder(policies, "new-version")
    catalog = checked_catalog([policies])
    target, base, marked = scaffold(catalog, policies, args.policy, effective, args.draft)
    from ..explain.phrases import Phrases
    locale = catalog.locales.get(args.lang) if args.lang not in (None, "en") else None
    if args.lang not in (None, "en") and locale is None:
        from ..core.errors import UsageError
        raise UsageError(f"--lang `{args.lang}`: no locale file `locales/{args.lang}.yaml` (locales: "
                         f"{', '.join(sorted(catalog.locales)) or 'none'})")
    words, phrases = (locale.words.get("new_version") or {}) if locale else {}, Phrases.of(locale, "phrases")

    def said(key: str, **values) -> str:
        return (words.get(key) or _NEW_VERSION[key]).format(**values)
    shown = relative(target)
    from ..values.cldr import date
    day = date(effective, locale.cldr) if locale is not None and locale.cldr else str(effective)
    print(said("created", file=shown, base=base.key, day=day, draft=said("draft") if args.draft else ""), file=stdout)
    if marked:
        print(said("figures", todo=TODO), file=stdout)
        for name, what, line in marked:
            print(f"  {shown}:{line}  {name}: {phrases.text(what)}", file=stdout)
    spec = f"{args.policy}@{effective}" + ("-draft" if args.draft else "")
    snapshots = (policies.resolve().parent / "tests" / "__snapshots__").is_dir()
    print(f"""{said("next")}
  1. {said("edit")}
  2. frin validate {shown}
  3. frin diff {base.key} {spec} --format markdown      {said("diff")}
  4. {"make snapshots      " + said("snapshots") if snapshots else "frin test           " + said("test")}
  5. frin lock          {said("lock")}""", file=stdout)
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
    from ..policy.catalog_source import BUNDLED
    from ..review.starter import init_folder
    from .registry import installed_version
    version = installed_version()
    started = init_folder(Path(args.folder), checked_catalog([BUNDLED]), args.process, args.jurisdiction,
                          version if version[:1].isdigit() else "0.1.0")
    print(f"created {started.folder} from the bundled catalog:", file=stdout)
    for line in started.policies:
        print(f"  policies/{line}", file=stdout)
    print(f"  tests/cases: {started.cases} case(s); examples: {started.examples}; {started.locked} version(s) locked "
          f"in policies.lock", file=stdout)
    print(f"  {', '.join(started.files[1:])} (pinned to {DISTRIBUTION}=={version})", file=stdout)
    target = started.laws[0] if started.laws else started.policies[0].split(" (")[0]
    print(f"""next:
  cd {started.folder} && git init && git add -A && git commit -m "policies from {DISTRIBUTION}"
  frin validate && frin test
  frin new-version {target} YYYY-MM-DD      (the routine change: see docs/review.md)""", file=stdout)
    return ExitCode.OK


def fmt(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from pathlib import Path

    from ..core.diagnostics import render_text
    from ..core.errors import UsageError
    from ..review.fmt import format_files
    paths = args.files or [p for p in ("policies", "tests/cases") if Path(p).is_dir()]
    if not paths:
        raise UsageError("nothing to format here: give policy or case files or folders (default: ./policies and ./tests/cases)")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"`{missing[0]}` does not exist: give policy or case files or folders of them")
    done = format_files(paths, args.check)
    if done.problems:
        print(render_text(done.problems), file=stdout)
    verb = "would reformat" if args.check else "reformatted"
    for shown in done.changed:
        print(f"{verb} {shown}", file=stdout)
    locked = f", {len(done.locked)} published version(s) left as they are (locked)" if done.locked else ""
    print(f"{len(done.changed)} file(s) {verb}, {done.unchanged} already formatted{locked}", file=stdout)
    return ExitCode.PROBLEMS if done.problems or (args.check and done.changed) else ExitCode.OK
