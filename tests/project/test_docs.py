"""Docs that cannot rot: every command shown in README.md and docs/*.md runs, and the output
shown is the output it prints (issue 11, problems 7 and 6).

Conventions in the Markdown files:

- In a ```sh block, each line starting with `frin` (or `.venv/bin/frin`) is run, after
  dropping a trailing `# comment`, a `> file` redirect and a `| pipe`. It must exit 0,
  unless its comment says `(exit N)`. Any other command line must be listed in `OTHER`
  below with the reason it is not run here (it installs, or runs this suite).
- An output block is a ```text block right after `<!-- output: frin ... -->` (checked
  exactly, elapsed times masked) or `<!-- abridged output: frin ... -->` (every shown line
  must appear, in order, within the output; a line `…` stands for lines left out).

Commands run in a scratch copy of the project (a git repository with one commit, so
`HEAD:path` works), with the files the docs name as a reader's own: `my-edit.yaml` (kravia
with a 12 % commission) and `cases.{csv,jsonl,parquet}` (the kravia corpus as a batch).
"""
from __future__ import annotations

import io
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import cli
from support.next_version import retarget_for

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OTHER = {
    "make demo": "installs .venv; `frin validate`/`decide`/`explain` it runs are run here directly",
    "make test": "runs this suite",
    "make snapshots": "runs the snapshot tests with --snapshot-update (test_loop.py runs the update it does)",
    "git diff": "shows the working tree's changes",
    "cd my-policies": "enters the folder `frin init` made (it holds the files the README's commands read, as this workspace does; tests/review/test_init.py runs them there)",
    "git add": "stages files",
    "pre-commit": "runs the hooks, i.e. `frin validate FILE...` (run here)",
    ".venv/bin/pip": "installs packages",
    "pip install": "installs packages",
    "python -m pytest": "runs this suite",
    ".venv/bin/python -m pytest": "runs this suite",
    "FRIST_FUZZ=long": "runs this suite's long fuzz profile",
    "/usr/bin/time": "a benchmark on a generated 200k-row file (docs/robustness.md says how it was made)",
}
_TIMING = re.compile(r" in \d+ ms| in \d+\.\d+ ?s")
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
_OUTPUT = re.compile(r"<!-- (abridged )?output: (.+?) -->\s*\n```text\n(.*?)^```", re.M | re.S)


def _commands() -> list:
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            if m.group(1) != "sh":
                continue
            line_no = text[:m.start()].count("\n") + 2
            if text[:m.start()].rstrip().endswith("<!-- run by tests/review/test_loop.py -->"):
                continue            # a step of the loop: test_loop.py runs these in order
            for i, line in enumerate(m.group(2).splitlines()):
                if line.strip() and not line.lstrip().startswith("#"):
                    out.append(pytest.param(line.strip(), id=f"{doc.name}:{line_no + i}"))
    return out


def _outputs() -> list:
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in _OUTPUT.finditer(text):
            line_no = text[:m.start()].count("\n") + 1
            out.append(pytest.param(m.group(2).strip(), bool(m.group(1)), m.group(3), id=f"{doc.name}:{line_no}"))
    return out


def _stdin(line: str) -> tuple[str | None, str]:
    """`cat FILE | frin ...`: the file to give on standard input, and the command."""
    m = re.match(r"cat (\S+) \| (.*)$", line)
    return (m.group(1), m.group(2)) if m else (None, line)


