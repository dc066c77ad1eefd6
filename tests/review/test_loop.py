"""The compliance officer's loop, end to end (issue 11, "Done when").

"From 2027-01-01 the inkassosats is 780 NOK and interest for 2027 H1 is 12.50 %", on a copy
of the project made as a fresh checkout would be: the commands are the ones
docs/review.md shows (its blocks marked `<!-- run by tests/review/test_loop.py -->`, in order),
the edit between them is the one it describes. scaffold → validate (exit 0) → diff over
every process's cases (Markdown and HTML) → the snapshot tests fail and say which
explanations changed → snapshot update → lock → the policy-dependent tests are green.

The final run covers the snapshot tests and the bundled catalog's tests (the lock, every
version valid); the loop's own `validate` and `lock --check` steps have checked the rest. Set
FRIST_LOOP_FULL=1 to run the whole suite in the copy instead (minutes).

The change is played on the first 1 January after the newest published law version
(tests/support/next_version.py), every date of the docs' commands moved with it, and the sats raised
by 30 NOK from its value then: once the docs' own change is published, the loop stays green.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

import cli
from support.next_version import Retarget, retarget_for

ROOT = Path(__file__).resolve().parents[2]
REVIEW = ROOT / "docs" / "review.md"
# test_law_diff, test_drafts and test_validate_files (a minute and a half of CPU in the copy)
# test the engine on the bundled files rather than the officer's edit: FRIST_LOOP_FULL runs them.
POLICY_TESTS = ["tests/corpus/test_cases.py", "tests/corpus/test_bundled_policies.py"]
_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", "*.egg-info", "bench")


def loop_commands() -> list[list[str]]:
    """The `frin` commands of docs/review.md's loop, in order, without redirects."""
    text = REVIEW.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- run by tests/review/test_loop.py -->\s*\n```sh\n(.*?)^```", text, re.M | re.S)
    out = []
    for block in blocks:
        for line in block.splitlines():
            line = re.split(r"\s+#\s", line)[0]
            line = re.sub(r"\s>\s*\S+\s*$", "", line).strip()
            if line.startswith("frin "):
                out.append(line.split()[1:])
    return out


def frist(where: Path, *argv: str) -> tuple[int, str, str]:
    old = Path.cwd()
    os.chdir(where)
    try:
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(list(argv), out, err)
    finally:
        os.chdir(old)
    return int(code), out.getvalue(), err.getvalue()


def pytest_in(where: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}     # the run's cache is shared (conftest.py, FRIST_TEST_RUN_CACHE)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=where, env=env, capture_output=True, text=True, timeout=900)


def officer_edits(path: Path, at: Retarget) -> tuple[int, int]:
    """Step 2 of docs/review.md: the marked figures get their new values and sources (the
    sats 30 NOK up: 750 -> 780 NOK in the docs). Returns the sats before and after."""
    text = path.read_text(encoding="utf-8")
    todo = "TODO (frin new-version)"
    day = at.free.isoformat()
    sats = re.search(r"    value: (\d+) NOK\n    source: \"" + re.escape(todo) + r"[^\n]*\n", text)
    assert sats, "the scaffold marks the sats"
    old = int(sats.group(1))
    text = text.replace(sats.group(), f'    value: {old + 30} NOK\n    source: "inkassoforskriften § 1-1, FOR-2026-12-01-9001 '
                                      f'(fixture: in force {day})"\n')
    rate = re.search(r"- \{from: " + day + r", value: [0-9.]+ %, source: \"" + re.escape(todo) + r"[^}]*\}", text)
    assert rate, f"the scaffold adds a {day} interest entry"
    text = text.replace(rate.group(), f'- {{from: {day}, value: 12.50 %, source: "FOR-2026-12-15-9002 (fixture)"}}')
    comp = re.search(r"- \{from: " + day + r", value: (\d+) NOK, source: \"" + re.escape(todo) + r"[^}]*\}", text)
    assert comp, f"the scaffold adds a {day} § 3a entry"
    text = text.replace(comp.group(), f'- {{from: {day}, value: {comp.group(1)} NOK, source: "FOR-2026-12-15-9002 (fixture)"}}')
    text = text.replace(f"review_by: {day}", f"review_by: {at.date('2027-07-01')}")
    assert todo not in text.split("policy:", 1)[1], "every marker in the figures is gone"
    path.write_text(text, encoding="utf-8")
    return old, old + 30


def varsel_fee(sats: int) -> str:
    """inkassoforskriften § 1-2: the inkassovarsel fee is 1/20 of the sats, in whole kroner
    (half up): 750 / 20 = 37.50 -> 38.00; 780 / 20 = 39.00."""
    twentieth, rest = divmod(sats, 20)
    return f"{twentieth + (1 if rest >= 10 else 0)}.00"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("loop") / "frist"
    shutil.copytree(ROOT, root, ignore=_IGNORE)
    return root


