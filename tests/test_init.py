"""`frin init DIR` (issue 20 item 2 and 3): a policy folder of one's own where every README
command works, and its pre-commit hooks and CI workflow run on a scratch git repository for
a law change, a new policy's first version and a locale edit.

The hooks are run as pre-commit runs them (the config's `entry` with the staged files its
`files` pattern selects, unless `pass_filenames: false`), and the workflow's `run:` steps as
GitHub runs them (bash, `set -e`), with `frin` from this environment instead of the `pip
install` step (pre-commit's own install and the runner's need the package index). The tests
that run many commands are marked `heavy` (they run in CI; `-m "not heavy"` skips them locally).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from engine.review.starter_files import ci_workflow, pre_commit_config

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]


@pytest.fixture(scope="module")
def mine(tmp_path_factory) -> Path:
    """`frin init` of the bundled Norwegian catalog (every process), made once for the module."""
    import io

    import cli
    folder = tmp_path_factory.mktemp("init") / "mine"
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["init", str(folder)], out, err) == 0, err.getvalue()
    assert "created" in out.getvalue() and "policies/kravia (2024-01-01)" in out.getvalue()
    return folder


def test_init_writes_the_layout_the_commands_expect(mine):
    for part in ("policies/no-regulation/2026-07-01.yaml", "policies/no-regulation/drafts/2027-01-01.yaml",
                 "policies/kravia/2024-01-01.yaml", "policies/jurisdictions/NO.yaml", "policies/locales/nb.yaml",
                 "policies/locales/en.yaml", "schemas/policy.schema.json", "tests/cases/kravia/k01-fresh-consumer.yaml",
                 "examples/consumer-inkassovarsel.yaml", "policies.lock", ".pre-commit-config.yaml",
                 ".github/workflows/policies.yml"):
        assert (mine / part).is_file(), part
    assert not (mine / "policies/nl-wik").exists(), "only the default jurisdiction's processes and what they use"
    # byte for byte, so the lock holds the bundled versions' hashes
    assert (mine / "policies/kravia/2024-01-01.yaml").read_bytes() == (ROOT / "policies/kravia/2024-01-01.yaml").read_bytes()
    assert (mine / ".github/workflows/policies.yml").read_text() == ci_workflow(_version())
    assert (mine / ".pre-commit-config.yaml").read_text() == pre_commit_config(_version())


def test_init_keeps_the_decision_log_out_of_git(mine):
    # `frin serve` in the folder writes frist-decisions.sqlite (+ -wal, -shm) with the cases decided
    ignored = (mine / ".gitignore").read_text().splitlines()
    assert {"frist-decisions.sqlite", "frist-decisions.sqlite-wal", "frist-decisions.sqlite-shm"} <= set(ignored)


def _version() -> str:
    from engine.cli.registry import installed_version
    found = installed_version()
    return found if found[:1].isdigit() else "0.1.0"


def test_every_yaml_file_names_a_schema_that_is_there(mine):
    """The `yaml-language-server` modeline of every file resolves to a schema in DIR/schemas."""
    for path in mine.rglob("*.yaml"):
        if ".github" in path.parts or path.name == ".pre-commit-config.yaml":
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, f"{path}: no modeline"
        assert (path.parent / m.group(1)).resolve().is_file(), f"{path}: {m.group(1)}"


def _readme_commands() -> list[list[str]]:
    from test_docs import _parse
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S):
        for line in block.splitlines():
            argv, expected = _parse(line.strip()) if line.strip() else (None, 0)
            if argv and argv[0] != "batch":          # batch: its input files are made by tests/test_docs.py
                out.append((argv, expected, line))
    return out


@pytest.mark.heavy     # a dozen commands, or cold `frin` processes (hooks, workflow)
def test_every_readme_command_works_in_the_folder(mine, monkeypatch, run_cli):
    import json
    shutil.copy(mine / "policies/kravia/2024-01-01.yaml", mine / "my-edit.yaml")
    case = yaml.safe_load((mine / "examples/consumer-inkassovarsel.yaml").read_text(encoding="utf-8"))
    (mine / "case.json").write_text(json.dumps(case, default=str), encoding="utf-8")
    commands = _readme_commands()
    assert len(commands) >= 10
    monkeypatch.chdir(mine)
    import io
    for argv, expected, line in commands:
        if argv[0] == "new-version":
            continue        # writes a version: test_the_routine_change_in_an_init_folder runs it
        if "-" in argv:     # `cat case.json | frin decide -`
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((mine / "case.json").read_bytes()), encoding="utf-8"))
        code, out, err = run_cli(*argv)
        assert code == expected and "note: no ./policies" not in err, f"{line}\nexit {code}\n{out[-2000:]}\n{err}"


def test_commands_that_write_a_policy_folder_need_one(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    for argv in (["new-version", "no-regulation", "2027-01-01"], ["lock"], ["lock", "--check"]):
        code, out, err = run_cli(*argv)
        assert code == 2 and "frin init DIR" in err and "no policy folder `policies` here" in err, (argv, err)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    code, _, err = run_cli("init", "full")
    assert code == 2 and "is not an empty folder" in err
    code, _, err = run_cli("init", "other", "--process", "no-such")
    assert code == 2 and "no policy `no-such`" in err and not (tmp_path / "other").exists()


@pytest.mark.parametrize("code, law", [("NL", "nl-wik"), ("SE", "se-inkasso-lag")])
def test_init_suggests_the_routine_change_of_its_own_law(tmp_path, monkeypatch, run_cli, code, law):
    """The "next:" line names the folder's own law: `no-regulation` does not exist in a Dutch folder."""
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_cli("init", "mine", "--jurisdiction", code)
    assert status == 0 and f"frin new-version {law} YYYY-MM-DD" in out and "no-regulation" not in out
    assert (tmp_path / "mine" / "policies" / law).is_dir()


