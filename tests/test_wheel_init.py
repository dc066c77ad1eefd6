"""Done (issue 20): the built wheel in a fresh venv, `frin init` in an empty folder, the
documented 780 NOK law change there with the documented commands only (docs/review.md's
loop: new-version, the edit of step 2, validate, diff, lock), then the pre-commit hooks and
the CI workflow `init` wrote, and a green `frin test` and `frin validate`; then every command of
the loop and every page with `--lang nb`, none of them with an English word left.

Heavy (a wheel build, a venv, about fifteen cold `frin` processes): marked `heavy`, so it runs
in CI (`make test` runs every test) and can be left out locally with `-m "not heavy"`. To be
quick it builds from a copy of the sources (nothing is written into the checkout) and the
venv reads the third-party packages of this environment through a `.pth` file, installing
only the wheel itself (`--no-deps`): the package under test is the wheel's alone (the check
below fails if `frist_inkasso` is imported from anywhere else).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from next_version import retarget_for
from test_init import GIT, run_hooks, run_workflow
from test_loop import loop_commands, officer_edits, varsel_fee
from test_nb_pages import english_words

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.heavy


def _build_wheel(tmp: Path) -> Path:
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build",
                                                                 "bench", "__snapshots__", ".pytest_cache"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                            str(tmp / "dist"), str(source)], capture_output=True, text=True, timeout=600)
    if built.returncode != 0:
        pytest.fail(f"the wheel did not build:\n{built.stderr[-3000:]}")
    return next((tmp / "dist").glob("frist_inkasso-*.whl"))


def _venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    # this environment's third-party packages (not its .pth files: the editable checkout stays out)
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True, text=True, timeout=300)
    where = subprocess.run([venv / "bin" / "python", "-c", "import frist_inkasso.engine as e; print(e.__file__)"],
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(purelib)), f"frist_inkasso comes from {where}, not the wheel"
    return venv / "bin"


def test_the_wheel_init_and_the_law_change_end_green(tmp_path):
    bin_dir = _venv(tmp_path, _build_wheel(tmp_path))
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}

    def frin(*argv: str, where: Path) -> subprocess.CompletedProcess:
        return subprocess.run([bin_dir / "frin", *argv], cwd=where, env=env, capture_output=True, text=True, timeout=600)

    empty = tmp_path / "work"
    empty.mkdir()
    done = frin("init", "mine", where=empty)
    assert done.returncode == 0 and done.stderr == "", done.stdout + done.stderr
    mine = empty / "mine"
    subprocess.run(["git", "init", "-q", "-b", "main", str(mine)], check=True)
    subprocess.run(GIT + ["-C", str(mine), "add", "-A"], check=True)
    subprocess.run(GIT + ["-C", str(mine), "commit", "-q", "-m", "init"], check=True)
    subprocess.run(GIT + ["-C", str(mine), "update-ref", "refs/remotes/origin/main", "HEAD"], check=True)

    at = retarget_for(mine / "policies")
    commands = iter(at.argv(c) for c in loop_commands())
    law = mine / "policies" / "no-regulation" / f"{at.free}.yaml"
    done = frin(*next(commands), where=mine)                     # 1. new-version
    assert done.returncode == 0 and law.exists() and "frin test" in done.stdout, done.stdout + done.stderr
    old_sats, new_sats = officer_edits(law, at)                  # 2. the edit docs/review.md describes
    done = frin(*next(commands), where=mine)                     # 3. validate the new version
    assert done.returncode == 0 and " 0 error(s), " in done.stdout, done.stdout + done.stderr     # green: warnings allowed (exit 0)
    done = frin(*next(commands), "--format", "markdown", where=mine)      # 4. diff (Markdown, HTML)
    assert done.returncode == 0 and f"| fee | `{varsel_fee(old_sats)}` | `{varsel_fee(new_sats)}` |" in done.stdout
    assert frin(*next(commands), where=mine).returncode == 0
    done = frin(*next(commands), where=mine)                     # 5. lock, lock --check
    assert done.returncode == 0 and f"locked no-regulation@{at.free}" in done.stdout, done.stdout
    assert frin(*next(commands), where=mine).returncode == 0

    subprocess.run(GIT + ["-C", str(mine), "add", "-A"], check=True)
    hooks = run_hooks(mine, bin_dir)
    assert [h[0] for h in hooks] == ["frin-validate", "frin-lock-check", "frin-fmt"]
    assert all(code == 0 for _, code, _ in hooks), hooks
    subprocess.run(GIT + ["-C", str(mine), "commit", "-q", "-m", "the law from " + str(at.free)], check=True)
    workflow = run_workflow(mine, bin_dir)
    assert all(code == 0 for _, code, _ in workflow), workflow
    assert f"no-regulation@{at.free}" in (empty / "summary.md").read_text(encoding="utf-8")   # the diff, for the PR

    for argv in (["test"], ["validate"]):
        done = frin(*argv, where=mine)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    # a decision under the new law, explained in Norwegian: the inkassovarsel fee is 1/20 of
    # the new sats in whole kroner (inkassoforskriften § 1-2)
    done = frin("explain", "examples/consumer-inkassovarsel.yaml", "--as-of", at.date("2027-01-04"), "--lang", "nb",
                where=mine)
    assert done.returncode == 0 and "Avgjørelse: send_inkassovarsel" in done.stdout, done.stdout + done.stderr
    fee = f"{varsel_fee(new_sats).replace('.', ',')} kr"          # 39,00 kr for 780 NOK
    lines = done.stdout.replace("\u00a0", " ").splitlines()       # the nb locale puts a no-break space before kr
    assert any(l.strip().startswith("gebyr") and l.rstrip().endswith(fee) for l in lines), done.stdout

    # every message in nb when asked: the loop's commands and the pages, none of the English marker words
    asked = {"test": ["test"], "validate": ["validate"], "lock": ["lock", "--check"], "fmt": ["fmt", "--check"],
             "diff": at.argv(loop_commands()[2]),
             "timeline": ["timeline", "examples/consumer-inkassovarsel.yaml", "--format", "markdown"],
             "graph": ["graph", "kravia"], "why-not": ["explain", "examples/consumer-inkassovarsel.yaml", "--why-not",
                                                       "send_betalingsoppfordring"]}
    for name, argv in asked.items():
        done = frin(*argv, "--lang", "nb", where=mine)
        assert done.returncode == 0, (name, done.stdout[-3000:] + done.stderr)
        # an example's name is the policy's data (test's ✓/✗ lines); a note on stderr would be English
        said = "\n".join(line for line in done.stdout.splitlines() if not line.lstrip().startswith(("✗", "✓", "____")))
        assert english_words(said) == set() and done.stderr == "", (name, said[-3000:], done.stderr)