def test_the_docs_show_the_loop():
    commands = loop_commands()
    assert [c[0] for c in commands] == ["new-version", "validate", "diff", "diff", "lock", "lock"]


@pytest.mark.long      # three pytest runs in the copy
def test_the_officers_loop_from_scaffold_to_a_green_suite(checkout):
    at = retarget_for(checkout / "policies")
    commands = iter(at.argv(c) for c in loop_commands())
    law = checkout / "policies" / "no-regulation" / f"{at.free}.yaml"

    # 1. scaffold
    code, out, err = frist(checkout, *next(commands))
    assert (code, err) == (0, "") and law.exists() and "next steps:" in out
    assert frist(checkout, "validate", str(law.relative_to(checkout)))[0] == 1      # the markers block it

    # 2. the edit, then 3. validate: exit 0
    old_sats, new_sats = officer_edits(law, at)
    code, out, err = frist(checkout, *next(commands))
    assert (code, err) == (0, ""), out
    # a law's validation prints its search's counts per constraint, then the verdict
    assert out.splitlines()[-1].startswith("ok: ") and " 0 error(s), 0 warning(s)" in out
    assert ": warning[" not in out and ": error[" not in out

    # 4. diff over every process's cases, Markdown and HTML
    markdown_args, html_args = next(commands), next(commands)
    code, markdown, err = frist(checkout, *markdown_args, "--format", "markdown")
    assert (code, err) == (0, "")
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<h4>Policies that use <code>no-regulation</code></h4>" in rendered
    assert f"| fee | `{varsel_fee(old_sats)}` | `{varsel_fee(new_sats)}` |" in markdown
    assert re.search(rf"\| parameter `inkassosats` \(policies/no-regulation/{at.free}.yaml:\d+:3\) \| changed \| "
                     rf"value \| `{old_sats} NOK` \| `{new_sats} NOK` \|", markdown)
    assert "`12.50 % (FOR-2026-12-15-9002 (fixture))`" in markdown
    code, html, _ = frist(checkout, *html_args, "--format", "html")
    assert code == 0 and html.startswith("<!DOCTYPE html>") and "<script" not in html
    (checkout / "diff.html").write_text(html, encoding="utf-8")

    # 5. the snapshot tests fail and say which decisions / explanations changed
    failing = pytest_in(checkout, "tests/corpus/test_cases.py")
    assert failing.returncode == 1
    assert "changed decisions" in failing.stdout
    assert re.search(r"\d+ decision\(s\) and \d+ explanation\(s\) differ from the snapshots", failing.stdout)
    previous = at.previous.isoformat()
    assert f"no-regulation@{previous} (gjelder {previous} → inntil videre) ⟶" in failing.stdout or \
           f"(in force {previous} → open) ⟶" in failing.stdout
    updated = pytest_in(checkout, "tests/corpus/test_cases.py", "--snapshot-update")
    assert updated.returncode == 0, updated.stdout[-3000:]

    # ... and lock
    code, out, _ = frist(checkout, *next(commands))
    assert code == 0 and f"locked no-regulation@{at.free}" in out
    assert frist(checkout, *next(commands))[0] == 0

    # the suite, green
    args = [] if os.environ.get("FRIST_LOOP_FULL") else POLICY_TESTS
    green = pytest_in(checkout, *args)
    assert green.returncode == 0, green.stdout[-4000:]


def test_the_loop_moves_to_the_next_free_date_once_the_docs_change_is_published(tmp_path):
    """With no-regulation 2027-01-01 published, the loop plays the change on 2028-01-01 (and
    diffs against 2027-01-01) instead of failing on `new-version` of an existing version."""
    shutil.copytree(ROOT / "policies" / "no-regulation", tmp_path / "no-regulation")
    assert retarget_for(tmp_path).free.isoformat() == "2027-01-01"
    (tmp_path / "no-regulation" / "2027-01-01.yaml").write_text("# published\n", encoding="utf-8")
    at = retarget_for(tmp_path)
    assert (at.free.isoformat(), at.previous.isoformat()) == ("2028-01-01", "2027-01-01")
    moved = [at.argv(c) for c in loop_commands()]
    assert moved[0] == ["new-version", "no-regulation", "2028-01-01"]
    assert moved[2][:4] == ["diff", "no-regulation@2027-01-01", "no-regulation@2028-01-01", "--as-of"]
    assert moved[2][4] == "2028-01-04"
    assert (varsel_fee(750), varsel_fee(780)) == ("38.00", "39.00")     # the docs' numbers, § 1-2