# --- the hooks and the workflow on a scratch git repository --------------------------------

def _env(repo: Path, bin_dir: Path = BIN) -> dict:
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1",
            "GITHUB_STEP_SUMMARY": str(repo.parent / "summary.md"), "BASE": "origin/main"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(GIT + ["-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def run_hooks(repo: Path, bin_dir: Path = BIN) -> list[tuple[str, int, str]]:
    """Each hook of .pre-commit-config.yaml on the staged files, as pre-commit runs it."""
    staged = _git(repo, "diff", "--cached", "--name-only", "--diff-filter=AM").split()
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    out = []
    for hook in (h for r in config["repos"] for h in r["hooks"]):
        files = [f for f in staged if re.search(hook["files"], f)]
        if not files:
            continue
        argv = shlex.split(hook["entry"]) + (files if hook.get("pass_filenames", True) else [])
        done = subprocess.run(argv, cwd=repo, env=_env(repo, bin_dir), capture_output=True, text=True, timeout=300)
        out.append((hook["id"], done.returncode, done.stdout + done.stderr))
    return out


def run_workflow(repo: Path, bin_dir: Path = BIN) -> list[tuple[str, int, str]]:
    """The `run:` steps of .github/workflows/policies.yml (not `pip install`), in order."""
    workflow = yaml.safe_load((repo / ".github/workflows/policies.yml").read_text(encoding="utf-8"))
    out = []
    for step in workflow["jobs"]["check"]["steps"]:
        script = step.get("run")
        if script is None or script.startswith("pip install"):
            continue
        done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=_env(repo, bin_dir), capture_output=True,
                              text=True, timeout=600)
        out.append((step.get("name", script), done.returncode, done.stdout + done.stderr))
    return out


@pytest.fixture
def repo(mine, tmp_path) -> Path:
    """A git repository of the init folder on `main`, with `origin/main` pointing at it."""
    repo = tmp_path / "repo"
    shutil.copytree(mine, repo, ignore=shutil.ignore_patterns("my-edit.yaml", "case.json", "report.xml"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "init")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    return repo


def _green(results):
    assert results and all(code == 0 for _, code, _ in results), "\n".join(f"{n}: {c}\n{o[-3000:]}" for n, c, o in results)


@pytest.mark.heavy     # a dozen commands, or cold `frin` processes (hooks, workflow)
def test_a_locale_edit_passes_the_hook_and_the_workflow(repo):
    nb = repo / "policies/locales/nb.yaml"
    nb.write_text(nb.read_text(encoding="utf-8").replace('name: "norsk bokmål"', 'name: "norsk (bokmål)"'), encoding="utf-8")
    _git(repo, "add", "-A")
    _green(run_hooks(repo))
    _git(repo, "commit", "-q", "-m", "locale")
    _green(run_workflow(repo))
    assert "policies/locales/nb.yaml: validated above" in (repo.parent / "summary.md").read_text()


def test_a_broken_locale_is_stopped_by_the_hook(repo):
    nb = repo / "policies/locales/nb.yaml"
    nb.write_text(nb.read_text(encoding="utf-8").replace("{day}", "{dag}", 1), encoding="utf-8")
    _git(repo, "add", "-A")
    results = dict((name, (code, out)) for name, code, out in run_hooks(repo))
    code, out = results["frin-validate"]
    assert code == 1 and "nb.yaml:" in out and "uses a placeholder it is not given" in out


@pytest.mark.heavy     # a dozen commands, or cold `frin` processes (hooks, workflow)
def test_a_new_policys_first_version_passes_the_hook_and_the_workflow(repo):
    text = (repo / "policies/egeninkasso/2024-01-01.yaml").read_text(encoding="utf-8")
    (repo / "policies/my-own").mkdir()
    (repo / "policies/my-own/2026-01-01.yaml").write_text(
        text.replace("policy: egeninkasso", "policy: my-own").replace("effective: 2024-01-01", "effective: 2026-01-01"),
        encoding="utf-8")
    _git(repo, "add", "-A")
    hooks = dict((name, (code, out)) for name, code, out in run_hooks(repo))
    assert hooks["frin-validate"][0] == 0, hooks["frin-validate"][1]
    assert hooks["frin-lock-check"][0] == 1 and "not locked: my-own@2026-01-01" in hooks["frin-lock-check"][1]
    subprocess.run([BIN / "frin", "lock"], cwd=repo, env=_env(repo), check=True, capture_output=True)
    _git(repo, "add", "-A")
    _green(run_hooks(repo))
    _git(repo, "commit", "-q", "-m", "my-own")
    _green(run_workflow(repo))
    assert "policies/my-own/2026-01-01.yaml: the first version of my-own" in (repo.parent / "summary.md").read_text()


def test_docs_ci_shows_the_files_init_writes():
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert blocks == [pre_commit_config("0.1.0"), ci_workflow("0.1.0")]