def _parse(line: str) -> tuple[list[str] | None, int]:
    """The argv of a `frin` line (None for another command) and the exit code it expects."""
    _, line = _stdin(line)
    parts = re.split(r"\s+#\s", line, maxsplit=1)
    command, comment = parts[0], parts[1] if len(parts) > 1 else ""
    expected = int(m.group(1)) if (m := re.search(r"\(exit (\d+)\)", comment)) else 0
    command = re.split(r"\s\|\s", command)[0]
    command = re.sub(r"\s>\s*\S+\s*$", "", command).strip()
    words = shlex.split(command)
    if words and words[0] in ("frin", ".venv/bin/frin"):
        return words[1:], expected
    return None, expected


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A scratch copy of the project, committed, with the files the docs use as a reader's own."""
    from engine.batch.io import flat_row
    import polars as pl
    root = tmp_path_factory.mktemp("docs") / "frist"
    for part in ("policies", "examples", "schemas", "tests/cases", "tests/fixtures"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "policies.lock", root / "policies.lock")
    kravia = (ROOT / "policies/kravia/2024-01-01.yaml").read_text(encoding="utf-8")
    assert kravia.count("value: 10 %") == 1
    case = yaml.safe_load((ROOT / "examples/consumer-inkassovarsel.yaml").read_text(encoding="utf-8"))
    (root / "case.json").write_text(json.dumps(case, default=str), encoding="utf-8")
    (root / "my-edit.yaml").write_text(kravia.replace("value: 10 %", "value: 12 %"), encoding="utf-8")
    cases = []
    for path in sorted((ROOT / "tests/cases/kravia").glob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        cases.append(data)
    (root / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    # the flat (CSV/Parquet) layout: the corpus cases it can hold (see docs/batch.md)
    flat = [c for c in cases if all(k in ("case_id", "as_of", "policy", "creditor", "debtor", "claims") for k in c)
            and not any(k in claim for claim in c["claims"] for k in ("handed_over", "judgment"))]
    frame = pl.DataFrame([flat_row(c) for c in flat], infer_schema_length=None)
    frame.write_csv(root / "cases.csv")
    frame.write_parquet(root / "cases.parquet")
    git = ["git", "-c", "user.name=docs", "-c", "user.email=docs@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(git + ["-C", str(root), "add", "-A"], check=True)
    subprocess.run(git + ["-C", str(root), "commit", "-q", "-m", "docs workspace"], check=True)
    return root


def _retarget(workspace: Path, argv: list[str], shown: str = "") -> tuple[list[str], str]:
    """`new-version no-regulation 2027-01-01` (the docs' routine change) on the next free date
    of the catalog, and the output shown with its dates moved (tests/support/next_version.py)."""
    if argv[:2] != ["new-version", "no-regulation"] or "--draft" in argv:
        return argv, shown
    at = retarget_for(workspace / "policies")
    if not at.moved:
        return argv, shown
    return at.argv(argv), re.sub(r"\.yaml:\d+ ", ".yaml:", at.text(shown))


# The output of each command that writes nothing, run in the module's workspace: the docs show
# some commands more than once (`frin test`, a diff of my-edit.yaml, ...), and every one shown
# with its output is also a command shown; each is run once and its output checked for each place.
_READ_ONLY_RUNS: dict[tuple, tuple[int, str, str]] = {}


def _run(workspace: Path, monkeypatch, argv: list[str], scratch: Path, stdin: str | None = None) -> tuple[int, str, str]:
    """Run in a fresh copy when the command writes files (lock, new-version, batch); else in place,
    once per workspace."""
    argv, _ = _retarget(workspace, argv)
    writes = argv[:1] in (["lock"], ["new-version"], ["batch"], ["init"]) and "--check" not in argv
    key = (str(workspace), tuple(argv), stdin)
    if not writes and key in _READ_ONLY_RUNS:
        return _READ_ONLY_RUNS[key]
    where = workspace
    if writes:
        where = scratch / "ws"
        shutil.copytree(workspace, where, symlinks=True)
    monkeypatch.chdir(where)
    if stdin is not None:
        import sys
        data = (where / stdin).read_bytes()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(argv, out, err)
    result = int(code), out.getvalue(), err.getvalue()
    if not writes:
        _READ_ONLY_RUNS[key] = result
    return result


@pytest.mark.parametrize("line", _commands())
def test_every_command_shown_runs(line, workspace, monkeypatch, tmp_path):
    argv, expected = _parse(line)
    if argv is None:
        assert any(line.startswith(prefix) for prefix in OTHER), f"not run and not listed in OTHER: {line}"
        return
    code, out, err = _run(workspace, monkeypatch, argv, tmp_path, _stdin(line)[0])
    assert "internal error" not in err and "Traceback" not in err, err
    assert code == expected, f"exit {code}, expected {expected}\n{out}\n{err}"


@pytest.mark.parametrize("command, abridged, shown", _outputs())
def test_every_output_shown_is_what_the_command_prints(command, abridged, shown, workspace, monkeypatch, tmp_path):
    argv, _ = _parse(command)
    assert argv is not None, command
    _, out, err = _run(workspace, monkeypatch, argv, tmp_path)
    moved, shown = _retarget(workspace, argv, shown)
    actual = _TIMING.sub(" in <elapsed> ms", out + err)
    if moved != argv:       # another version's file: its line numbers are its own
        actual = re.sub(r"\.yaml:\d+ ", ".yaml:", actual)
    shown = _TIMING.sub(" in <elapsed> ms", shown)
    if not abridged:
        assert [line.rstrip() for line in actual.strip("\n").splitlines()] == \
               [line.rstrip() for line in shown.strip("\n").splitlines()]
        return
    lines = actual.splitlines()
    at = 0
    for want in (line.strip() for line in shown.splitlines()):
        if not want or want == "…":
            continue
        while at < len(lines) and want not in lines[at]:
            at += 1
        assert at < len(lines), f"shown line not in the output (in this order): {want!r}\n--- output:\n{actual}"
        at += 1


def test_the_conventions_find_commands_and_outputs():
    assert len(_commands()) > 20 and len(_outputs()) >= 5
