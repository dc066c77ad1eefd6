"""The compliance officer's loop, end to end (issue 11, "Done when").

"From 2027-01-01 the inkassosats is 780 NOK and interest for 2027 H1 is 12.50 %", on a copy
of the project made as a fresh checkout would be: the commands are the ones
docs/review.md shows (its blocks marked `<!-- run by tests/test_loop.py -->`, in order),
the edit between them is the one it describes. scaffold → validate (exit 0) → diff over
every process's cases (Markdown and HTML) → the snapshot tests fail and say which
explanations changed → snapshot update → lock → the policy-dependent tests are green.

The final run covers the snapshot tests and the bundled catalog's tests (the lock, every
version valid); the loop's own `validate` and `lock --check` steps have checked the rest. Set
FRIST_LOOP_FULL=1 to run the whole suite in the copy instead (minutes).
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

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / "docs" / "review.md"
# test_law_diff, test_drafts and test_validate_files (a minute and a half of CPU in the copy)
# test the engine on the bundled files rather than the officer's edit: FRIST_LOOP_FULL runs them.
POLICY_TESTS = ["tests/test_cases.py", "tests/test_bundled_policies.py"]
_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", "*.egg-info", "bench")


def loop_commands() -> list[list[str]]:
    """The `frist` commands of docs/review.md's loop, in order, without redirects."""
    text = REVIEW.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- run by tests/test_loop.py -->\s*\n```sh\n(.*?)^```", text, re.M | re.S)
    out = []
    for block in blocks:
        for line in block.splitlines():
            line = re.split(r"\s+#\s", line)[0]
            line = re.sub(r"\s>\s*\S+\s*$", "", line).strip()
            if line.startswith("frist "):
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
    env = {**os.environ, "FRIST_NO_CACHE": "1", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=where, env=env, capture_output=True, text=True, timeout=900)


def officer_edits(path: Path) -> None:
    """Step 2 of docs/review.md: the marked figures get their new values and sources."""
    text = path.read_text(encoding="utf-8")
    todo = "TODO (frist new-version)"
    sats = re.search(r"    value: 750 NOK\n    source: \"" + re.escape(todo) + r"[^\n]*\n", text)
    assert sats, "the scaffold marks the sats"
    text = text.replace(sats.group(), '    value: 780 NOK\n    source: "inkassoforskriften § 1-1, FOR-2026-12-01-9001 '
                                      '(fixture: in force 2027-01-01)"\n')
    rate = re.search(r"- \{from: 2027-01-01, value: [0-9.]+ %, source: \"" + re.escape(todo) + r"[^}]*\}", text)
    assert rate, "the scaffold adds a 2027-01-01 interest entry"
    text = text.replace(rate.group(), '- {from: 2027-01-01, value: 12.50 %, source: "FOR-2026-12-15-9002 (fixture)"}')
    comp = re.search(r"- \{from: 2027-01-01, value: (\d+) NOK, source: \"" + re.escape(todo) + r"[^}]*\}", text)
    assert comp, "the scaffold adds a 2027-01-01 § 3a entry"
    text = text.replace(comp.group(), f'- {{from: 2027-01-01, value: {comp.group(1)} NOK, source: "FOR-2026-12-15-9002 (fixture)"}}')
    text = text.replace("review_by: 2027-01-01", "review_by: 2027-07-01")
    assert todo not in text.split("policy:", 1)[1], "every marker in the figures is gone"
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("loop") / "frist"
    shutil.copytree(ROOT, root, ignore=_IGNORE)
    return root


def test_the_docs_show_the_loop():
    commands = loop_commands()
    assert [c[0] for c in commands] == ["new-version", "validate", "diff", "diff", "lock", "lock"]


def test_the_officers_loop_from_scaffold_to_a_green_suite(checkout):
    commands = iter(loop_commands())
    law = checkout / "policies" / "no-regulation" / "2027-01-01.yaml"

    # 1. scaffold
    code, out, err = frist(checkout, *next(commands))
    assert (code, err) == (0, "") and law.exists() and "next steps:" in out
    assert frist(checkout, "validate", str(law.relative_to(checkout)))[0] == 1      # the markers block it

    # 2. the edit, then 3. validate: exit 0
    officer_edits(law)
    code, out, err = frist(checkout, *next(commands))
    assert (code, err) == (0, ""), out
    assert out.startswith("ok: ") and " 0 error(s), 0 warning(s)" in out

    # 4. diff over every process's cases, Markdown and HTML
    markdown_args, html_args = next(commands), next(commands)
    code, markdown, err = frist(checkout, *markdown_args, "--format", "markdown")
    assert (code, err) == (0, "")
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<h4>Policies that use <code>no-regulation</code></h4>" in rendered
    # inkassoforskriften § 1-2: the inkassovarsel fee is 1/20 of the sats in whole kroner:
    # 750 / 20 = 37.50 -> 38.00 before; 780 / 20 = 39.00 from 2027-01-01
    assert "| fee | `38.00` | `39.00` |" in markdown
    assert re.search(r"\| parameter `inkassosats` \(policies/no-regulation/2027-01-01.yaml:\d+:3\) \| changed \| "
                     r"value \| `750 NOK` \| `780 NOK` \|", markdown)
    assert "`12.50 % (FOR-2026-12-15-9002 (fixture))`" in markdown
    code, html, _ = frist(checkout, *html_args, "--format", "html")
    assert code == 0 and html.startswith("<!DOCTYPE html>") and "<script" not in html
    (checkout / "diff.html").write_text(html, encoding="utf-8")

    # 5. the snapshot tests fail and say which decisions / explanations changed
    failing = pytest_in(checkout, "tests/test_cases.py")
    assert failing.returncode == 1
    assert "changed decisions" in failing.stdout
    assert re.search(r"\d+ decision\(s\) and \d+ explanation\(s\) differ from the snapshots", failing.stdout)
    assert "no-regulation@2026-07-01 (gjelder 2026-07-01 → inntil videre) ⟶" in failing.stdout or \
           "(in force 2026-07-01 → open) ⟶" in failing.stdout
    updated = pytest_in(checkout, "tests/test_cases.py", "--snapshot-update")
    assert updated.returncode == 0, updated.stdout[-3000:]

    # ... and lock
    code, out, _ = frist(checkout, *next(commands))
    assert code == 0 and "locked no-regulation@2027-01-01" in out
    assert frist(checkout, *next(commands))[0] == 0

    # the suite, green
    args = [] if os.environ.get("FRIST_LOOP_FULL") else POLICY_TESTS
    green = pytest_in(checkout, *args)
    assert green.returncode == 0, green.stdout[-4000:]
